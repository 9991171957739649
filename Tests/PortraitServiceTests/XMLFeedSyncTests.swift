import Foundation
import Logging
import PortraitConfig
import PortraitConnectors
import PortraitCore
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import PortraitTesting
import Testing

/// The `xml_feed` connector end to end: file → parse → map (order lines with `each`) → SQLite, quarantine,
/// hostile documents, and a malformed document's rerun.
struct XMLFeedSyncTests {
    static let config = """
        connectors:
          - name: shop
            kind: xml_feed
            options:
              path: orders.xml
              namespaces: { shop: "urn:example:shop" }
              record: /shop:feed/shop:order
              id_field: id
              fields:
                id: "@id"
                placed: shop:placed
                email: shop:customer/shop:email
                total: shop:total
                currency: shop:total/@currency
                lines: { each: shop:line, fields: { sku: "@sku", qty: shop:qty, price: shop:price } }
            mapping:
              order:
                entity: order
                fields:
                  id: id
                  placed_at: { from: placed, transform: [{ datetime: { formats: [iso8601] } }] }
                  customer.identifiers.email: { from: email, transform: [email] }
                  total: { from: total, transform: [decimal], required: true }
                  currency: currency
                  channel: { const: online }
                  lines:
                    from: lines
                    each:
                      sku: sku
                      qty: { from: qty, transform: [decimal] }
                      unit_price: { from: price, transform: [money] }
        """

    static func order(_ id: String, total: String = "144.90", qty: String = "1") -> String {
        """
          <s:order id="\(id)">
            <s:placed>2024-05-02T14:31:00Z</s:placed>
            <s:customer><s:email> Ana@Example.com </s:email></s:customer>
            <s:total currency="USD">\(total)</s:total>
            <s:line sku="RUN-42"><s:qty>\(qty)</s:qty><s:price>$129.90</s:price></s:line>
            <s:line sku="SOCK-3"><s:qty>3</s:qty><s:price>5.00</s:price></s:line>
          </s:order>
        """
    }

    static func feed(_ orders: [String], closed: Bool = true) -> String {
        "<?xml version=\"1.0\"?>\n<s:feed xmlns:s=\"urn:example:shop\">\n" + orders.joined(separator: "\n")
            + (closed ? "\n</s:feed>\n" : "\n")
    }

    func sync(_ directory: URL, store: any Store, configText: String = XMLFeedSyncTests.config) async throws
        -> SyncReport
    {
        let config = try HubConfig.parse(
            text: configText, file: directory.appendingPathComponent("portrait.yml"),
            registry: BuiltInConnectors.registry,
            environment: [:])
        let runner = SyncRunner(
            store: store, registry: BuiltInConnectors.registry, logger: Logger(label: "test"), batchSize: 2)
        return try await runner.sync(config.connectors[0], config: config)
    }

