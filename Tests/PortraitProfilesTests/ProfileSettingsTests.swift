import Foundation
import PortraitCore
@testable import PortraitProfiles
import PortraitStoreSQLite
import PortraitTesting
import Testing

@Suite("Profile settings")
struct ProfileSettingsTests {
    func parse(_ yamlAsJSON: String) throws(ProfileSettingsError) -> ProfileSettings {
        try ProfileSettings(json: try! JSONValue(parsing: yamlAsJSON), path: JSONPath.root.appending("profiles"))
    }

    @Test("declared traits aggregate a filtered stream in a window")
    func declaredTraits() async throws {
        var fixture = try ProfileFixture()
        try await fixture.seed()
        fixture.settings = try parse(
            """
            {"traits": [
              {"name": "online_spend_365d", "aggregate": "sum", "of": "orders", "field": "total",
               "where": "channel = 'online'", "window_days": 365},
              {"name": "categories_bought", "aggregate": "unique_list", "of": "order_lines", "field": "category"},
              {"name": "last_nps", "aggregate": "last", "of": "feedback", "field": "nps"},
              {"name": "biggest_order", "aggregate": "max", "of": "orders", "field": "total"},
              {"name": "store_orders", "aggregate": "count", "of": "orders", "where": "channel = 'offline'"}
            ],
             "tiers": [{"name": "big", "when": "biggest_order >= 200"}, {"name": "small", "when": "order_count >= 1"}]}
            """)
        _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let ana = try await fixture.document(of: "crm/C1")
        #expect(ana.field("online_spend_365d") == 100)  // O1 only: O3 is older than a year, O4 cancelled.
        #expect(ana.list("categories_bought") == ["grocery", "sports"])
        #expect(ana.field("last_nps") == 3)
        #expect(ana.field("biggest_order") == 200)
        #expect(ana.field("store_orders") == 1)
        #expect(ana.text("tier") == "big")
        #expect(try await fixture.document(of: "shop/O5").text("tier") == "small")
    }

    @Test("a store from before the fields left the documents reads back the same after migration v10")
    func fieldsLeaveTheDocuments() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.file("portrait.db")
            let fixture = ProfileFixture(store: try SQLiteStore.open(path: path))
            try await fixture.seed()
            _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
            let ana = try await fixture.profileID(of: "crm/C1")
            let whole = try #require(try await fixture.store.storedProfile(id: ana)).document
            // As v9 stored it: the fields inside the document, and v10 not applied yet.
            try await fixture.store.executeForTesting(
                """
                UPDATE profiles SET profile = '\(whole.replacingOccurrences(of: "'", with: "''"))' WHERE id = '\(ana)';
                DELETE FROM grdb_migrations WHERE identifier = 'v10-profile-fields-once';
                """)
            #expect(try await fixture.store.textsForTesting("SELECT profile FROM profiles WHERE id = ?", arguments: [ana])
                .first?.contains(#""fields":"#) == true)

            let migrated = try SQLiteStore.open(path: path)
            let stored = try await migrated.textsForTesting("SELECT profile FROM profiles WHERE id = ?", arguments: [ana])
            #expect(stored.first?.contains(#""fields":"#) == false)
            let read = try #require(try await migrated.storedProfile(id: ana)).document
            #expect(try JSONValue(parsing: read) == JSONValue(parsing: whole))
            #expect(read.components(separatedBy: #""fields":"#).count == 2)
        }
    }

    @Test("a trait added later: the rebuild fills the new column, and the change lists only the new field")
    func traitAddedLater() async throws {
        var fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let ana = try await fixture.profileID(of: "crm/C1")
        let before = try await fixture.document(of: "crm/C1")
        fixture.settings = try parse(
            """
            {"traits": [{"name": "biggest_order", "aggregate": "max", "of": "orders", "field": "total"}]}
            """)
        // Small batches: later writes come after the first one, which starts the new fields table.
        var engine = fixture.engine
        engine.readBatch = 2
        engine.writeBatch = 1
        let report = try await engine.rebuild(now: ProfileFixture.now.addingTimeInterval(3600))
        let after = try await fixture.document(of: "crm/C1")
        #expect(after.field("biggest_order") == 200)
        #expect(after.field("total_spend") == before.field("total_spend"))
        // Until the new fields table replaced the old one, stored profiles compared with their old fields: only
        // the new field changed, and the version it ended kept the old fields.
        let change = try #require(try await fixture.store.changes(afterID: nil, since: nil, profile: ana, limit: 100)
            .last { $0.kind == .updated })
        let fields = (change.detail["changes"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
        #expect(fields == ["fields.biggest_order"])
        #expect(report.updated > 0 && report.created == 0)
        let old = try #require(try await fixture.store.profileDocument(id: ana, asOf: ProfileFixture.now.addingTimeInterval(60)))
        #expect(try JSONValue(parsing: old.document)["fields"]?["total_spend"] == before["fields"]?["total_spend"])
    }

    @Test("every problem names its path; an expression's error says the column and what was expected")
    func errors() {
        do {
            _ = try parse(
                """
                {"survivorship": {"email": "newest"}, "traitz": [],
                 "traits": [{"name": "total_spend", "aggregate": "sum", "of": "orders", "field": "total"},
                            {"name": "x", "aggregate": "sum", "of": "orders", "field": "channel"}],
                 "segments": [{"name": "s", "where": "recency_days <= "}]}
                """)
            Issue.record("expected errors")
        } catch {
            let byPath = Dictionary(error.violations.map { ($0.path.description, $0.message) }, uniquingKeysWith: { $0 + "; " + $1 })
            #expect(byPath["profiles.traitz"]?.contains("did you mean 'traits'") == true)
            #expect(byPath["profiles.survivorship.email"]?.contains("unknown rule 'newest'") == true)
            #expect(byPath["profiles.traits[0].name"]?.contains("shipped field") == true)
            #expect(byPath["profiles.traits[1].field"]?.contains("cannot aggregate channel") == true)
            let segment = byPath["profiles.segments[0].where"] ?? ""
            #expect(segment.contains("column 17"))
            #expect(segment.contains("expected a value"))
        }
    }
}

