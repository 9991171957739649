import CCurl
import Foundation
import PortraitCore

/// A small HTTP client over libcurl for connectors that read from web APIs and feeds.
///
/// Each transfer runs `curl_easy_perform` on a thread of its own, so a slow server never blocks the Swift
/// cooperative pool; the calling task suspends until the transfer ends. TLS peers and host names are always
/// verified, only `http` and `https` URLs are followed, and gzip or deflate bodies are decoded.
///
/// libcurl treats any complete HTTP exchange as a success, 404 and 500 included: check `HTTPResponse.status`
/// or call `HTTPResponse.requireSuccess()`.
public final class HTTPClient: Sendable {
    /// Limits and identity for every request a client makes.
    public struct Configuration: Sendable {
        /// Time allowed to establish the connection (TCP and TLS).
        public var connectTimeout: Duration
        /// Time allowed for the whole transfer, connection and body included.
        public var timeout: Duration
        /// The largest body accepted; a larger response aborts with an error rather than filling memory.
        public var maxResponseBytes: Int
        /// Sent as `User-Agent` unless the request sets its own.
        public var userAgent: String
        /// A PEM file of CA certificates to trust instead of the system's (a private CA); nil: the system's.
        public var caBundlePath: String?
        /// Follows 3xx redirects (to http and https only) when true; otherwise a 3xx is returned as it is.
        public var followRedirects: Bool
        /// The most redirects followed for one request.
        public var maxRedirects: Int
        /// How the caller's config names `caBundlePath` and `maxResponseBytes` (`options.ca_bundle`), so that an
        /// error can name the setting that fixes it; nil where the caller offers no such setting (a webhook).
        public var settingNames: SettingNames

        /// Names of settings in the caller's config, for error messages.
        public struct SettingNames: Sendable {
            public var caBundle: String?
            public var maxResponseBytes: String?

            public init(caBundle: String? = nil, maxResponseBytes: String? = nil) {
                self.caBundle = caBundle
                self.maxResponseBytes = maxResponseBytes
            }
        }

        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(120),
            maxResponseBytes: Int = 64 << 20,
            userAgent: String = "Portrait/1.0 (customer-data hub; libcurl)",
            caBundlePath: String? = nil,
            followRedirects: Bool = true,
            maxRedirects: Int = 5,
            settingNames: SettingNames = SettingNames()
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
            self.caBundlePath = caBundlePath
            self.followRedirects = followRedirects
            self.maxRedirects = maxRedirects
            self.settingNames = settingNames
        }
    }

    public let configuration: Configuration
    /// Idle handles with open connections, reused by the next request.
    let handles = CurlHandlePool()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Fetches `url` with a GET request.
    ///
    /// - Parameters:
    ///   - url: An `http` or `https` URL.
    ///   - headers: Request headers as name and value, in order (`Authorization`, `Accept`).
    /// - Returns: The final response after redirects, whatever its status.
    /// - Throws: `PortraitError.connector` naming the URL (without its query string) when the transfer fails
    ///   (unreachable host, TLS failure, timeout, a body over `maxResponseBytes`); `CancellationError` when
    ///   the calling task is cancelled.
    public func get(_ url: String, headers: [(String, String)] = []) async throws -> HTTPResponse {
        try await send(HTTPRequest(url: url, headers: headers))
    }

    /// Sends one request, once.
    ///
    /// - Returns: The final response after redirects, whatever its status.
    /// - Throws: As `get(_:headers:)`.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            return try await perform(request)
        } catch let failure as CurlTransfer.Failure {
            throw failure.error
        }
    }

    /// Runs one transfer on a dedicated thread and suspends until it ends; libcurl errors throw
    /// `CurlTransfer.Failure`.
    func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        try CurlTransfer.validate(request)
        let cancellation = CancellationFlag()
        let configuration = self.configuration
        let handles = self.handles
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let thread = Thread {
                    continuation.resume(
                        with: Result {
                            try CurlTransfer.attempt(
                                request, configuration: configuration, cancellation: cancellation, handles: handles)
                        }
                    )
                }
                thread.name = "portrait-http"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}

/// Set when the task awaiting a transfer is cancelled; libcurl's progress callback polls it and aborts.
final class CancellationFlag: Sendable {
    private let lock = NSLock()
    // A plain Bool behind `lock`; every access goes through `isCancelled` or `cancel()`.
    nonisolated(unsafe) private var cancelled = false

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }
}
