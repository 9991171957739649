import Foundation
import PortraitConnectors
import PortraitCore
import PortraitTesting
import Testing

/// `xml_feed` on zip archives holding feeds: read from the archive's bytes front to back, each `.xml` entry
/// inflated as it is parsed, other entries passed over; archives it cannot read faithfully are refused.
struct XMLFeedZipTests {
    let feeds = XMLFeedConnectorTests()

    /// A zip archive made by Python's `zipfile`: `entries` as (name, text), deflated or stored; `streamed` writes
    /// it to a pipe, so each entry's sizes and CRC-32 follow its data (a data descriptor), as a zip streamed by a
    /// web server is.
    static func zip(
        _ entries: [(String, String)], stored: Bool = false, streamed: Bool = false, method: String? = nil,
        zip64: Bool = false
    ) throws -> [UInt8] {
        let script = """
            import io, json, sys, zipfile
            entries = json.load(sys.stdin)
            method = zipfile.ZIP_STORED if \(stored ? "True" : "False") else zipfile.ZIP_DEFLATED
            method = getattr(zipfile, "\(method ?? "")", method)
            class Pipe(io.RawIOBase):
                def __init__(self): self.data = bytearray()
                def writable(self): return True
                def write(self, b): self.data += b; return len(b)
            out = Pipe() if \(streamed ? "True" : "False") else io.BytesIO()
            with zipfile.ZipFile(out, "w", method) as archive:
                for name, text in entries:
                    info = zipfile.ZipInfo(name, (2026, 11, 27, 0, 0, 0))
                    info.compress_type = method
                    with archive.open(info, "w", force_zip64=\(zip64 ? "True" : "False")) as entry:
                        entry.write(text.encode())
            sys.stdout.buffer.write(bytes(out.data) if \(streamed ? "True" : "False") else out.getvalue())
            """
        let json = try JSONSerialization.data(withJSONObject: entries.map { [$0.0, $0.1] })
        return try XMLFeedGzipTests.output(of: ["python3", "-c", script], input: json)
    }

    func connector(in directory: TemporaryDirectory, extra: [String: JSONValue] = [:]) throws -> XMLFeedConnector {
        var options = XMLFeedGzipTests.options(("path", "orders.zip")).objectValue ?? [:]
        for (key, value) in extra { options[key] = value.isNull ? nil : value }
        return try feeds.connector(directory, .object(options))
    }

    func read(_ bytes: [UInt8], in directory: TemporaryDirectory) async throws -> ([ConnectorMessage], String?) {
        _ = try directory.write(Data(bytes), to: "orders.zip")
        let (messages, error) = await feeds.read(try connector(in: directory))
        return (messages, error.map { "\($0)" })
    }

    @Test(arguments: [(false, false), (true, false), (false, true)])
    func theXMLFileOfAZipIsReadWhateverElseTheArchiveHolds(stored: Bool, streamed: Bool) async throws {
        try await TemporaryDirectory.with { directory in
            let archive = try Self.zip(
                [
                    ("README.txt", "Orders of 27 November"), ("__MACOSX/._orders.xml", "metadata"),
                    ("export/orders.xml", XMLFeedGzipTests.orders(3000)),
                ], stored: stored, streamed: streamed)
            let (messages, error) = try await read(archive, in: directory)
            #expect(error == nil)
            let records = XMLFeedConnectorTests.records(messages)
            #expect(records.count == 3000)
            #expect(records.last?.fields == ["id": "G-3000", "total": "3000.50"])
        }
    }

    @Test func zip64EntriesArePassedOverAndReadByInflatingThem() async throws {
        try await TemporaryDirectory.with { directory in
            // Sizes in zip64 extra fields: the local header's own say 0xFFFFFFFF.
            let entries = [
                ("README.txt", String(repeating: "notes ", count: 5000)), ("orders.xml", XMLFeedGzipTests.orders(700)),
            ]
            let archive = try Self.zip(entries, zip64: true)
            let (messages, error) = try await read(archive, in: directory)
            #expect(error == nil)
            #expect(XMLFeedConnectorTests.records(messages).count == 700)
        }
    }

