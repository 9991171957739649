import Foundation
import PortraitCore

/// How `HTTPClient.send(_:retry:onRetry:)` retries: exponential backoff with jitter, capped, and the server's
/// `Retry-After` honoured.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included; 1 never retries.
    public var maxAttempts: Int
    /// The wait before the first retry; each later wait doubles, up to `maxDelay`.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest `Retry-After` waited for. A server asking for more fails the request at once: waiting an
    /// hour inside a sync helps nobody, and the error says when to run again.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(300)
    ) {
        self.maxAttempts = max(maxAttempts, 1)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// One attempt and no retry: for `check`, which should answer at once.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Statuses that say "not now" rather than "never": a retry may succeed.
    public static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    /// The wait before retry number `retry` (1 for the first): half the capped exponential delay plus a random
    /// part up to the other half, so clients that failed together do not return together.
    func backoff(beforeRetry retry: Int) -> Duration {
        let exponent = min(retry - 1, 30)
        let capped = min(baseDelay * (1 << exponent), maxDelay)
        let half = capped / 2
        return half + half * Double.random(in: 0...1)
    }
}

/// A retry about to happen, for logs and progress: why, and how long the client waits first.
public struct HTTPRetry: Sendable {
    /// The attempt that failed (1 for the first).
    public var attempt: Int
    public var delay: Duration
    /// `HTTP 503 Service Unavailable`, or the transfer error, without secrets.
    public var reason: String
}

extension HTTPClient {
    /// Sends `request`, retrying what a retry may fix: statuses 408, 429 and 5xx gateway errors, timeouts,
    /// refused or reset connections, truncated and empty replies.
    ///
    /// - Returns: The first response whose status is not retryable (a 2xx, or a 4xx such as 401 that the caller
    ///   must handle); with a policy of one attempt, the response whatever its status.
    /// - Throws: `PortraitError.connector` when the attempts run out (naming the URL without its query, the last
    ///   status or error and the number of attempts), when `Retry-After` asks for longer than
    ///   `policy.maxRetryAfter`, or when the failure is not transient (an unknown host); `CancellationError`.
    public func send(
        _ request: HTTPRequest, retry policy: RetryPolicy, onRetry: @Sendable (HTTPRetry) -> Void = { _ in }
    ) async throws -> HTTPResponse {
        try await Self.withRetries(
            "\(request.method) \(Self.redacted(request.url))", policy: policy, onRetry: onRetry
        ) {
            let response = try await perform(request)
            guard RetryPolicy.retryableStatuses.contains(response.status) else { return .done(response) }
            return .notNow(
                reason: response.statusText, retryAfter: response.header("Retry-After").flatMap(Self.retryAfter),
                lastResort: { response })
        }
    }

    /// What one attempt came to, as `withRetries` sees it.
    enum AttemptOutcome<Value> {
        case done(Value)
        /// A status that says "not now" (`reason`), with the server's `Retry-After`; `lastResort` gives the
        /// caller's answer when the policy allows one attempt only.
        case notNow(reason: String, retryAfter: Duration?, lastResort: () throws -> Value)
    }

    /// Runs `attempt` until it is done, retrying by `policy` what it reports as "not now" and the transient
    /// `CurlTransfer.Failure`s it throws; the one loop behind `send` and `stream`.
    ///
    /// - Parameter display: The request as messages name it (`GET https://host/path`, no query).
    static func withRetries<Value>(
        _ display: String, policy: RetryPolicy, onRetry: @Sendable (HTTPRetry) -> Void,
        _ attempt: () async throws -> AttemptOutcome<Value>
    ) async throws -> Value {
        var number = 1
        while true {
            var reason = ""
            var wait: Duration?
            do {
                switch try await attempt() {
                case .done(let value):
                    return value
                case .notNow(let why, let retryAfter, let lastResort):
                    reason = why
                    if let retryAfter {
                        guard retryAfter <= policy.maxRetryAfter else {
                            throw PortraitError.connector(
                                "\(display) returned \(reason) asking to wait \(seconds(retryAfter)) s, more than the \(seconds(policy.maxRetryAfter)) s allowed; run again later"
                            )
                        }
                        wait = retryAfter
                    }
                    guard number < policy.maxAttempts else {
                        if policy.maxAttempts == 1 { return try lastResort() }
                        throw PortraitError.connector("\(display) returned \(reason) on all \(number) attempts; gave up")
                    }
                }
            } catch let failure as CurlTransfer.Failure {
                guard failure.isTransient else { throw failure.error }
                guard number < policy.maxAttempts else {
                    if policy.maxAttempts == 1 { throw failure.error }
                    throw PortraitError.connector("\(failure.error.message) (on all \(number) attempts; gave up)")
                }
                reason = failure.error.message
            }
            let delay = wait ?? policy.backoff(beforeRetry: number)
            onRetry(HTTPRetry(attempt: number, delay: delay, reason: reason))
            try await Task.sleep(for: delay)
            number += 1
        }
    }

    /// A `Retry-After` value: seconds (`120`) or an HTTP date; nil when it is neither.
    public static func retryAfter(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return .seconds(max(seconds, 0)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(max(Int(date.timeIntervalSinceNow * 1000), 0))
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
