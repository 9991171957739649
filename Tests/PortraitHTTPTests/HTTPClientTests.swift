import Foundation
import PortraitCore
import PortraitHTTP
import PortraitTesting
import Testing

struct HTTPClientTests {
    /// 4,200 bytes of JSON lines, gzip-compressed to 93 bytes (Python's gzip.compress, mtime 0).
    static let gzippedLines: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xca, 0xb1, 0x09, 0x80, 0x30, 0x10, 0x86,
        0xd1, 0xde, 0x29, 0xc2, 0x5f, 0x6b, 0xc0, 0xd6, 0xca, 0x55, 0x8e, 0xe4, 0x8a, 0x40, 0x0e, 0x2d, 0x85, 0xe0,
        0xee, 0xe2, 0x02, 0x99, 0xe0, 0x2b, 0x1f, 0xbc, 0xa1, 0x56, 0x75, 0x24, 0x95, 0x6d, 0xd7, 0x9a, 0xe4, 0x61,
        0xad, 0xff, 0xb6, 0x6a, 0xa7, 0x3f, 0x16, 0x77, 0xf7, 0x5c, 0xae, 0xd0, 0xbb, 0x0c, 0x26, 0x93, 0xc9, 0x64,
        0x32, 0x99, 0x4c, 0x26, 0x93, 0xc9, 0x64, 0x32, 0x99, 0xcc, 0xe9, 0xfc, 0x00, 0x6d, 0xd9, 0x4f, 0xfb, 0x68,
        0x10, 0x00, 0x00,
    ]
    static let plainLines = String(repeating: "{\"id\": \"c-1\", \"email\": \"ada@example.com\"}\n", count: 100)

    @Test func getReturnsStatusHeadersAndBody() async throws {
        var server = TestHTTPServer()
        server.route("/contacts", TestHTTPServer.Response(status: 200, headers: [("X-Page", "1")], body: "hello portrait"))
        try await server.run { running in
            let client = HTTPClient(configuration: .init(userAgent: "portrait-tests"))
            let response = try await client.get(running.url("/contacts?page=1"), headers: [("X-Api-Key", "k1")])

            #expect(response.status == 200)
            #expect(response.isSuccess)
            #expect(response.text == "hello portrait")
            #expect(response.header("x-page") == "1")
            #expect(response.url == running.url("/contacts"))
            try response.requireSuccess()

            let request = try #require(running.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/contacts")
            #expect(request.queryParameter("page") == "1")
            #expect(request.header("X-Api-Key") == "k1")
            #expect(request.header("User-Agent") == "portrait-tests")
        }
    }

    @Test func notFoundIsAFailureThatNamesTheURLButNotItsQuery() async throws {
        try await TestHTTPServer().run { running in
            let response = try await HTTPClient().get(running.url("/missing?api_key=s3cr3t"))
            #expect(response.status == 404)
            #expect(!response.isSuccess)
            let error = try #require(throws: PortraitError.self) { try response.requireSuccess() }
            #expect(error.kind == .connector)
            #expect(error.message.contains(running.url("/missing")))
            #expect(error.message.contains("404"))
            #expect(!error.message.contains("s3cr3t"))
        }
    }

    @Test func gzipBodyIsDecoded() async throws {
        var server = TestHTTPServer()
        server.route(
            "/export.jsonl",
            TestHTTPServer.Response(headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/x-ndjson")], bytes: Self.gzippedLines)
        )
        try await server.run { running in
            let response = try await HTTPClient().get(running.url("/export.jsonl"))
            #expect(response.status == 200)
            #expect(response.body.count == Self.plainLines.utf8.count)
            #expect(response.text == Self.plainLines)
            #expect(running.requests.first?.header("Accept-Encoding")?.contains("gzip") == true)
        }
    }

    /// With and without `Content-Length`: libcurl refuses the first up front, the write callback stops the second.
    @Test(arguments: [false, true])
    func responseOverTheSizeLimitIsRefused(chunked: Bool) async throws {
        var server = TestHTTPServer()
        server.route("/big", TestHTTPServer.Response(bytes: [UInt8](repeating: 0x61, count: 256 << 10), chunked: chunked))
        server.route("/small", TestHTTPServer.Response(body: String(repeating: "b", count: 1_000), chunked: chunked))
        try await server.run { running in
            let client = HTTPClient(configuration: .init(maxResponseBytes: 64 << 10))
            let error = await #expect(throws: PortraitError.self) { try await client.get(running.url("/big")) }
            #expect(error?.kind == .connector)
            #expect(error?.message.contains("larger than the limit of 65536 bytes") == true)
            #expect(error?.message.contains(running.url("/big")) == true)
            // A caller with no setting for the limit (a webhook) is not told to raise one.
            #expect(error?.message.contains("raise") == false)

            // A connector's limit is a setting of its config: the error names it.
            let named = HTTPClient(
                configuration: .init(
                    maxResponseBytes: 64 << 10, settingNames: .init(maxResponseBytes: "options.max_response_bytes")))
            let namedError = await #expect(throws: PortraitError.self) { try await named.get(running.url("/big")) }
            #expect(
                namedError?.message.contains("(raise options.max_response_bytes, or request smaller pages)") == true)

            let small = try await client.get(running.url("/small"))
            #expect(small.body.count == 1_000)
        }
    }

    @Test func connectionRefusedIsAClearError() async throws {
        let port = try await TestHTTPServer().run { $0.port }  // Listening only while it ran: now closed.
        let url = "http://127.0.0.1:\(port)/contacts?token=s3cr3t"
        let client = HTTPClient(configuration: .init(connectTimeout: .seconds(5)))
        let error = await #expect(throws: PortraitError.self) { try await client.get(url) }
        #expect(error?.kind == .connector)
        #expect(error?.message.contains("http://127.0.0.1:\(port)/contacts") == true)
        #expect(error?.message.contains("Couldn't connect to server") == true)
        #expect(error?.message.contains("s3cr3t") == false)
    }

    @Test func redirectsAreFollowed() async throws {
        var server = TestHTTPServer()
        server.route("/old", TestHTTPServer.Response(status: 301, headers: [("Location", "/new")]))
        server.route("/new", TestHTTPServer.Response(body: "moved here"))
        try await server.run { running in
            let response = try await HTTPClient().get(running.url("/old"))
            #expect(response.status == 200)
            #expect(response.text == "moved here")
            #expect(response.url == running.url("/new"))

            let unfollowed = try await HTTPClient(configuration: .init(followRedirects: false)).get(running.url("/old"))
            #expect(unfollowed.status == 301)
        }
    }

    @Test func invalidURLsAndHeadersAreRejectedBeforeSending() async throws {
        let client = HTTPClient()
        await #expect(throws: PortraitError.self) { try await client.get("file:///etc/hostname") }
        await #expect(throws: PortraitError.self) { try await client.get("http://127.0.0.1:1/", headers: [("X-A", "1\r\nX-B: 2")]) }
    }

    /// Transfers block their own threads, not the cooperative pool: requests to a slow route overlap even though
    /// the server's handlers need the pool to answer.
    @Test func slowTransfersDoNotBlockTheCooperativePool() async throws {
        var server = TestHTTPServer()
        server.route("/slow") { _ in
            try await Task.sleep(for: .seconds(1))
            return TestHTTPServer.Response(body: "done")
        }
        try await server.run { running in
            let client = HTTPClient(configuration: .init(timeout: .seconds(20)))
            let clock = ContinuousClock()
            let started = clock.now
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 { group.addTask { try await client.get(running.url("/slow")).text } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(bodies == Array(repeating: "done", count: 16))
            // Sixteen 1 s requests two at a time (transfers holding the pool's two threads) would take 8 s;
            // together they take about 1 s. The wide margin is for a loaded machine running the whole suite,
            // where this once took 5.6 s with eight requests.
            #expect(clock.now - started < .seconds(6))
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        var server = TestHTTPServer()
        server.route("/hang") { _ in
            try await Task.sleep(for: .seconds(10))
            return TestHTTPServer.Response(body: "late")
        }
        try await server.run { running in
            let clock = ContinuousClock()
            let started = clock.now
            let task = Task { try await HTTPClient().get(running.url("/hang")) }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(clock.now - started < .seconds(5), "cancelled long before the server's 10 s answer")
        }
    }
}
