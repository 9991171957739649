import Foundation
import PortraitCore
import PortraitHTTP
import PortraitTesting
import Testing

/// `HTTPClient.stream`: a body read as it arrives, through a bounded buffer.
struct HTTPClientStreamingTests {
    /// Reads the whole body with a small buffer, as a parser pulling input would.
    func readAll(_ stream: HTTPBodyStream) throws -> [UInt8] {
        var body: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 3000)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if count == 0 { return body }
            body.append(contentsOf: chunk[..<count])
        }
    }

    @Test func aBodyLargerThanTheBufferArrivesWholeAndInOrder() async throws {
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var server = TestHTTPServer()
        server.route("/feed.xml", TestHTTPServer.Response(bytes: bytes, chunked: true))
        try await server.run { running in
            let stream = try await HTTPClient().stream(running.url("/feed.xml"), bufferBytes: 64 << 10)
            #expect(try readAll(stream) == bytes)
        }
    }

    @Test func aNonSuccessStatusThrowsBeforeTheBodyIsRead() async throws {
        var server = TestHTTPServer()
        server.route("/feed.xml", TestHTTPServer.Response(status: 403, body: "token expired"))
        try await server.run { running in
            let error = try await #require(throws: PortraitError.self) {
                _ = try await HTTPClient().stream(running.url("/feed.xml?token=s3cr3t"))
            }
            #expect(error.message.contains("HTTP 403"))
            #expect(error.message.contains("token expired"))
            #expect(!error.message.contains("s3cr3t"))
        }
    }

    @Test func closingEarlyStopsTheTransfer() async throws {
        var server = TestHTTPServer()
        server.route("/feed.xml", TestHTTPServer.Response(bytes: [UInt8](repeating: 65, count: 8 << 20), chunked: true))
        try await server.run { running in
            let stream = try await HTTPClient().stream(running.url("/feed.xml"), bufferBytes: 64 << 10)
            var chunk = [UInt8](repeating: 0, count: 1000)
            #expect(try chunk.withUnsafeMutableBytes { try stream.read(into: $0) } > 0)
            stream.close()
            #expect(try chunk.withUnsafeMutableBytes { try stream.read(into: $0) } == 0)
        }
    }

    @Test func anUnreachableServerIsAConnectorError() async throws {
        let error = try await #require(throws: PortraitError.self) {
            _ = try await HTTPClient(configuration: .init(connectTimeout: .seconds(2))).stream(
                "http://127.0.0.1:1/feed.xml")
        }
        #expect(error.kind == .connector)
    }
}
