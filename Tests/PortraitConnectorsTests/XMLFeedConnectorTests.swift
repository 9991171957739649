import Foundation
import Logging
import PortraitConnectors
import PortraitCore
import PortraitTesting
import Synchronization
import Testing

/// `xml_feed` through `read(from:into:)`: selection by namespace URI, attributes, repeated elements, CDATA,
/// hostile documents, malformed documents and their rerun, and a streamed URL.
struct XMLFeedConnectorTests {
    static let shop = "urn:example:shop"

    /// Options for the order feed; `source` is `path`, `folder` or `url` with its value.
    static func options(_ source: (String, String), extra: [String: JSONValue] = [:]) -> JSONValue {
        var options: [String: JSONValue] = [
            source.0: .string(source.1),
            "namespaces": ["shop": .string(shop), "c": "urn:example:customer"],
            "record": "/shop:feed/shop:order",
            "id_field": "id",
            "fields": [
                "id": "@id",
                "email": "c:customer/c:email",
                "name": "c:customer/c:name",
                "total": "shop:total",
                "currency": "shop:total/@currency",
                "note": "shop:note",
                "tags": ["all": "shop:tag"],
                "lines": [
                    "each": "shop:lines/shop:line",
                    "fields": ["sku": "@sku", "qty": "shop:qty", "price": "shop:price"],
                ],
            ],
        ]
        for (key, value) in extra { options[key] = value }
        return .object(options)
    }

    func connector(_ directory: TemporaryDirectory, _ options: JSONValue) throws -> XMLFeedConnector {
        try XMLFeedConnector(
            context: ConnectorContext(
                name: "feed", options: options, baseDirectory: directory.url, logger: Logger(label: "test")))
    }

    /// The messages read, and the error that stopped the read, if any.
    ///
    /// - Parameter seen: Called with each message as the connector sends it, before the read goes on.
    func read(
        _ connector: XMLFeedConnector, from state: ConnectorState? = nil,
        seen: @escaping @Sendable (ConnectorMessage) -> Void = { _ in }
    ) async -> ([ConnectorMessage], (any Error)?) {
        let collected = Mutex<[ConnectorMessage]>([])
        do {
            try await connector.read(
                from: state,
                into: ConnectorOutput { message in
                    seen(message)
                    collected.withLock { $0.append(message) }
                })
            return (collected.withLock { $0 }, nil)
        } catch {
            return (collected.withLock { $0 }, error)
        }
    }

    static func records(_ messages: [ConnectorMessage]) -> [SourceRecord] {
        messages.compactMap { if case .record(let record) = $0 { record } else { nil } }
    }

    static func unreadable(_ messages: [ConnectorMessage]) -> [UnreadableRecord] {
        messages.compactMap { if case .unreadable(let record) = $0 { record } else { nil } }
    }

    /// Every checkpoint's state, waited for or not, in order.
    static func states(_ messages: [ConnectorMessage]) -> [ConnectorState] {
        messages.compactMap {
            switch $0 {
            case .checkpoint(let state), .checkpointWithoutWaiting(let state): state
            default: nil
            }
        }
    }

    static func lastState(_ messages: [ConnectorMessage]) -> ConnectorState? {
        states(messages).last
    }

    /// Whether the read began by saying its document is unchanged since its import (and so read nothing).
    static func saysUnchanged(_ messages: [ConnectorMessage]) -> Bool {
        guard case .part(let part)? = messages.first else { return false }
        return part.note?.hasPrefix("unchanged since") == true
    }

