public import Foundation
import Hummingbird
import Logging
import NIOCore

extension MockCRM {
    /// The mock while it runs, handed to the body of ``MockCRM/run(host:port:_:)``: its address, the data, faults
    /// to inject and the requests received.
    public struct Running: Sendable {
        /// `http://<host>:<port>` without a trailing slash.
        public let baseURL: String
        /// The bound port.
        public let port: Int
        let state: CRMState

        /// `baseURL` followed by `path` (`"/crm/v3/objects/contacts?limit=100"`).
        public func url(_ path: String) -> String { baseURL + (path.hasPrefix("/") ? path : "/" + path) }

        /// Queues `faults` for the next requests whose path starts with `pathPrefix` (any request if nil): each
        /// fault applies to one request, in order. Faults come before authentication and routing, as a proxy's would.
        public func inject(_ faults: [Fault], matching pathPrefix: String? = nil) {
            state.inject(faults, matching: pathPrefix)
        }

        /// Edits those contacts as a CRM user would and sets their `updatedAt` to `date`.
        ///
        /// The email's local part gains a `+N` tag (`zhang.wei83+1@example.cn`, N counting the edits) and the
        /// phone's last digit moves on by one; absent values stay absent. Ids the mock does not hold are skipped.
        public func update(ids: [String], at date: Date) {
            state.update(ids: ids, at: date)
        }

        /// Archives (HubSpot) or deletes (Salesforce, `IsDeleted`) those contacts, with `updatedAt` = `date`, which
        /// HubSpot also serves as `archivedAt`. Ids the mock does not hold are skipped.
        public func archive(ids: [String], at date: Date) {
            state.archive(ids: ids, at: date)
        }

        /// Adds contacts, replacing any with the same id. Ids must be decimal numbers, as in the configuration.
        public func add(_ contacts: [Contact]) {
            state.add(contacts)
        }

        /// Invalidates every OAuth2 token issued so far: the next call with one answers 401, as after expiry.
        public func expireTokens() {
            state.expireTokens()
        }

        /// Every request received so far, in order of arrival, faulted ones included.
        public var requests: [RequestRecord] { state.requests }

        /// The current data, ordered by id, archived contacts included: the truth to compare a sync with.
        public var contacts: [Contact] { state.contacts }
    }

    /// Starts the mock, runs `body` with it, then stops it, whether `body` returned or threw.
    ///
    /// Each run starts from ``Configuration/contacts`` afresh, with no faults queued, tokens issued or requests
    /// logged. Stopping ends requests still open, hanging ones included.
    ///
    /// - Parameters:
    ///   - host: The address to bind; loopback by default so nothing outside the machine can reach the mock.
    ///   - port: The port to bind; 0 picks a free one, so tests can run in parallel.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or the server's error if it could not start (the port in use, say).
    public func run<Value: Sendable>(
        host: String = "127.0.0.1", port: Int = 0, _ body: (Running) async throws -> Value
    ) async throws -> Value {
        let state = CRMState(contacts: configuration.contacts)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Stopping cancels the server, which Hummingbird logs as an error on every stop; real failures to start
        // are thrown from here instead, so the mock's log stays quiet for the demo's terminal.
        var logger = Logger(label: "portrait.mock-crm")
        logger.logLevel = .critical
        let application = Application(
            responder: MockCRMResponder(state: state, configuration: configuration),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
            },
            logger: logger
        )

        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await application.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // The server ended before it listened: surface its error.
                while let _ = try await group.next() {}
                throw MockCRMError(message: "the mock CRM stopped before it started listening on \(host):\(port)")
            }
            defer { group.cancelAll() }
            let baseURL = "http://\(Self.urlHost(host)):\(port)"
            state.baseURL = baseURL
            return try await body(Running(baseURL: baseURL, port: port, state: state))
        }
    }

    /// The host as a URL writes it: a wildcard address becomes loopback, an IPv6 address gets brackets.
    static func urlHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0": return "127.0.0.1"
        case "::", "[::]": return "[::1]"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}

/// Why the mock could not serve.
public struct MockCRMError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
