import Foundation
import PortraitConnectors
import PortraitCore
import PortraitTesting
import Testing

/// `xml_feed` on gzip-compressed feeds: told by their first bytes, inflated as they are parsed, from a file, a
/// drop folder and a URL; cut-short and corrupt compressed data stop the document with what happened.
struct XMLFeedGzipTests {
    let feeds = XMLFeedConnectorTests()

    /// What `command` writes given `input` (a program found on PATH, such as `gzip` or `python3`).
    static func output(of command: [String], input: Data) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Written from another thread: the program's output pipe would fill while this one still writes its input.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(command[0]) failed")
        return Array(output)
    }

    /// `bytes` compressed by the `gzip` program (no name or time in the header, so the output is the same each run).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        try output(of: ["gzip", "-c", "-n"], input: Data(bytes))
    }

    static func gzip(_ text: String) throws -> [UInt8] { try gzip(Array(text.utf8)) }

    /// A feed large enough that its compressed form spans several reads: `count` orders.
    static func orders(_ count: Int) -> String {
        "<feed>\n"
            + (1...count).map { index in
                // A code that varies, so the feed does not compress to almost nothing.
                let code = String(UInt64(index) &* 2_654_435_761 % 4_294_967_291, radix: 36)
                return "<order id=\"G-\(index)\"><total>\(index).50</total>"
                    + "<note>order \(index), code \(code)</note></order>"
            }
            .joined(separator: "\n") + "\n</feed>\n"
    }

    static let plainOptions: [String: JSONValue] = [
        "record": "/feed/order", "id_field": "id", "fields": ["id": "@id", "total": "total"],
    ]

    static func options(_ source: (String, String), extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(plainOptions.merging([source.0: .string(source.1)]) { $1 }.merging(extra) { $1 })
    }

    @Test func aGzipFileIsReadAsTheFeedItCompresses() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Data(Self.gzip(XMLFeedConnectorTests.feed)), to: "orders.xml.gz")
            _ = try directory.write(XMLFeedConnectorTests.feed, to: "orders.xml")
            let (compressed, error) = await feeds.read(
                try feeds.connector(directory, XMLFeedConnectorTests.options(("path", "orders.xml.gz"))))
            let (plain, _) = await feeds.read(
                try feeds.connector(directory, XMLFeedConnectorTests.options(("path", "orders.xml"))))
            #expect(error == nil)
            let records = XMLFeedConnectorTests.records(compressed)
            #expect(records.map(\.sourceID) == ["SO-1", "SO-2", "SO-3"])
            #expect(records.map(\.fields) == XMLFeedConnectorTests.records(plain).map(\.fields))
            // Lines are the decompressed document's.
            #expect(records[0].location == "orders.xml.gz:4 /shop:feed/shop:order[1]")
        }
    }

    @Test func aLargeGzipFileSpanningManyReadsIsReadWhole() async throws {
        try await TemporaryDirectory.with { directory in
            let xml = Self.orders(20_000)
            let compressed = try Self.gzip(xml)
            #expect(compressed.count > 256 << 10)  // More than one 256 KiB read of the compressed file.
            _ = try directory.write(Data(compressed), to: "big.xml.gz")
            let (messages, error) = await feeds.read(
                try feeds.connector(directory, Self.options(("path", "big.xml.gz"))))
            #expect(error == nil)
            let records = XMLFeedConnectorTests.records(messages)
            #expect(records.count == 20_000)
            #expect(records.last?.fields == ["id": "G-20000", "total": "20000.50"])
        }
    }

    @Test func concatenatedGzipMembersAreReadOneAfterTheOther() async throws {
        try await TemporaryDirectory.with { directory in
            let xml = Array(Self.orders(10).utf8)
            let middle = xml.count / 2
            let joined = try Self.gzip(Array(xml[..<middle])) + Self.gzip(Array(xml[middle...]))
            _ = try directory.write(Data(joined), to: "joined.xml.gz")
            let (messages, error) = await feeds.read(
                try feeds.connector(directory, Self.options(("path", "joined.xml.gz"))))
            #expect(error == nil)
            #expect(XMLFeedConnectorTests.records(messages).map(\.sourceID) == (1...10).map { "G-\($0)" })
        }
    }

    @Test func aGzipFileCutShortKeepsTheRecordsBeforeTheCutAndTheWholeFileIsReadCleanlyAfter() async throws {
        try await TemporaryDirectory.with { directory in
            let whole = try Self.gzip(Self.orders(20_000))
            _ = try directory.write(Data(whole[..<(whole.count / 2)]), to: "orders.xml.gz")
            let feed = try feeds.connector(directory, Self.options(("path", "orders.xml.gz")))
            let (first, error) = await feeds.read(feed)
            let kept = XMLFeedConnectorTests.records(first).map(\.sourceID)
            #expect(kept.count > 1000 && kept.count < 20_000)
            #expect(kept == (1...kept.count).map { "G-\($0)" })
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.hasPrefix("orders.xml.gz:"))
            #expect(message.contains("the gzip data ends early, after \(whole.count / 2) compressed bytes"))
            #expect(message.contains("looks cut short"))
            #expect(message.contains("the \(kept.count) records before it are imported"))

            // The whole file: every record from the start (the store finds the kept ones unchanged).
            _ = try directory.write(Data(whole), to: "orders.xml.gz")
            let (fixed, fixedError) = await feeds.read(feed, from: XMLFeedConnectorTests.lastState(first))
            #expect(fixedError == nil)
            #expect(XMLFeedConnectorTests.records(fixed).count == 20_000)
        }
    }

    @Test func aGzipFileMissingOnlyItsTrailerIsNotTakenAsComplete() async throws {
        try await TemporaryDirectory.with { directory in
            // The document inflates whole, but the CRC-32 and length that prove it are cut off.
            let whole = try Self.gzip(Self.orders(3))
            _ = try directory.write(Data(whole.dropLast(8)), to: "orders.xml.gz")
            let (_, error) = await feeds.read(try feeds.connector(directory, Self.options(("path", "orders.xml.gz"))))
            #expect("\(error.map { "\($0)" } ?? "")".contains("the gzip data ends early"))
        }
    }

    @Test func corruptGzipDataStopsTheDocumentSayingWhere() async throws {
        try await TemporaryDirectory.with { directory in
            var bytes = try Self.gzip(Self.orders(2000))
            for offset in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[offset] ^= 0x5a }
            _ = try directory.write(Data(bytes), to: "orders.xml.gz")
            let (messages, error) = await feeds.read(
                try feeds.connector(directory, Self.options(("path", "orders.xml.gz"))))
            let message = "\(error.map { "\($0)" } ?? "")"
            // Damaged data inflates to garbage for a while before zlib notices: the parser's error is then taken
            // for what it is, a sign of the damage found further on.
            #expect(message.hasPrefix("orders.xml.gz:"))
            #expect(message.contains("the gzip data is corrupt (zlib: "))
            #expect(message.contains(", found at compressed byte "))
            #expect(message.contains("fetch or export the file again"))
            let kept = XMLFeedConnectorTests.records(messages).map(\.sourceID)
            #expect(kept == (1...kept.count).map { "G-\($0)" })
            #expect(kept.count < 2000)
        }
    }

    @Test func anExternalEntityInsideAGzipFileIsRefusedAsInAPlainOne() async throws {
        try await TemporaryDirectory.with { directory in
            let xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE feed [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
                <feed><order id="X-1"><total>&secret;</total></order></feed>
                """
            _ = try directory.write(Data(Self.gzip(xxe)), to: "xxe.xml.gz")
            let (messages, error) = await feeds.read(
                try feeds.connector(directory, Self.options(("path", "xxe.xml.gz"))))
            #expect("\(error.map { "\($0)" } ?? "")".contains("refused"))
            #expect(!"\(messages)".contains("root:"))
        }
    }

    @Test func aDropFolderOfGzipFilesImportsAndArchivesEach() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Data(Self.gzip(Self.orders(3))), to: "drop/a.xml.gz")
            _ = try directory.write(
                Data(Self.gzip(Self.orders(5).replacingOccurrences(of: "G-", with: "H-"))), to: "drop/b.xml.gz")
            let feed = try feeds.connector(
                directory, Self.options(("folder", "drop"), extra: ["glob": "*.xml.gz", "complete_when": "renamed"]))
            let (messages, error) = await feeds.read(feed)
            #expect(error == nil)
            #expect(
                XMLFeedConnectorTests.records(messages).map(\.sourceID)
                    == ["G-1", "G-2", "G-3", "H-1", "H-2", "H-3", "H-4", "H-5"])
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/archive/a.xml.gz").path))
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/archive/b.xml.gz").path))
        }
    }

    @Test func aFolderWhoseFeedsTheGlobMissesSaysWhichAndTheGlobThatWouldMatch() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Data(Self.gzip(Self.orders(2))), to: "drop/b.xml.gz")
            _ = try directory.write(Self.orders(2), to: "drop/ORDERS.XML")
            _ = try directory.write("id,total\n1,2\n", to: "drop/other-connector.csv")
            let feed = try feeds.connector(
                directory, Self.options(("folder", "drop"), extra: ["complete_when": "renamed"]))
            let (messages, error) = await feeds.read(feed)
            #expect(error == nil)
            #expect(XMLFeedConnectorTests.records(messages).isEmpty)
            let warnings = messages.compactMap { if case .warning(let warning) = $0 { warning } else { nil } }
            #expect(
                warnings == [
                    ConnectorWarning(
                        "no file matches options.glob '*.xml' (globs are case-sensitive), but 2 file(s) look like this connector's: ORDERS.XML, b.xml.gz. Set options.glob to match them, e.g. \"*.XML\" or \"*.xml.gz\"",
                        location: "drop")
                ])

            // Once a file matches, the others are taken to be meant to stay.
            _ = try directory.write(Self.orders(1), to: "drop/c.xml")
            let (again, _) = await feeds.read(feed, from: XMLFeedConnectorTests.lastState(messages))
            #expect(XMLFeedConnectorTests.records(again).map(\.sourceID) == ["G-1"])
            #expect(!again.contains { if case .warning = $0 { true } else { false } })
        }
    }

    @Test func aURLServingAGzipFileOrAGzipEncodedBodyIsParsed() async throws {
        var server = TestHTTPServer()
        let xml = Self.orders(3000)
        let compressed = try Self.gzip(xml)
        // The compressed file itself, as a download (told by its bytes) ...
        server.route(
            "/orders.xml.gz",
            TestHTTPServer.Response(headers: [("Content-Type", "application/gzip")], bytes: compressed, chunked: true))
        // ... and a compressed transfer of the XML (libcurl inflates it).
        server.route(
            "/orders.xml",
            TestHTTPServer.Response(
                headers: [("Content-Type", "application/xml"), ("Content-Encoding", "gzip")], bytes: compressed))
        try await server.run { running in
            try await TemporaryDirectory.with { directory in
                for path in ["/orders.xml.gz", "/orders.xml"] {
                    let (messages, error) = await feeds.read(
                        try feeds.connector(directory, Self.options(("url", running.url(path)))))
                    #expect(error == nil, "\(path)")
                    let records = XMLFeedConnectorTests.records(messages)
                    #expect(records.count == 3000, "\(path)")
                    #expect(records.last?.sourceID == "G-3000", "\(path)")
                }
            }
        }
    }
}
