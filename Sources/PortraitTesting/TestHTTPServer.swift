import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A loopback HTTP server for tests: register routes, then run a test body against `http://127.0.0.1:<port>`.
///
/// The server binds 127.0.0.1 on an ephemeral port, so tests run in parallel without clashing, and stops when the
/// body returns or throws.
///
/// ```swift
/// var server = TestHTTPServer()
/// server.route("/contacts", TestHTTPServer.Response(body: #"{"id": 1}"#, headers: [("Content-Type", "application/json")]))
/// try await server.run { running in
///     let response = try await HTTPClient().get(running.url("/contacts"))
///     #expect(response.status == 200)
/// }
/// ```
public struct TestHTTPServer: Sendable {
    /// A request the server received, as the test sees it.
    public struct Request: Sendable {
        public var method: String
        /// The path without the query string (`/contacts`).
        public var path: String
        /// The raw query string without `?`, if any.
        public var query: String?
        /// Headers in the order received, names in lowercase.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The first value of the header called `name` (any case).
        public func header(_ name: String) -> String? {
            let lowered = name.lowercased()
            return headers.first { $0.name == lowered }?.value
        }

        /// The query parameter called `name`, percent-decoded.
        public func queryParameter(_ name: String) -> String? {
            guard let query else { return nil }
            return URLComponents(string: "http://h/?\(query)")?.queryItems?.first { $0.name == name }?.value
        }
    }

    /// What a route answers.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Sends the body in chunks with no `Content-Length` (chunked encoding), as streaming servers do.
        public var chunked: Bool

        public init(status: Int = 200, headers: [(String, String)] = [], bytes: [UInt8], chunked: Bool = false) {
            self.status = status
            self.headers = headers
            self.body = bytes
            self.chunked = chunked
        }

        public init(status: Int = 200, headers: [(String, String)] = [], body: String = "", chunked: Bool = false) {
            self.init(status: status, headers: headers, bytes: Array(body.utf8), chunked: chunked)
        }

        /// A JSON response: `Content-Type: application/json` and the given text.
        public static func json(_ text: String, status: Int = 200) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")], body: text)
        }
    }

    public typealias Handler = @Sendable (Request) async throws -> Response

    /// The server while it runs, handed to the test body.
    public struct Running: Sendable {
        /// The bound port on 127.0.0.1.
        public let port: Int
        /// `http://127.0.0.1:<port>` without a trailing slash.
        public var baseURL: String { "http://127.0.0.1:\(port)" }
        let log: RequestLog

        /// `baseURL` followed by `path` (`"/contacts?page=2"`).
        public func url(_ path: String) -> String { baseURL + (path.hasPrefix("/") ? path : "/" + path) }

        /// Every request received so far, in order.
        public var requests: [Request] { log.all }
    }

    struct Route: Sendable {
        var method: String
        var path: String
        var handler: Handler
    }

    var routes: [Route] = []

    public init() {}

    /// Answers `method` requests to `path` with a fixed response. Paths may use Hummingbird patterns (`/items/:id`, `*`).
    public mutating func route(_ path: String, method: String = "GET", _ response: Response) {
        routes.append(Route(method: method, path: path, handler: { _ in response }))
    }

    /// Answers `method` requests to `path` with whatever `handler` returns (pagination, checking headers, errors).
    public mutating func route(_ path: String, method: String = "GET", handler: @escaping Handler) {
        routes.append(Route(method: method, path: path, handler: handler))
    }

    /// Answers the `n`th request to `path` (1 for the first) with `answer(n)`: a server that is busy at first, or
    /// changes between requests, without a counter in each test.
    public mutating func route(
        _ path: String, method: String = "GET", byCall answer: @escaping @Sendable (Int) -> Response
    ) {
        let calls = Mutex(0)
        route(
            path, method: method,
            handler: { _ in
                answer(
                    calls.withLock { calls in
                        calls += 1
                        return calls
                    })
            })
    }

    /// Starts the server, runs `body` with it, then stops it, whether `body` returned or threw.
    ///
    /// - Parameter port: 0 (the default) for an ephemeral port; a given port lets a test start the server where a
    ///   client already sends (a receiver that was down and comes up).
    /// - Throws: What `body` throws, or the server's error if it could not start.
    public func run<Value: Sendable>(port: Int = 0, _ body: @Sendable (Running) async throws -> Value) async throws -> Value {
        let log = RequestLog()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = makeApplication(port: port, log: log, onPort: { portContinuation.yield($0) })

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
                throw TestServerError(message: "test HTTP server stopped before it started listening")
            }
            defer { group.cancelAll() }
            return try await body(Running(port: port, log: log))
        }
    }

    private func makeApplication(port: Int, log: RequestLog, onPort: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router()
        for route in routes {
            let handler = route.handler
            router.on(RouterPath(route.path), method: HTTPRequest.Method(route.method) ?? .get) { request, _ -> Hummingbird.Response in
                var request = request
                let body = try await request.collectBody(upTo: 64 << 20)
                let received = Request(
                    method: request.method.rawValue,
                    path: request.uri.path,
                    query: request.uri.query,
                    headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
                    body: Array(buffer: body)
                )
                log.append(received)
                return try await Self.makeResponse(handler(received))
            }
        }
        var logger = Logger(label: "portrait.test-http-server")
        logger.logLevel = .warning
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { onPort(port) }
            },
            logger: logger
        )
    }

    private static func makeResponse(_ response: Response) -> Hummingbird.Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let status = HTTPResponse.Status(code: response.status)
        let bytes = response.body
        guard response.chunked else {
            return Hummingbird.Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let body = ResponseBody { writer in
            for start in stride(from: 0, to: bytes.count, by: 16 << 10) {
                try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + (16 << 10), bytes.count)]))
            }
            try await writer.finish(nil)
        }
        return Hummingbird.Response(status: status, headers: fields, body: body)
    }
}

/// Why a test server could not serve.
public struct TestServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Requests received by a running test server, appended from NIO threads and read by the test.
final class RequestLog: Sendable {
    private let lock = NSLock()
    // Guarded by `lock`: only `append` and `all` touch it.
    nonisolated(unsafe) private var requests: [TestHTTPServer.Request] = []

    func append(_ request: TestHTTPServer.Request) { lock.withLock { requests.append(request) } }

    var all: [TestHTTPServer.Request] { lock.withLock { requests } }
}

/// Runs `body` against a loopback server with the routes `configure` registers, then stops the server.
public func withTestServer<Value: Sendable>(
    _ configure: (inout TestHTTPServer) -> Void,
    _ body: @Sendable (TestHTTPServer.Running) async throws -> Value
) async throws -> Value {
    var server = TestHTTPServer()
    configure(&server)
    return try await server.run(body)
}