@Suite("Profile documents")
struct ProfileDocumentTests {
    @Test("packed values come back as they went in")
    func packedRoundTrip() {
        let values: [ProfileValue?] = [
            nil, .number(116.67), .number(-3), .text("王小明"), .text(""), .date("2026-10-05"), .bool(true), .bool(false),
            .list(["a", "b\u{1F}c", ""]), .list([]), nil,
        ]
        #expect(PackedValues(values).unpacked(count: values.count) == values)
        #expect(PackedValues(values).unpacked(count: values.count + 2) == values + [nil, nil])
    }

    @Test("the document is valid JSON whose fields read back typed, in the layout's order")
    func documentReadsBack() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let stored = try #require(try await fixture.store.storedProfile(id: try await fixture.profileID(of: "crm/C1")))
        let document = try JSONValue(parsing: stored.document)
        let layout = ProfileLayout(traits: [])
        for field in layout.fields {
            guard let json = document["fields"]?[field.name] else { continue }
            let typed: Bool
            switch (field.type, json) {
            case (.number, .number), (.text, .string), (.date, .string), (.bool, .bool), (.list, .array): typed = true
            default: typed = false
            }
            #expect(typed, "\(field.name) is not a \(field.type)")
        }
        #expect(stored.document.hasSuffix(#""tier":"regular","lifecycle":"active"}}"#))
        // The store keeps the fields in their typed table only and puts them back in the layout's order.
        let fieldsText = try #require(stored.document.components(separatedBy: #""fields":"#).last)
        let positions = layout.fields.compactMap { field in
            document["fields"]?[field.name] == nil ? nil : fieldsText.range(of: "\"\(field.name)\":")?.lowerBound
        }
        #expect(positions.count > 30)
        #expect(positions == positions.sorted())
        #expect(stored.document.components(separatedBy: #""fields":"#).count == 2)
        #expect(Timestamps.text(Timestamps.seconds("2026-10-05T10:00:00+08:00")!) == "2026-10-05T02:00:00Z")
        #expect(Timestamps.day(Timestamps.seconds("1969-12-31T23:59:59Z")!) == "1969-12-31")
    }
}

@Suite("JSON text writer")
struct JSONTextWriterTests {
    @Test("escapes what JSON needs escaped and copies the rest whole")
    func escaping() throws {
        var writer = JSONTextWriter()
        writer.beginObject()
        for (key, value) in [("plain", "王小明 Ana"), ("quote", #"O"Brien \ path"#), ("control", "a\nb\tc\u{01}")] {
            writer.string(value, key: key)
        }
        writer.number(116.67, key: "n")
        writer.number(3, key: "i")
        writer.endObject()
        let parsed = try JSONValue(parsing: writer.text)
        #expect(parsed["plain"]?.stringValue == "王小明 Ana")
        #expect(parsed["quote"]?.stringValue == #"O"Brien \ path"#)
        #expect(parsed["control"]?.stringValue == "a\nb\tc\u{01}")
        #expect(writer.text.contains(#""n":116.67,"i":3"#))
    }

    @Test("attribute positions follow allCases")
    func attributeIndex() {
        for (offset, attribute) in ProfileSettings.Attribute.allCases.enumerated() { #expect(attribute.index == offset) }
    }
}

@Suite("Fact extraction")
struct FactExtractorTests {
    func record(_ id: Int64, _ entity: Entity, _ text: String) -> ProfileSourceRecord {
        ProfileSourceRecord(recordID: id, connector: "shop", entity: entity, canonicalText: text, updatedAt: 100)
    }

    @Test("reads orders, lines, customers with escapes, and counts what it cannot read")
    func ordersAndEscapes() {
        let order = #"""
            {"attributes":{"x":[1,{"y":null}]},"channel":"online","currency":"USD","customer":{"identifiers":[{"type":"email","value":"a@b.cn"}],"name":{"family":"O\"Brien","given":"Ann"}},"id":"O-1","lines":[{"category":"sports","qty":2,"unit_price":10.5},{"category":"tea","total":3}],"placed_at":"2026-10-05T10:00:00+08:00","status":"paid"}
            """#
        let facts = FactExtractor.facts(profileID: "P1", records: [
            record(1, .order, order), record(2, .order, #"{"id":"broken","#), record(3, .order, #"{"id":"no time"}"#),
        ])
        #expect(facts.unreadable == [2, 3])
        #expect(facts.recordCounts[.order] == 3)
        let read = facts.orders.first
        #expect(read?.total == 24)  // 2 × 10.5 + 3, from the lines.
        #expect(read?.placedAt == Timestamps.seconds("2026-10-05T02:00:00Z"))
        #expect(read?.lines.map(\.category) == ["sports", "tea"])
        #expect(facts.customers.first?.fullName == #"Ann O"Brien"#)
        #expect(facts.customers.first?.identifiers.first?.value == "a@b.cn")
        #expect(facts.customers.first?.source.at == read?.placedAt)
    }
}
