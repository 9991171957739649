import Foundation
import Logging
import PortraitCore
import PortraitHTTP

extension RetryPolicy {
    /// `options.retry` (`max_attempts`, `base_delay_ms`, `max_delay_ms`, `max_retry_after_seconds`), as the
    /// HTTP-reading kinds (`rest`, `xml_feed`) share it; defaults where not set.
    init(option retry: JSONValue?) {
        self.init(
            maxAttempts: retry?["max_attempts"]?.intValue ?? 6,
            baseDelay: .milliseconds(retry?["base_delay_ms"]?.intValue ?? 500),
            maxDelay: .milliseconds(retry?["max_delay_ms"]?.intValue ?? 30_000),
            maxRetryAfter: .seconds(retry?["max_retry_after_seconds"]?.intValue ?? 300))
    }
}

extension Logger {
    /// Logs each retry of a request to `url` (without its query) by connector `name`, as a warning: a source that
    /// answers 503 for minutes shows in the log while the sync waits, not only in its final error.
    func retryLogger(connector name: String, url: String) -> @Sendable (HTTPRetry) -> Void {
        { [self] event in
            let (seconds, attoseconds) = event.delay.components
            warning(
                "retrying a request",
                metadata: [
                    "connector": .string(name), "url": .string(HTTPClient.redacted(url)),
                    "attempt": .stringConvertible(event.attempt), "reason": .string(event.reason),
                    "delay_ms": .stringConvertible(seconds * 1000 + attoseconds / 1_000_000_000_000_000),
                ])
        }
    }
}