    /// The file uses prefixes `s` and a default namespace where config says `shop` and `c`.
    static let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <s:feed xmlns:s="urn:example:shop" generated="2024-05-02">
          <s:header><s:order id="not-a-record"/></s:header>
          <s:order id="SO-1">
            <customer xmlns="urn:example:customer">
              <email>  Ana.Garcia@Example.com </email>
              <name>Ana
                 García</name>
            </customer>
            <s:total currency="EUR">144.90</s:total>
            <s:note><![CDATA[Leave at <door> & ring]]></s:note>
            <s:tag>gift</s:tag><s:tag>express</s:tag>
            <s:lines>
              <s:line sku="RUN-42"><s:qty>1</s:qty><s:price>129.90</s:price></s:line>
              <s:line sku="SOCK-3"><s:qty>3</s:qty><s:price>5.00</s:price></s:line>
            </s:lines>
          </s:order>
          <s:order id="SO-2"><s:total currency="USD">&#49;0 &amp; &lt;more&gt;</s:total></s:order>
          <other:order xmlns:other="urn:example:other" id="wrong-namespace"/>
          <s:order id="SO-3"/>
        </s:feed>
        """

    @Test func selectsRecordsByNamespaceURIWithAttributesRepeatedElementsAndCDATA() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Self.feed, to: "orders.xml")
            let (messages, error) = await read(try connector(directory, Self.options(("path", "orders.xml"))))
            #expect(error == nil)
            let records = Self.records(messages)
            #expect(records.map(\.sourceID) == ["SO-1", "SO-2", "SO-3"])
            #expect(records.map(\.stream) == ["order", "order", "order"])
            #expect(records[0].location == "orders.xml:4 /shop:feed/shop:order[1]")
            #expect(
                records[0].fields == [
                    "id": "SO-1", "email": "Ana.Garcia@Example.com", "name": "Ana García", "total": "144.90",
                    "currency": "EUR", "note": "Leave at <door> & ring", "tags": ["gift", "express"],
                    "lines": [
                        ["sku": "RUN-42", "qty": "1", "price": "129.90"],
                        ["sku": "SOCK-3", "qty": "3", "price": "5.00"],
                    ],
                ])
            #expect(records[1].fields == ["id": "SO-2", "total": "10 & <more>", "currency": "USD"])
            #expect(records[2].fields == ["id": "SO-3"])
            #expect(Self.unreadable(messages).isEmpty)
            #expect(messages.first == .part(ConnectorPart("orders.xml")))
        }
    }

    /// Feeds from platforms that export in a legacy encoding: the bytes of `text` in `encoding`, declared.
    @Test(arguments: [
        ("GBK", String.Encoding(rawValue: 0x8000_0632), "王小明"),  // CFStringEncoding GBK_95.
        ("ISO-8859-1", .isoLatin1, "Zoë Müller"),
        ("Shift_JIS", .shiftJIS, "山田太郎"),
        ("UTF-16", .utf16, "Ana García 李娜"),  // With a byte order mark, as Foundation writes it.
    ])
    func aFeedInTheEncodingItsDeclarationNamesIsReadAsText(
        encoding: String, bytes: String.Encoding, name: String
    ) async throws {
        try await TemporaryDirectory.with { directory in
            let xml = """
                <?xml version="1.0" encoding="\(encoding)"?>
                <feed><order id="E-1"><name>\(name)</name><total>1.00</total></order></feed>
                """
            let data = try #require(xml.data(using: bytes))
            #expect(data != Data(xml.utf8))  // Really in that encoding.
            _ = try directory.write(data, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id",
                "fields": ["id": "@id", "name": "name", "total": "total"],
            ]
            let (messages, error) = await read(try connector(directory, options))
            #expect(error == nil)
            #expect(Self.records(messages).map(\.fields) == [["id": "E-1", "name": .string(name), "total": "1.00"]])
        }
    }

    @Test func recordsTheFeedMarksDeletedAreSentAsDeletions() async throws {
        try await TemporaryDirectory.with { directory in
            let xml = """
                <feed>
                  <order id="D-1" status="paid"/>
                  <order id="D-2" status="Removed"/>
                  <order id="D-3" status="deleted"/>
                  <order id="D-4"/>
                </feed>
                """
            _ = try directory.write(xml, to: "orders.xml")
            var options: [String: JSONValue] = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id",
                "fields": ["id": "@id", "status": "@status"],
                "deleted": ["field": "status", "values": ["deleted", "removed"]],
            ]
            let (messages, error) = await read(try connector(directory, .object(options)))
            #expect(error == nil)
            let records = Self.records(messages)
            #expect(records.map(\.sourceID) == ["D-1", "D-2", "D-3", "D-4"])
            #expect(records.map(\.isDeletion) == [false, true, true, false])

            // A field that is not one of the fields is a config error that names the close one.
            options["deleted"] = ["field": "state"]
            #expect {
                try connector(directory, .object(options))
            } throws: { error in
                "\(error)".contains("options.deleted.field 'state' is not one of options.fields (id, status)")
                    && "\(error)".contains("did you mean 'status'?")
            }
        }
    }

    @Test func unprefixedStepsUseTheDefaultNamespaceConfigDeclares() async throws {
        try await TemporaryDirectory.with { directory in
            // Config writes no prefix at all; the file uses the prefix x for the same URI.
            _ = try directory.write(
                "<x:feed xmlns:x=\"urn:example:shop\"><x:order x:id=\"1\" id=\"plain\"><x:total>5</x:total></x:order></x:feed>",
                to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "namespaces": ["": .string(Self.shop), "s": .string(Self.shop)],
                "record": "/feed/order", "fields": ["id": "@id", "prefixed_id": "@s:id", "total": "total"],
            ]
            let (messages, error) = await read(try connector(directory, options))
            #expect(error == nil)
            // An unprefixed attribute is in no namespace, as in XML: `@id` is id="plain", `@s:id` is x:id.
            #expect(Self.records(messages).map(\.fields) == [["id": "plain", "prefixed_id": "1", "total": "5"]])
        }
    }

    @Test func discoverListsTheConfiguredFieldsWithExamples() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Self.feed, to: "orders.xml")
            let streams = try await connector(directory, Self.options(("path", "orders.xml"))).discover()
            #expect(streams.map(\.name) == ["order"])
            #expect(streams.first?.suggestedEntity == .order)
            let fields = Dictionary(uniqueKeysWithValues: (streams.first?.fields ?? []).map { ($0.path, $0.example) })
            #expect(fields["email"] == "Ana.Garcia@Example.com")
            #expect(fields["currency"] == "EUR")
            #expect(fields.keys.contains { $0.hasPrefix("lines") })
            // The fields of order lines too, for writing the `each` mapping.
            #expect(fields.keys.contains { $0.hasPrefix("lines[].") })
            #expect(streams.first?.note == nil)
        }
    }

    @Test func discoverOnASampleCutShortShowsTheFieldsBeforeTheCutAndSaysWhere() async throws {
        try await TemporaryDirectory.with { directory in
            let orders = (1...3).map { "<order id=\"O-\($0)\"><total>\($0)</total></order>" }
            let cut = "<feed>\n" + orders.joined(separator: "\n") + "\n<order id=\"O-4\"><to"
            _ = try directory.write(cut, to: "cut.xml")
            let options: JSONValue = [
                "path": "cut.xml", "record": "/feed/order", "fields": ["id": "@id", "total": "total"],
            ]
            let streams = try await connector(directory, options).discover()
            #expect(streams.first?.fields.map(\.path) == ["id", "total"])
            let note = streams.first?.note ?? ""
            #expect(note.hasPrefix("from the first 3 record(s) only: cut.xml:5:"), "\(note)")
            #expect(note.contains("it looks cut short"))

            // Nothing before the error: nothing to show, so the error itself.
            _ = try directory.write("<feed><order id=\"O-1\"></feed>", to: "cut.xml")
            await #expect(throws: (any Error).self) { try await self.connector(directory, options).discover() }
        }
    }

    @Test func anUnchangedFileIsNotReadAgainAndAChangedOneIs() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Self.feed, to: "orders.xml")
            let feed = try connector(directory, Self.options(("path", "orders.xml")))
            let (first, _) = await read(feed)
            let (second, _) = await read(feed, from: Self.lastState(first))
            #expect(Self.records(second).isEmpty)
            #expect(Self.saysUnchanged(second))
            _ = try directory.write(Self.feed.replacingOccurrences(of: "SO-3", with: "SO-4"), to: "orders.xml")
            let (third, _) = await read(feed, from: Self.lastState(second))
            #expect(Self.records(third).map(\.sourceID) == ["SO-1", "SO-2", "SO-4"])
        }
    }

    /// 60,000 orders, about 6 MB: over the 4 MiB from which a new file is hashed beside its parse.
    static let largeFeed =
        "<feed>" + (1...60_000).map { "<order id=\"O-\($0)\" note=\"\(String(repeating: "x", count: 80))\"/>" }.joined()
        + "</feed>"

    /// The first read of `largeFeed` (stored as `name` with hash `sha256`): every order, checkpoints inside the
    /// document naming it by its hash (as a resumed run compares it), and its import recorded with name and size.
    static func expectLargeFeedImported(_ messages: [ConnectorMessage], error: (any Error)?, name: String, sha256: String) {
        #expect(error == nil)
        #expect(records(messages).count == 60_000)
        for state in states(messages).dropLast() {
            if let position = state.value["position"] { #expect(position["sha256"] == .string(sha256)) }
        }
        let imported = lastState(messages)?.value["imported"]?[sha256]
        #expect(imported?["name"] == .string(name))
        #expect(imported?["size"] == .number(Decimal(largeFeed.utf8.count)))
    }

    @Test func aLargeNewFileIsReadWhileItIsHashedAndKnownAgainByItsHash() async throws {
        try await TemporaryDirectory.with { directory in
            // Over 4 MiB and of a size never imported: hashed beside the parse, not before it.
            let xml = Self.largeFeed
            let file = try directory.write(xml, to: "orders.xml")
            let sha256 = try ContentHash.sha256(fileAt: file)
            let feed = try connector(
                directory,
                ["path": "orders.xml", "record": "/feed/order", "id_field": "id", "fields": ["id": "@id"]])
            let (first, error) = await read(feed)
            Self.expectLargeFeedImported(first, error: error, name: "orders.xml", sha256: sha256)

            let (second, _) = await read(feed, from: Self.lastState(first))
            #expect(Self.records(second).isEmpty)
            #expect(Self.saysUnchanged(second))

            // The same size, other bytes: hashed first (a file of that size was imported), and read.
            _ = try directory.write(xml.replacingOccurrences(of: "O-1\"", with: "X-1\""), to: "orders.xml")
            let (third, _) = await read(feed, from: Self.lastState(second))
            #expect(Self.records(third).count == 60_000)
            #expect(Self.records(third).first?.sourceID == "X-1")
        }
    }

    @Test func externalEntityIsRefusedAndNothingOfTheFileAppears() async throws {
        try await TemporaryDirectory.with { directory in
            let xml = """
                <?xml version="1.0"?>
                <!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <feed xmlns="urn:example:shop"><order id="X-1"><note>&xxe;</note></order></feed>
                """
            _ = try directory.write(xml, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "namespaces": ["shop": .string(Self.shop)], "record": "/shop:feed/shop:order",
                "fields": ["id": "@id", "note": "shop:note"],
            ]
            let (messages, error) = await read(try connector(directory, options))
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.contains("orders.xml:"))
            #expect(message.contains("declares entities"))
            #expect(Self.records(messages).isEmpty)
            let everything = "\(messages) \(message)"
            #expect(!everything.contains("root:"))
            #expect(!everything.contains("/bin/"))
        }
    }

    @Test func anEntityTheFirstCheckMissesIsRefusedAtTheDoctype() async throws {
        try await TemporaryDirectory.with { directory in
            // The comment's "<a" ends the byte-level prolog check early; libxml2's DOCTYPE node still refuses it.
            let xml = """
                <?xml version="1.0"?>
                <!DOCTYPE feed [<!-- <a --> <!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <feed><order id="1"><note>&xxe;</note></order></feed>
                """
            _ = try directory.write(xml, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "fields": ["id": "@id", "note": "note"],
            ]
            let (messages, error) = await read(try connector(directory, options))
            #expect("\(error.map { "\($0)" } ?? "")".contains("refused: the DOCTYPE declares entities"))
            #expect(Self.records(messages).isEmpty)
            #expect(!"\(messages)".contains("root:"))
        }
    }

    @Test func billionLaughsIsRefusedBeforeExpanding() async throws {
        try await TemporaryDirectory.with { directory in
            var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [\n<!ENTITY lol \"lol\">\n"
            xml += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
            for level in 2...9 {
                xml += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
            }
            xml += "]>\n<feed><order id=\"1\"><note>&lol9;</note></order></feed>\n"
            _ = try directory.write(xml, to: "bomb.xml")
            let options: JSONValue = [
                "path": "bomb.xml", "record": "/feed/order", "fields": ["id": "@id", "note": "note"],
            ]
            let (messages, error) = await read(try connector(directory, options))
            let message = "\(error.map { "\($0)" } ?? "")"
            // Refused by the prolog check, before libxml2 has declared a single entity.
            #expect(message.hasPrefix("bomb.xml:3: refused: the DOCTYPE declares entities"))
            #expect(Self.records(messages).isEmpty)
            // Bounded: had it expanded, 10^9 "lol"s would be 3 GB.
            #expect(!"\(messages)".contains("lollollol"))
        }
    }

    @Test func aTruncatedDocumentKeepsTheRecordsBeforeTheErrorAndTheCorrectedRerunIsClean() async throws {
        try await TemporaryDirectory.with { directory in
            let full = (1...5).map { "<order id=\"O-\($0)\"><total>\($0)</total></order>" }
            let truncated = "<feed>\n" + full[0..<3].joined(separator: "\n") + "\n<order id=\"O-4\"><total>4</to"
            _ = try directory.write(truncated, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id",
                "fields": ["id": "@id", "total": "total"],
            ]
            let feed = try connector(directory, options)
            let (first, error) = await read(feed)
            #expect(Self.records(first).map(\.sourceID) == ["O-1", "O-2", "O-3"])
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.hasPrefix("orders.xml:5:"))
            #expect(message.contains("it looks cut short"))
            #expect(message.contains("the 3 records before it are imported"))
            let stopped = try #require(Self.lastState(first))
            #expect(stopped.value["position"]?["records"] == 3)

            // The same bytes again: nothing is sent twice, and the error is reported again.
            let (again, againError) = await read(feed, from: stopped)
            #expect(Self.records(again).isEmpty)
            #expect(againError != nil)

            // The corrected file: every record, from the start; the store finds the first three unchanged.
            _ = try directory.write("<feed>\n" + full.joined(separator: "\n") + "\n</feed>\n", to: "orders.xml")
            let (fixed, fixedError) = await read(feed, from: Self.lastState(again))
            #expect(fixedError == nil)
            #expect(Self.records(fixed).map(\.sourceID) == ["O-1", "O-2", "O-3", "O-4", "O-5"])
        }
    }

    @Test func aMalformedDocumentNamesLineColumnAndLibxml2sMessage() async throws {
        try await TemporaryDirectory.with { directory in
            // libxml2 parses 512-byte chunks ahead of the nodes it hands out, and drops what it parsed of the
            // chunk with the error: records well before it are read, the last few are read by the corrected rerun.
            let good = (1...30).map { "<order id=\"\($0)\"><note>a note long enough to fill a line</note></order>" }
            _ = try directory.write(
                "<feed>\n" + good.joined(separator: "\n") + "\n<order id=\"31\"></feed>\n", to: "orders.xml")
            let options: JSONValue = ["path": "orders.xml", "record": "/feed/order", "fields": ["id": "@id"]]
            let (messages, error) = await read(try connector(directory, options))
            let ids = Self.records(messages).map(\.sourceID)
            #expect(ids.count >= 20)
            #expect(ids == (1...ids.count).map { "orders.xml#\($0)" })
            #expect(Self.lastState(messages)?.value["position"]?["records"] == .number(ids.count))
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.hasPrefix("orders.xml:32:"))
            #expect(message.contains("mismatch"))
            #expect(!message.contains("cut short"))
        }
    }

    /// Where an export or a download can stop: inside text, a tag, an attribute, a comment, a CDATA section, an
    /// entity, between elements. libxml2 names each after what it was parsing; each is also said to look cut short.
    @Test(arguments: [
        "<total>4", "<total>4</to", "<tot", "<order id=\"O-4\" note=\"half", "<!-- a comment",
        "<note><![CDATA[half a note", "<note>&am", "", "<",
    ])
    func aDocumentCutShortAnywhereIsSaidToLookCutShort(tail: String) async throws {
        try await TemporaryDirectory.with { directory in
            let orders = (1...3).map { "<order id=\"O-\($0)\"><total>\($0)</total></order>" }
            _ = try directory.write("<feed>\n" + orders.joined(separator: "\n") + "\n" + tail, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id", "fields": ["id": "@id"],
            ]
            let (messages, error) = await read(try connector(directory, options))
            #expect(Self.records(messages).map(\.sourceID) == ["O-1", "O-2", "O-3"])
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.contains("it looks cut short"), "\(message)")
        }
    }

    /// Errors in the last bytes of a document that goes on after them: libxml2 reaches them after the input
    /// ended (it reads ahead of its parse), so only what it left unconsumed tells them from a cut.
    @Test(arguments: [
        // Content after the root element: the root closed, nothing is cut short.
        "</feed>\n<feed/>\n",
        // A wrong end tag, with the rest of the document after it.
        "<order id=\"X-1\"></oops></feed>\n",
        // An attribute given twice.
        "<order id=\"X-1\" id=\"X-2\"/></feed>\n",
    ])
    func aDocumentMalformedBeforeItsEndIsNotSaidToLookCutShort(tail: String) async throws {
        try await TemporaryDirectory.with { directory in
            let orders = (1...200).map { "<order id=\"O-\($0)\"/>" }
            _ = try directory.write("<feed>\n" + orders.joined(separator: "\n") + "\n" + tail, to: "orders.xml")
            let options: JSONValue = ["path": "orders.xml", "record": "/feed/order", "fields": ["id": "@id"]]
            let (_, error) = await read(try connector(directory, options))
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.hasPrefix("orders.xml:20"), "\(message)")
            #expect(!message.contains("cut short"), "\(message)")
        }
    }

    @Test func aKilledRunResumesAfterTheLastCheckpoint() async throws {
        try await TemporaryDirectory.with { directory in
            let xml = "<feed>" + (1...7).map { "<order id=\"O-\($0)\"/>" }.joined() + "</feed>"
            _ = try directory.write(xml, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id", "fields": ["id": "@id"],
                "checkpoint_records": 3,
            ]
            let feed = try connector(directory, options)
            let (all, _) = await read(feed)
            // The state of the checkpoint after three records, as a killed run would have committed it.
            let checkpoints = Self.states(all)
            #expect(checkpoints.first?.value["position"]?["records"] == 3)
            // Inside the document the reader does not wait for its checkpoints; the last one (the document read to
            // its end) it does.
            let kinds = all.compactMap { message -> String? in
                switch message {
                case .checkpoint: "waited"
                case .checkpointWithoutWaiting: "not waited"
                default: nil
                }
            }
            guard kinds.first == "not waited", kinds.last == "waited" else {
                Issue.record("expected periodic checkpoints without waiting and a final one waited for: \(all)")
                return
            }
            let (resumed, _) = await read(feed, from: checkpoints.first)
            #expect(Self.records(resumed).map(\.sourceID) == ["O-4", "O-5", "O-6", "O-7"])
        }
    }

    @Test func theWatermarkMovesOnlyWhenADocumentIsReadToItsEnd() async throws {
        try await TemporaryDirectory.with { directory in
            let orders = [("A", "2024-05-03T10:00:00Z"), ("B", "2024-05-01T10:00:00Z"), ("C", "2024-05-02T10:00:00Z")]
            let xml = "<feed>" + orders.map { "<order id=\"\($0.0)\" updated=\"\($0.1)\"/>" }.joined() + "</feed>"
            _ = try directory.write(xml, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id", "updated_field": "updated",
                "fields": ["id": "@id", "updated": "@updated"], "checkpoint_records": 1,
            ]
            let connector = try connector(directory, options)
            let (all, _) = await read(connector)
            let checkpoints = Self.states(all)
            // Mid-document checkpoints keep the watermark the run started with: a run killed after A resumes
            // and still imports B and C, which are older than A.
            #expect(checkpoints.first?.value["watermark"] == nil)
            let (resumed, _) = await read(connector, from: checkpoints.first)
            #expect(Self.records(resumed).map(\.sourceID) == ["B", "C"])
            #expect(Self.lastState(all)?.value["watermark"] == "2024-05-03T10:00:00Z")
        }
    }

    @Test func oversizedAndTooDeepRecordsAreQuarantinedAndTheFeedGoesOn() async throws {
        try await TemporaryDirectory.with { directory in
            let big = String(repeating: "x", count: 5000)
            let deep = String(repeating: "<d>", count: 20) + String(repeating: "</d>", count: 20)
            let xml = """
                <feed>
                <order id="1"><note>ok</note></order>
                <order id="2"><note>\(big)</note></order>
                <order id="3"><note>\(deep)</note></order>
                <order id="4"><note>ok</note></order>
                <order><note>no id</note></order>
                </feed>
                """
            _ = try directory.write(xml, to: "orders.xml")
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id",
                "fields": ["id": "@id", "note": "note"],
                "max_record_bytes": 1024, "max_depth": 10,
            ]
            let (messages, error) = await read(try connector(directory, options))
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["1", "4"])
            let unreadable = Self.unreadable(messages)
            #expect(
                unreadable.map(\.location) == [
                    "orders.xml:3 /feed/order[2]", "orders.xml:4 /feed/order[3]", "orders.xml:6 /feed/order[5]",
                ])
            #expect(unreadable[0].reasons.first?.contains("max_record_bytes") == true)
            #expect(unreadable[1].reasons.first?.contains("max_depth") == true)
            #expect(unreadable[2].reasons == ["the id field 'id' (options.id_field) is missing"])
        }
    }

    @Test func theWatermarkSkipsRecordsOlderThanTheLastCommittedUpdate() async throws {
        try await TemporaryDirectory.with { directory in
            func feed(_ orders: [(String, String)]) -> String {
                "<feed>" + orders.map { "<order id=\"\($0.0)\" updated=\"\($0.1)\"/>" }.joined() + "</feed>"
            }
            let options: JSONValue = [
                "path": "orders.xml", "record": "/feed/order", "id_field": "id", "updated_field": "updated",
                "fields": ["id": "@id", "updated": "@updated"],
            ]
            let connector = try connector(directory, options)
            _ = try directory.write(
                feed([("A", "2024-05-01T10:00:00Z"), ("B", "2024-05-02T10:00:00+02:00")]), to: "orders.xml")
            let (first, _) = await read(connector)
            #expect(Self.records(first).map(\.sourceID) == ["A", "B"])
            #expect(Self.lastState(first)?.value["watermark"] == "2024-05-02T10:00:00+02:00")
            _ = try directory.write(
                feed([("A", "2024-05-01T10:00:00Z"), ("B", "2024-05-02T08:00:00Z"), ("C", "2024-05-03"), ("D", "soon")]
                ),
                to: "orders.xml")
            let (second, _) = await read(connector, from: Self.lastState(first))
            #expect(Self.records(second).map(\.sourceID) == ["B", "C", "D"])
            let warnings = second.compactMap { if case .warning(let warning) = $0 { warning.message } else { nil } }
            #expect(warnings.contains { $0.hasPrefix("1 record not updated since the last sync skipped") })
            #expect(warnings.contains { $0.hasPrefix("1 record has no readable date-time in 'updated'") })
        }
    }

    @Test func aDropFolderImportsEachFileOnceAndRejectsAMalformedOneAfterItsGoodRecords() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Self.feed, to: "drop/a.xml")
            _ = try directory.write(
                "<s:feed xmlns:s=\"urn:example:shop\"><s:order id=\"B-1\"/><s:order id=\"B-2\">", to: "drop/b.xml")
            let feed = try connector(directory, Self.options(("folder", "drop"), extra: ["complete_when": "renamed"]))
            let (messages, error) = await read(feed)
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["SO-1", "SO-2", "SO-3", "B-1"])
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/archive/a.xml").path))
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/rejected/b.xml").path))
            let reason = try String(contentsOf: directory.file("drop/rejected/b.xml.reason"), encoding: .utf8)
            #expect(reason.contains("drop/b.xml:1:"))
            _ = try directory.write(Self.feed, to: "drop/a-again.xml")
            let (again, _) = await read(feed, from: Self.lastState(messages))
            #expect(Self.records(again).isEmpty)
        }
    }

    @Test func aLargeNewFileInADropFolderIsImportedArchivedAndKnownAgainUnderAnotherName() async throws {
        try await TemporaryDirectory.with { directory in
            // Over 4 MiB and of a size never imported: hashed beside the parse, as a `path:` file is.
            let xml = Self.largeFeed
            let file = try directory.write(xml, to: "drop/orders.xml")
            let sha256 = try ContentHash.sha256(fileAt: file)
            let feed = try connector(
                directory,
                [
                    "folder": "drop", "complete_when": "renamed", "record": "/feed/order", "id_field": "id",
                    "fields": ["id": "@id"],
                ])
            let (first, error) = await read(feed)
            Self.expectLargeFeedImported(first, error: error, name: "orders.xml", sha256: sha256)
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/archive/orders.xml").path))
            #expect(!FileManager.default.fileExists(atPath: file.path))

            // The same bytes under another name: a file of that size was imported, so it is hashed first and
            // recognised without being read.
            _ = try directory.write(xml, to: "drop/orders-again.xml")
            let (again, _) = await read(feed, from: Self.lastState(first))
            #expect(Self.records(again).isEmpty)
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/archive/orders-again.xml").path))
        }
    }

    @Test func aDropFileWrittenToWhileItIsReadStaysInTheFolderAndIsReadAgain() async throws {
        try await TemporaryDirectory.with { directory in
            // Large and new: read at once and hashed beside the parse, so a change is only seen afterwards.
            let file = try directory.write(Self.largeFeed, to: "drop/orders.xml")
            let feed = try connector(
                directory,
                [
                    "folder": "drop", "complete_when": "renamed", "record": "/feed/order", "id_field": "id",
                    "fields": ["id": "@id"],
                ])
            let appended = Mutex(false)
            let (first, error) = await read(feed) { message in
                guard case .record = message, !appended.withLock({ $0 }) else { return }
                appended.withLock { $0 = true }
                // The exporter is still writing: a comment after the root element, as some add a trailer.
                let handle = try! FileHandle(forWritingTo: file)
                handle.seekToEndOfFile()
                handle.write(Data("<!-- trailer -->".utf8))
                try! handle.close()
            }
            #expect(error == nil)
            #expect(Self.records(first).count == 60_000)
            let warnings = first.compactMap { if case .warning(let warning) = $0 { warning } else { nil } }
            #expect(
                warnings.contains {
                    $0.message.contains("changed while it was read") && $0.location == "drop/orders.xml"
                })
            // Neither archived nor known as imported: the next run reads it again.
            #expect(FileManager.default.fileExists(atPath: file.path))
            #expect(!FileManager.default.fileExists(atPath: directory.file("drop/archive/orders.xml").path))
            let imported = Self.lastState(first)?.value["imported"]?.objectValue ?? [:]
            #expect(imported.isEmpty)

            let (second, again) = await read(feed, from: Self.lastState(first))
            #expect(again == nil)
            #expect(Self.records(second).count == 60_000)
            #expect(FileManager.default.fileExists(atPath: directory.file("drop/archive/orders.xml").path))
            let sha256 = try ContentHash.sha256(fileAt: directory.file("drop/archive/orders.xml"))
            #expect(Self.lastState(second)?.value["imported"]?[sha256] != nil)
        }
    }

    @Test func aFeedWhereNoRecordMatchesSaysWhatItsRootElementIs() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write("<feed xmlns=\"urn:example:other\"><order id=\"1\"/></feed>", to: "orders.xml")
            let (messages, error) = await read(try connector(directory, Self.options(("path", "orders.xml"))))
            #expect(error == nil)
            #expect(Self.records(messages).isEmpty)
            let warnings = messages.compactMap { if case .warning(let warning) = $0 { warning.message } else { nil } }
            #expect(warnings.contains { $0.contains("the document's root element is {urn:example:other}feed") })
        }
    }

    @Test func configNamesTheOptionAndTheFix() throws {
        try TemporaryDirectory.with { directory in
            #expect(throws: PortraitError.self) {
                try self.connector(directory, ["path": "a.xml", "record": "/x:feed/x:order", "fields": ["id": "@id"]])
            }
            do {
                _ = try connector(directory, ["path": "a.xml", "record": "/x:feed/x:order", "fields": ["id": "@id"]])
            } catch {
                #expect("\(error)".contains("the prefix 'x' is not declared; add it to options.namespaces"))
            }
            do {
                _ = try connector(
                    directory, ["path": "a.xml", "url": "http://x", "record": "/a", "fields": ["id": "@id"]])
            } catch {
                #expect("\(error)".contains("set exactly one of options.path"))
            }
        }
    }

    @Test func anHTTPSFeedIsTrustedThroughItsCABundleAndRefusedWithoutIt() async throws {
        try await TemporaryDirectory.with { directory in
            let body = "<feed>" + (1...500).map { "<order id=\"T-\($0)\"/>" }.joined() + "</feed>"
            _ = try directory.write(body, to: "served/orders.xml")
            try await TestTLSServer.serving(directory.file("served"), keys: directory.file("keys")) { server in
                let options: JSONValue = [
                    "url": .string(server.url("orders.xml")), "ca_bundle": "keys/ca.pem", "record": "/feed/order",
                    "id_field": "id", "fields": ["id": "@id"], "timeout_seconds": 60,
                ]
                let (messages, error) = await read(try connector(directory, options))
                #expect(error == nil, "\(String(describing: error))")
                #expect(Self.records(messages).map(\.sourceID) == (1...500).map { "T-\($0)" })

                // The system's CAs do not know the server's: TLS is verified, and the fix is named.
                var untrusted = options.objectValue!
                untrusted["ca_bundle"] = nil
                let (refused, refusal) = await read(try connector(directory, .object(untrusted)))
                #expect(Self.records(refused).isEmpty)
                let message = "\(refusal.map { "\($0)" } ?? "")"
                #expect(message.contains("could not be verified"), "\(message)")
                #expect(message.contains("set options.ca_bundle to a PEM file"), "\(message)")
            }
        }
    }

    @Test func anHTTPSURLToAPlainHTTPPortOrAMissingCABundleSaysWhatToFix() async throws {
        try await withTestServer({ $0.route("/feed.xml", .init(body: "<feed/>")) }) { running in
            try await TemporaryDirectory.with { directory in
                let https = running.url("/feed.xml").replacingOccurrences(of: "http://", with: "https://")
                let options: JSONValue = ["url": .string(https), "record": "/feed/order", "fields": ["id": "@id"]]
                let (_, error) = await read(try connector(directory, options))
                #expect("\(error.map { "\($0)" } ?? "")".contains("the TLS handshake failed"))

                var missing = options.objectValue!
                missing["ca_bundle"] = "nope.pem"
                #expect {
                    try self.connector(directory, .object(missing))
                } throws: { error in
                    "\(error)".contains("options.ca_bundle 'nope.pem' is not a readable file")
                }
            }
        }
    }

    /// Options reading `/feed/order` elements (`id` and `total`) from `url`.
    static func urlOptions(_ url: String) -> JSONValue {
        ["url": .string(url), "record": "/feed/order", "id_field": "id", "fields": ["id": "@id", "total": "total"]]
    }

    /// A feed server that honours validators: version `n` of the feed has ETag `"vn"`; a request whose
    /// `If-None-Match` names the current version is answered 304.
    final class VersionedFeed: Sendable {
        let version = Mutex(1)
        let requests = Mutex<[String?]>([])

        func body(_ version: Int) -> String {
            "<feed>" + (1...3).map { "<order id=\"V\(version)-\($0)\"><total>\($0)</total></order>" }.joined()
                + "</feed>"
        }

        func respond(_ request: TestHTTPServer.Request, validator: String) -> TestHTTPServer.Response {
            let current = version.withLock { $0 }
            let asked = request.header(validator == "ETag" ? "If-None-Match" : "If-Modified-Since")
            requests.withLock { $0.append(asked) }
            let tag = validator == "ETag" ? "\"v\(current)\"" : "Mon, 0\(current) Jun 2026 10:00:00 GMT"
            if asked == tag { return TestHTTPServer.Response(status: 304) }
            return TestHTTPServer.Response(
                headers: [("Content-Type", "application/xml"), (validator, tag)], body: body(current), chunked: true)
        }
    }

    @Test(arguments: ["ETag", "Last-Modified"])
    func aURLFeedUnchangedSinceItsLastCompleteReadIsNotSentAgain(validator: String) async throws {
        let feed = VersionedFeed()
        var server = TestHTTPServer()
        server.route("/feed.xml") { request in feed.respond(request, validator: validator) }
        try await server.run { running in
            try await TemporaryDirectory.with { directory in
                let options = Self.urlOptions(running.url("/feed.xml"))
                let reader = try connector(directory, options)
                let (first, _) = await read(reader)
                #expect(Self.records(first).map(\.sourceID) == ["V1-1", "V1-2", "V1-3"])

                // Unchanged: the server answers 304, and nothing is read.
                let (second, error) = await read(reader, from: Self.lastState(first))
                #expect(error == nil)
                #expect(Self.records(second).isEmpty)
                guard case .part(let part)? = second.first else { Issue.record("no part: \(second)"); return }
                #expect(part.note?.contains("the server answered 304 Not Modified") == true)

                // A new version is sent and read whole.
                feed.version.withLock { $0 = 2 }
                let (third, _) = await read(reader, from: Self.lastState(first))
                #expect(Self.records(third).map(\.sourceID) == ["V2-1", "V2-2", "V2-3"])
                let asked = validator == "ETag" ? "\"v1\"" : "Mon, 01 Jun 2026 10:00:00 GMT"
                #expect(feed.requests.withLock { $0 } == [nil, asked, asked])

                // Switched off, the feed is fetched in full every time.
                var always = options.objectValue!
                always["conditional_get"] = false
                let unconditional = try connector(directory, .object(always))
                let (fourth, _) = await read(unconditional, from: Self.lastState(third))
                #expect(Self.records(fourth).count == 3)
                #expect(feed.requests.withLock { $0.last } == .some(nil))
            }
        }
    }

    @Test func aURLFeedThatIsBusyAtFirstIsReadOnRetryUnlessRetriesAreOff() async throws {
        var server = TestHTTPServer()
        server.route("/feed.xml", byCall: { call in
            call % 2 == 1
                ? TestHTTPServer.Response(status: 503, headers: [("Retry-After", "0")], body: "busy")
                : TestHTTPServer.Response(body: "<feed><order id=\"R-1\"><total>1</total></order></feed>")
        })
        try await server.run { running in
            try await TemporaryDirectory.with { directory in
                var options = Self.urlOptions(running.url("/feed.xml")).objectValue!
                let (messages, error) = await read(try connector(directory, .object(options)))
                #expect(error == nil)
                #expect(Self.records(messages).map(\.sourceID) == ["R-1"])

                options["retry"] = ["max_attempts": 1]
                let (none, refusal) = await read(try connector(directory, .object(options)))
                #expect(Self.records(none).isEmpty)
                #expect("\(refusal.map { "\($0)" } ?? "")".contains("HTTP 503"))
                #expect(running.requests.filter { $0.path == "/feed.xml" }.count == 3)
            }
        }
    }

    @Test func aURLFeedStoppedPartWayIsAskedForInFullAgain() async throws {
        var server = TestHTTPServer()
        let asked = Mutex<[String?]>([])
        let cut = Mutex(false)
        server.route("/feed.xml") { request in
            asked.withLock { $0.append(request.header("If-None-Match")) }
            let whole = "<feed><order id=\"C-1\"><total>1</total></order></feed>"
            return cut.withLock { $0 }
                ? TestHTTPServer.Response(headers: [("ETag", "\"v2\"")], body: "<feed><order id=\"C-1\"><total>")
                : TestHTTPServer.Response(headers: [("ETag", "\"v1\"")], body: whole)
        }
        try await server.run { running in
            try await TemporaryDirectory.with { directory in
                let options = Self.urlOptions(running.url("/feed.xml"))
                let reader = try connector(directory, options)
                let (whole, _) = await read(reader)
                cut.withLock { $0 = true }
                let (stopped, error) = await read(reader, from: Self.lastState(whole))
                #expect(error != nil)
                cut.withLock { $0 = false }
                let (again, _) = await read(reader, from: Self.lastState(stopped))
                #expect(Self.records(again).map(\.sourceID) == ["C-1"])
                // The read cut short dropped the validators of the whole one before it: asked in full again, not
                // told "not modified" against a version older than what was partly imported.
                #expect(asked.withLock { $0 } == [nil, "\"v1\"", nil])
            }
        }
    }

    @Test func aURLFeedIsParsedAsItStreamsIn() async throws {
        var server = TestHTTPServer()
        let body =
            "<feed>" + (1...2000).map { "<order id=\"U-\($0)\"><total>\($0).00</total></order>" }.joined() + "</feed>"
        server.route(
            "/feed.xml",
            TestHTTPServer.Response(headers: [("Content-Type", "application/xml")], body: body, chunked: true))
        server.route("/missing.xml", TestHTTPServer.Response(status: 404, body: "no such feed"))
        try await server.run { running in
            try await TemporaryDirectory.with { directory in
                let options = Self.urlOptions(running.url("/feed.xml?key=secret"))
                let (messages, error) = await read(try connector(directory, options))
                #expect(error == nil)
                let records = Self.records(messages)
                #expect(records.count == 2000)
                #expect(records.last?.fields == ["id": "U-2000", "total": "2000.00"])
                #expect(records.first?.location.hasPrefix("\(running.url("/feed.xml")):1 /feed/order[1]") == true)
                #expect(!"\(messages)".contains("secret"))
                #expect(running.requests.filter { $0.path == "/feed.xml" }.count == 1)  // Fetched once, not checked first.

                var missing = options
                missing = .object(missing.objectValue!.merging(["url": .string(running.url("/missing.xml"))]) { $1 })
                let (_, missingError) = await read(try connector(directory, missing))
                #expect("\(missingError.map { "\($0)" } ?? "")".contains("HTTP 404"))
            }
        }
    }
}