    func write(_ text: String, in directory: URL) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent("orders.xml"))
    }

    @Test func ordersWithLinesAreMappedAndStoredAndBadOnesQuarantined() async throws {
        try await withScratchDirectory { directory in
            try write(
                Self.feed([Self.order("SO-1"), Self.order("SO-2", total: "lots"), Self.order("SO-3", qty: "one")]),
                in: directory)
            let store = try SQLiteStore.inMemory()
            let report = try await sync(directory, store: store)
            #expect(report.status == .succeeded)
            #expect(report.counts == CommitCounts(new: 1, quarantined: 2))
            #expect(report.isBalanced)

            var stored: StoredRecord?
            try await store.forEachRecord(connector: "shop") { if $0.sourceID == "SO-1" { stored = $0 } }
            let canonical = try #require(stored?.canonical)
            #expect(
                canonical["lines"] == [
                    ["sku": "RUN-42", "qty": 1, "unit_price": .number(Decimal(string: "129.90")!)],
                    ["sku": "SOCK-3", "qty": 3, "unit_price": 5],
                ])
            #expect(canonical["customer"]?["identifiers"] == [["type": "email", "value": "ana@example.com"]])
            #expect(canonical["total"] == .number(Decimal(string: "144.90")!))

            let entries = try await store.quarantineEntries(connector: "shop", limit: 10)
            let byLocation = Dictionary(uniqueKeysWithValues: entries.map { ($0.location, $0.reasons) })
            #expect(byLocation["orders.xml:10 /shop:feed/shop:order[2]"]?.first?.hasPrefix("total:") == true)
            #expect(
                byLocation["orders.xml:17 /shop:feed/shop:order[3]"]?.first?.hasPrefix("lines: element 1: qty:")
                    == true, "\(byLocation)")

            let again = try await sync(directory, store: store)
            #expect(again.read == 0)
            #expect(again.parts.first?.note?.hasPrefix("unchanged since") == true)
        }
    }

    @Test func aSyncWhoseMappingMissesTheStreamWarnsOfItBesideTheQuarantinedRecords() async throws {
        try await withScratchDirectory { directory in
            try write(Self.feed([Self.order("SO-1")]), in: directory)
            // The entity's name where the stream's belongs, as `portrait check` would have warned.
            let misnamed = Self.config.replacingOccurrences(
                of: "    mapping:\n      order:", with: "    mapping:\n      customer:")
            #expect(misnamed != Self.config)
            let report = try await sync(directory, store: try SQLiteStore.inMemory(), configText: misnamed)
            #expect(report.counts == CommitCounts(quarantined: 1))
            #expect(
                report.warnings.contains {
                    $0.hasPrefix("stream 'order' has no mapping, so each of its records would go to quarantine")
                })
            #expect(report.warnings.contains { $0.hasPrefix("mapping.customer names no stream of connector 'shop'") })

            // A mapping that fits draws no advice.
            let fitting = try await sync(directory, store: try SQLiteStore.inMemory())
            #expect(fitting.warnings.isEmpty)
        }
    }

    @Test func anOrderTheFeedLaterMarksDeletedIsStoredAsADeletion() async throws {
        try await withScratchDirectory { directory in
            let config = Self.config
                .replacingOccurrences(
                    of: "      id_field: id\n", with: "      id_field: id\n      deleted: { field: gone }\n")
                .replacingOccurrences(
                    of: "        id: \"@id\"\n", with: "        id: \"@id\"\n        gone: \"@gone\"\n")
            #expect(config.contains("deleted: { field: gone }") && config.contains("gone: \"@gone\""))
            let store = try SQLiteStore.inMemory()
            try write(Self.feed([Self.order("SO-1"), Self.order("SO-2")]), in: directory)
            let first = try await sync(directory, store: store, configText: config)
            #expect(first.counts == CommitCounts(new: 2))

            // The next export flags SO-2 (default values: true or 1).
            let flagged = Self.order("SO-2").replacingOccurrences(of: "id=\"SO-2\"", with: "id=\"SO-2\" gone=\"1\"")
            try write(Self.feed([Self.order("SO-1"), flagged]), in: directory)
            let second = try await sync(directory, store: store, configText: config)
            #expect(second.counts == CommitCounts(updated: 1, unchanged: 1))
            var deleted: [String: Bool] = [:]
            try await store.forEachRecord(connector: "shop") { deleted[$0.sourceID] = $0.isDeleted }
            #expect(deleted == ["SO-1": false, "SO-2": true])
        }
    }

    @Test func aTruncatedFeedKeepsItsEarlierOrdersAndTheCorrectedRerunNeitherDuplicatesNorSkips() async throws {
        try await withScratchDirectory { directory in
            let orders = (1...12).map { Self.order("SO-\($0)") }
            try write(
                Self.feed(Array(orders[..<10]) + ["  <s:order id=\"SO-11\"><s:total>1"], closed: false), in: directory)
            let store = try SQLiteStore.inMemory()
            let failed = try await sync(directory, store: store)
            #expect(failed.status == .failed)
            #expect(failed.error?.contains("orders.xml:") == true)
            let kept = failed.counts.new
            #expect(kept >= 5 && kept <= 10)
            #expect(failed.isBalanced)

            try write(Self.feed(orders), in: directory)
            let fixed = try await sync(directory, store: store)
            #expect(fixed.status == .succeeded)
            #expect(fixed.counts == CommitCounts(new: 12 - kept, unchanged: kept))
            var ids: [String] = []
            try await store.forEachRecord(connector: "shop") { ids.append($0.sourceID) }
            #expect(ids.count == 12)
        }
    }

    @Test func anExternalEntityNeverReachesTheStore() async throws {
        try await withScratchDirectory { directory in
            let xml = """
                <?xml version="1.0"?>
                <!DOCTYPE s:feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <s:feed xmlns:s="urn:example:shop"><s:order id="X-1"><s:placed>&xxe;</s:placed><s:total>1</s:total></s:order></s:feed>
                """
            try write(xml, in: directory)
            let store = try SQLiteStore.inMemory()
            let report = try await sync(directory, store: store)
            #expect(report.status == .failed)
            #expect(report.error?.contains("declares entities") == true)
            var raw: [String] = []
            try await store.forEachRecord(connector: "shop") { raw.append("\($0.raw) \($0.canonical)") }
            let quarantined = try await store.quarantineEntries(connector: "shop", limit: 10).map { "\($0)" }
            let everything = (raw + quarantined + [report.error ?? ""] + report.warnings).joined(separator: "\n")
            #expect(!everything.contains("root:x:0:0"))
            #expect(!everything.contains("/bin/"))
            #expect(raw.isEmpty && quarantined.isEmpty)
        }
    }

    @Test func aStreamedURLFeedIsSyncedWithItsTokenFromTheEnvironmentAndNeverShown() async throws {
        let body = Self.feed((1...300).map { Self.order("SO-\($0)") })
        var server = TestHTTPServer()
        server.route("/orders.xml") { request in
            guard request.header("Authorization") == "Bearer s3cr3t" else { return .init(status: 401, body: "no") }
            return .init(headers: [("Content-Type", "application/xml")], body: body, chunked: true)
        }
        try await server.run { running in
            try await withScratchDirectory { directory in
                let text = Self.config.replacingOccurrences(
                    of: "path: orders.xml",
                    with:
                        "url: \(running.url("/orders.xml"))\n      headers: { Authorization: \"Bearer ${FEED_TOKEN}\" }"
                )
                let config = try HubConfig.parse(
                    text: text, file: directory.appendingPathComponent("portrait.yml"),
                    registry: BuiltInConnectors.registry, environment: ["FEED_TOKEN": "s3cr3t"])
                let store = try SQLiteStore.inMemory()
                let runner = SyncRunner(
                    store: store, registry: BuiltInConnectors.registry, logger: Logger(label: "test"), batchSize: 64)
                let report = try await runner.sync(config.connectors[0], config: config)
                #expect(report.status == .succeeded, "\(report.error ?? "")")
                #expect(report.counts == CommitCounts(new: 300))
                let again = try await runner.sync(config.connectors[0], config: config)
                #expect(again.counts == CommitCounts(unchanged: 300))
                #expect(!"\(report) \(again)".contains("s3cr3t"))
            }
        }
    }

    @Test func theDemoImportsItsNamespacedOrderFeed() async throws {
        try await withScratchDirectory { directory in
            let demo = Demo(directory: directory.appendingPathComponent("demo"), logger: Logger(label: "test"))
            var said: [String] = []
            let reports = try await demo.run { said.append($0) }
            let shop = reports.first { $0.connector == "shop-orders" }
            #expect(shop?.counts == CommitCounts(new: 2, quarantined: 1))
            #expect(said.contains { $0.contains("samples/feed/orders.xml:14 /o:feed/o:order[3]: total:") })
        }
    }
}