    static func feed(_ ids: [String], cutShort: Bool = false) -> String {
        "<feed>\n" + ids.map { "<order id=\"\($0)\"><total>1.50</total></order>\n" }.joined()
            + (cutShort ? "<order id=\"X\"><total>1.5" : "</feed>\n")
    }

    @Test func aZipOfSeveralFeedsIsReadFeedByFeedInTheArchivesOrder() async throws {
        try await TemporaryDirectory.with { directory in
            let archive = try Self.zip([
                ("a.xml", Self.feed(["A-1", "A-2"])), ("README.txt", "two days of orders"),
                ("b.XML", Self.feed(["B-1", "B-2", "B-3"])),
            ])
            let (messages, error) = try await read(archive, in: directory)
            #expect(error == nil)
            let records = XMLFeedConnectorTests.records(messages)
            #expect(records.map(\.sourceID) == ["A-1", "A-2", "B-1", "B-2", "B-3"])
            // The first feed is located by the archive's name, as a zip of one feed; a later one by its entry too.
            #expect(records.first?.location == "orders.zip:2 /feed/order[1]")
            #expect(records.last?.location == "orders.zip/b.XML:4 /feed/order[3]")

            // Without an id field, a record is known by its place: the entry is part of it after the first feed.
            let byPlace = try connector(in: directory, extra: ["id_field": .null])
            let (placed, _) = await feeds.read(byPlace)
            #expect(
                XMLFeedConnectorTests.records(placed).map(\.sourceID) == [
                    "orders.zip#1", "orders.zip#2", "orders.zip/b.XML#1", "orders.zip/b.XML#2", "orders.zip/b.XML#3",
                ])
        }
    }

    @Test func aMalformedLaterFeedKeepsEveryRecordBeforeItAndTheRerunResumesInsideIt() async throws {
        try await TemporaryDirectory.with { directory in
            let broken = try Self.zip([
                ("a.xml", Self.feed(["A-1", "A-2", "A-3"])), ("b.xml", Self.feed(["B-1", "B-2"], cutShort: true)),
            ])
            let (first, error) = try await read(broken, in: directory)
            #expect(XMLFeedConnectorTests.records(first).map(\.sourceID) == ["A-1", "A-2", "A-3", "B-1", "B-2"])
            #expect(error?.hasPrefix("orders.zip/b.xml:4:") == true, "\(error ?? "")")
            #expect(error?.contains("the 5 records before it are imported") == true, "\(error ?? "")")
            let stopped = try #require(XMLFeedConnectorTests.lastState(first))
            #expect(stopped.value["position"]?["records"] == 5)

            // The same archive again: nothing is sent twice, across both feeds, and the error is said again.
            let feed = try connector(in: directory)
            let (again, againError) = await feeds.read(feed, from: stopped)
            #expect(XMLFeedConnectorTests.records(again).isEmpty)
            #expect(againError != nil)

            // A position inside the later feed (a run killed after B-1 was committed) resumes inside it.
            var state = try #require(stopped.value.objectValue)
            var position = try #require(state["position"]?.objectValue)
            position["records"] = 4
            state["position"] = .object(position)
            let (resumed, _) = await feeds.read(feed, from: ConnectorState(.object(state)))
            #expect(XMLFeedConnectorTests.records(resumed).map(\.sourceID) == ["B-2"])

            // The corrected archive is read whole.
            let fixed = try Self.zip([
                ("a.xml", Self.feed(["A-1", "A-2", "A-3"])), ("b.xml", Self.feed(["B-1", "B-2", "B-3"])),
            ])
            _ = try directory.write(Data(fixed), to: "orders.zip")
            let (whole, wholeError) = await feeds.read(feed, from: XMLFeedConnectorTests.lastState(again))
            #expect(wholeError == nil)
            #expect(XMLFeedConnectorTests.records(whole).count == 6)
        }
    }

    @Test func aLaterFeedThatCannotBeReadStopsTheArchiveAfterTheRecordsBeforeIt() async throws {
        try await TemporaryDirectory.with { directory in
            let script = """
                import io, sys, zipfile
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w") as archive:
                    archive.writestr(zipfile.ZipInfo("a.xml"), sys.argv[1], compress_type=zipfile.ZIP_DEFLATED)
                    archive.writestr(zipfile.ZipInfo("b.xml"), sys.argv[2], compress_type=zipfile.ZIP_BZIP2)
                sys.stdout.buffer.write(out.getvalue())
                """
            let archive = try XMLFeedGzipTests.output(
                of: ["python3", "-c", script, Self.feed(["A-1", "A-2"]), Self.feed(["B-1"])], input: Data())
            let (messages, error) = try await read(archive, in: directory)
            #expect(XMLFeedConnectorTests.records(messages).map(\.sourceID) == ["A-1", "A-2"])
            #expect(
                error?.contains("the zip entry b.xml is compressed with method 12, which Portrait does not read") == true,
                "\(error ?? "")")
            #expect(error?.contains("the 2 records before it are imported") == true, "\(error ?? "")")
        }
    }

    @Test func aZipWithoutAnXMLFileSaysWhatItHolds() async throws {
        try await TemporaryDirectory.with { directory in
            let archive = try Self.zip([("orders.csv", "id,total\n1,2\n"), ("notes.txt", "none")])
            let (_, error) = try await read(archive, in: directory)
            #expect(
                error?.contains("the zip archive holds no .xml file (it holds orders.csv, notes.txt)") == true,
                "\(error ?? "")")
        }
    }

    @Test func entriesThatCannotBeStreamedAreRefusedNamingThem() async throws {
        try await TemporaryDirectory.with { directory in
            let bzip2 = try Self.zip([("orders.xml", XMLFeedGzipTests.orders(2))], method: "ZIP_BZIP2")
            let (_, methodError) = try await read(bzip2, in: directory)
            #expect(
                methodError?.contains(
                    "the zip entry orders.xml is compressed with method 12, which Portrait does not read (deflate or stored only)")
                    == true, "\(methodError ?? "")")
            // Stored, with its size only after its data: nothing tells where it ends.
            let streamedStored = try Self.zip(
                [("orders.xml", XMLFeedGzipTests.orders(2))], stored: true, streamed: true)
            let (_, storedError) = try await read(streamedStored, in: directory)
            #expect(
                storedError?.contains("the zip entry orders.xml is stored without its size in its header") == true,
                "\(storedError ?? "")")
        }
    }

    @Test(arguments: [false, true])
    func aZipCutShortOrDamagedIsSaidToBe(stored: Bool) async throws {
        try await TemporaryDirectory.with { directory in
            let archive = try Self.zip([("orders.xml", XMLFeedGzipTests.orders(3000))], stored: stored)
            let (_, cutError) = try await read(Array(archive[..<(archive.count / 2)]), in: directory)
            #expect(cutError?.contains("the zip archive ends early") == true, "\(cutError ?? "")")

            // One digit of a total changed: still well-formed XML, so only the CRC-32 can tell.
            var damaged = archive
            if stored {
                let digit = try #require(damaged.firstIndex(of: UInt8(ascii: "7")))
                damaged[digit] = UInt8(ascii: "8")
            } else {
                for offset in (archive.count / 2)..<(archive.count / 2 + 16) { damaged[offset] ^= 0x21 }
            }
            let (_, damageError) = try await read(damaged, in: directory)
            let said = damageError ?? ""
            #expect(said.contains("does not match its CRC-32") || said.contains("is corrupt (zlib: "), "\(said)")
        }
    }

    @Test func aURLServingAZipIsParsedAsItStreamsIn() async throws {
        var server = TestHTTPServer()
        let archive = try Self.zip([("orders.xml", XMLFeedGzipTests.orders(500))], streamed: true)
        server.route(
            "/orders.zip",
            TestHTTPServer.Response(headers: [("Content-Type", "application/zip")], bytes: archive, chunked: true))
        try await server.run { running in
            try await TemporaryDirectory.with { directory in
                let (messages, error) = await feeds.read(
                    try feeds.connector(directory, XMLFeedGzipTests.options(("url", running.url("/orders.zip")))))
                #expect(error == nil)
                #expect(XMLFeedConnectorTests.records(messages).count == 500)
            }
        }
    }
}
