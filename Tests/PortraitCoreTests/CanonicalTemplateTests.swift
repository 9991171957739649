import Foundation
@testable import PortraitCore
import Testing

/// `mapToText` (the template path) and `map` (the tree path) agree on every record: a record the tree path
/// stores has the same canonical text and key on the template path, and a record it quarantines gets no text.
struct CanonicalTemplateTests {
    typealias Generator = FastPathTests.Generator

    static func mapping(_ json: JSONValue) throws -> RecordMapping {
        try RecordMapping(json: json, path: JSONPath(parsing: "connectors[0].mapping.rows"))
    }

    /// Checks both paths on `records`; returns how many records the template path wrote.
    @discardableResult
    /// Yields to the other tests every few hundred records: these comparisons are minutes of CPU in a debug build,
    /// and run straight through they held both threads of the cooperative pool on a 2-core machine for half a
    /// minute, failing tests elsewhere that time how fast something answers.
    static func compare(_ mapping: RecordMapping, _ records: [SourceRecord]) async -> Int {
        var written = 0
        for (index, record) in records.enumerated() {
            if index % 200 == 199 { await Task.yield() }
            let tree = mapping.map(record)
            let text = mapping.mapToText(record)
            if let canonical = tree.canonical, tree.reasons.isEmpty {
                if let text {
                    #expect(text.canonicalText == canonical.canonicalText, "\(record.location)")
                    #expect(text.sourceID == tree.sourceID, "\(record.location)")
                    written += 1
                } else {
                    #expect(mapping.plan.template == nil, "template path refused a valid record: \(record.fields)")
                }
            } else {
                #expect(text == nil, "template path wrote a record the tree path rejects: \(tree.reasons)")
            }
        }
        return written
    }

    /// A value that is sometimes missing, blank, or garbage, so both valid and invalid records are generated.
    static func spoil(_ value: String, _ random: inout Generator) -> JSONValue? {
        switch Int.random(in: 0..<20, using: &random) {
        case 0: return nil
        case 1: return ""
        case 2: return "  "
        case 3: return "n/a"
        case 4: return .number(Decimal(Int.random(in: -5...99_999, using: &random)))
        case 5: return "\"quoted\" \\ back\nslash \u{1}"
        default: return .string(value)
        }
    }

    static func receipts(_ count: Int, seed: UInt64) -> [SourceRecord] {
        var random = Generator(state: seed)
        return (0..<count).map { i in
            let base = MappingBenchmarkWorkload.receipt(i)
            var fields: [String: JSONValue] = [:]
            for (key, value) in base.fields.objectValue! {
                fields[key] = spoil(value.stringValue!, &random)
            }
            if Int.random(in: 0..<10, using: &random) == 0 { fields["extra column"] = "x" }
            if Int.random(in: 0..<30, using: &random) == 0 { fields["dotted.column"] = "y" }
            return SourceRecord(
                stream: "receipts", sourceID: base.sourceID, fields: .object(fields), location: base.location)
        }
    }

    static func contacts(_ count: Int, seed: UInt64) -> [SourceRecord] {
        var random = Generator(state: seed)
        return (0..<count).map { i in
            var record = MappingBenchmarkWorkload.contact(i)
            guard case .object(var fields) = record.fields, case .object(var properties)? = fields["properties"] else {
                return record
            }
            for (key, value) in properties {
                properties[key] = value.stringValue.map { spoil($0, &random) } ?? value
            }
            fields["properties"] = .object(properties)
            if Int.random(in: 0..<5, using: &random) == 0 { fields["id"] = spoil("c\(i)", &random) }
            record.fields = .object(fields)
            return record
        }
    }

    @Test func receiptsAgreeOnBothPaths() async throws {
        let mapping = try Self.mapping(MappingBenchmarkWorkload.receiptMapping)
        #expect(mapping.plan.template != nil)
        let written = await Self.compare(mapping, Self.receipts(20_000, seed: 1))
        #expect(written > 1_000)
    }

    /// The same receipts as rows of a CSV file (the connector's shape): values by column, no object built.
    static func receiptRows(_ count: Int, seed: UInt64) -> [SourceRecord] {
        let names = ["receipt_id", "store_id", "ts", "amount", "category", "member_card", "phone", "name", "note"]
        let columns = SourceColumns(names)
        return receipts(count, seed: seed).map { record in
            let values = names.map { record.fields[$0]?.textValue ?? "" }
            return SourceRecord(
                stream: record.stream, sourceID: record.sourceID, columns: columns, values: values,
                location: record.location, sourceText: values.joined(separator: ","))
        }
    }

    @Test func rowsAgreeOnBothPaths() async throws {
        let mapping = try Self.mapping(MappingBenchmarkWorkload.receiptMapping)
        let rows = Self.receiptRows(20_000, seed: 5)
        #expect(await Self.compare(mapping, rows) > 1_000)
        for row in rows.prefix(2_000) {
            #expect(mapping.sourceID(of: row) == mapping.sourceID(of: SourceRecord(
                stream: row.stream, sourceID: row.sourceID, fields: row.fields, location: row.location)))
        }
    }

    @Test(arguments: [
        ["b", "a", "c"], ["名字", "name", "Name", "_x", "a b", "quote\"d", "dotted.name", "Ünïcode", "z"],
        ["dup", "other", "dup"], [""],
    ])
    func rowRawTextIsTheObjectsCanonicalText(names: [String]) {
        let columns = SourceColumns(names)
        var random = Generator(state: 6)
        for _ in 0..<200 {
            let values = names.map { _ in
                Self.spoil("v\(Int.random(in: 0..<1000, using: &random))", &random)?.textValue ?? "\u{7}\"\\"
            }
            let row = SourceRecord(stream: "s", sourceID: "1", columns: columns, values: values, location: "f:1")
            #expect(row.rawText == row.fields.canonicalText)
            var object: [String: JSONValue] = [:]
            for (name, value) in zip(names, values) { object[name] = .string(value) }
            #expect(row.fields == .object(object))
        }
    }

    @Test func contactsAgreeOnBothPaths() async throws {
        let mapping = try Self.mapping(MappingBenchmarkWorkload.contactMapping)
        // Identifier entries are checked by type, not as one list value built per record.
        let checks = try #require(mapping.plan.template?.checks)
        #expect(checks.contains { if case .identifiers = $0 { true } else { false } })
        let written = await Self.compare(mapping, Self.contacts(20_000, seed: 2))
        #expect(written > 1_000)
    }

    @Test(arguments: [
        // Several list elements, one of them often empty; unmapped fields dropped.
        [
            "entity": "order", "source_id": "receipt_id", "unmapped": "drop",
            "fields": [
                "id": "receipt_id", "placed_at": ["from": "ts", "transform": [["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "UTC"]]]],
                "lines[0].category": "category", "lines[1].sku": "note", "lines[2].name": "store_id",
                "lines[2].qty": ["from": "amount", "transform": ["decimal"]],
            ],
        ],
        // Required fields, a value map, a constant identifier, a date.
        [
            "entity": "customer",
            "fields": [
                "identifiers.member_card": ["from": "member_card", "required": true],
                "identifiers.source": ["const": "pos"],
                "gender": ["from": "name", "transform": [["map": ["values": ["王小明": "male", "李娜": "female"]]]]],
                "birth_date": ["from": "ts", "transform": [["date": ["formats": ["yyyy-MM-dd HH:mm:ss"]]]]],
                "address.city": "store_id", "address.postcode": "member_card",
                "name.full": "name",
            ],
        ],
        // Values the schema rejects without any transform failing: a date that is not a date, a gender outside
        // the enum, identifiers that fail the email and phone rules of the identifier schema's if/then.
        [
            "entity": "customer",
            "fields": [
                "birth_date": "ts", "gender": "category", "identifiers.email": "member_card",
                "identifiers.phone": "phone", "address.city": "store_id",
            ],
        ],
        // Events keep unmapped fields under properties.
        [
            "entity": "event", "source_id": "receipt_id",
            "fields": [
                "type": ["const": "purchase"],
                "timestamp": ["from": "ts", "transform": [["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "Asia/Shanghai"]]]],
                "customer.identifiers.phone": ["from": "phone", "transform": [["phone": ["country": "CN"]]]],
            ],
        ],
    ] as [JSONValue])
    func otherShapesAgreeOnBothPaths(json: JSONValue) async throws {
        let mapping = try Self.mapping(json)
        #expect(mapping.plan.template != nil)
        await Self.compare(mapping, Self.receipts(5_000, seed: 3))
    }

    /// Order lines mapped with `each` (the XML feed's shape): the template writes the list the element mapping
    /// made, and checks it against the line schema.
    @Test func listsMappedWithEachAgreeOnBothPaths() async throws {
        let mapping = try Self.mapping([
            "entity": "order", "source_id": "id",
            "fields": [
                "id": "id", "placed_at": "placed",
                "lines": [
                    "from": "items",
                    "each": ["sku": "sku", "qty": ["from": "qty", "transform": ["decimal"]], "name": "name"],
                ],
            ],
        ])
        // The lines are checked and written element by element, not as one list value.
        let lines = try #require(mapping.plan.fields.firstIndex { $0.target == "lines" })
        #expect(mapping.plan.template?.elementTemplates[lines] != nil)
        var random = Generator(state: 7)
        let records = (0..<5_000).map { i in
            var items: JSONValue = .array(
                (0..<Int.random(in: 0...3, using: &random)).map { line -> JSONValue in
                    var item: [String: JSONValue] = [:]
                    item["sku"] = Self.spoil("SKU-\(line)", &random)
                    item["qty"] = Self.spoil(String(Int.random(in: 1...9, using: &random)), &random)
                    item["name"] = Self.spoil("Trail shoe", &random)
                    if Int.random(in: 0..<40, using: &random) == 0 { item["colour"] = "red" }  // Not mapped: dropped.
                    return .object(item)
                })
            switch Int.random(in: 0..<40, using: &random) {
            case 0: items = ["sku": "SKU-1", "qty": "2"]  // One element written as an object.
            case 1: items = "SKU-1"  // Not a list.
            case 2: items = ["SKU-1", ["sku": "SKU-2"]]  // An element that is not an object.
            case 3: items = [[:], ["colour": "red"]]  // Elements with no mapped value: left out, so no lines.
            default: break
            }
            return SourceRecord(
                stream: "orders", sourceID: "\(i)",
                fields: ["id": .string("SO-\(i)"), "placed": "2024-05-02T14:31:00Z", "items": items],
                location: "feed.xml:\(i)")
        }
        #expect(await Self.compare(mapping, records) > 500)
        // The same records held by slot, as the XML feed hands them over: the lines as a list held by slot
        // whenever they are a list of objects.
        let columns = SourceColumns(["placed", "id", "items", "unused"])
        let lineColumns = SourceColumns(["qty", "sku", "name", "colour"])
        let items = columns.position(of: "items")!
        let slotted = records.map { record in
            let fields = record.fields.objectValue!
            var values = columns.names.map { fields[$0] }
            var lists = [SlotList?](repeating: nil, count: columns.names.count)
            if case .array(let elements)? = values[items],
                case let objects = elements.compactMap(\.objectValue), objects.count == elements.count
            {
                values[items] = nil
                lists[items] = SlotList(
                    columns: lineColumns, elements: objects.map { object in lineColumns.names.map { object[$0] } })
            }
            return SourceRecord(
                stream: record.stream, sourceID: record.sourceID, columns: columns, slots: values, lists: lists,
                location: record.location)
        }
        #expect(slotted.contains { $0.slots?.lists.contains { $0 != nil } == true })
        for (record, slotRecord) in zip(records, slotted) {
            #expect(slotRecord.fields == record.fields)
            #expect(slotRecord.rawText == record.rawText)
            #expect(mapping.mapToText(slotRecord) == mapping.mapToText(record))
        }
        #expect(await Self.compare(mapping, slotted) > 500)
    }

    /// The identifier schema specialised on an entry's type gives the answer of checking the whole entry: for
    /// the customer schema's email and phone rules (`if type is … then value …`), other types, and values that
    /// pass or fail them.
    @Test func identifierChecksSpecialisedByTypeAgreeWithTheWholeEntry() throws {
        let schema = try #require(SchemaRegistry.canonical.compiledSchema(named: Entity.customer.schemaName))
        let identifiers = try #require(schema.root.propertyTable.entries.first { $0.name == "identifiers" }?.schema)
        let items = try #require(identifiers.items)
        let values: [JSONValue] = [
            "ana@example.com", "not an email", "+8613812345678", "13812345678", "", " ", "M0042", 42, .null,
            ["nested": "object"],
        ]
        for type in ["email", "phone", "member_card", "crm_id", "Bad Type", ""] {
            let check = try #require(items.specialized(constants: ["type": .string(type)], others: ["value"]))
            for value in values {
                let whole = items.accepts(["type": .string(type), "value": value])
                #expect(check.accepts { $0 == "value" ? value : nil } == whole, "\(type): \(value)")
            }
        }
        // An `if` that reads a value the specialisation does not know cannot be decided ahead.
        #expect(items.specialized(constants: [:], others: ["type", "value"]) == nil)
    }

    /// A required list with a required element field: an order without lines, or a line without its sku, is
    /// refused on both paths.
    @Test func requiredListsAndElementFieldsAgreeOnBothPaths() async throws {
        let mapping = try Self.mapping([
            "entity": "order", "source_id": "id",
            "fields": [
                "id": "id", "placed_at": "placed",
                "lines": [
                    "from": "items", "required": true,
                    "each": [
                        "sku": ["from": "sku", "required": true],
                        "unit_price": ["from": "price", "transform": ["decimal"]],
                    ],
                ],
            ],
        ])
        var random = Generator(state: 11)
        let records = (0..<3_000).map { i in
            let items = (0..<Int.random(in: 0...2, using: &random)).map { _ -> JSONValue in
                var item: [String: JSONValue] = [:]
                item["sku"] = Self.spoil("SKU-\(i)", &random)
                item["price"] = Self.spoil("12.50", &random)
                return .object(item)
            }
            return SourceRecord(
                stream: "orders", sourceID: "\(i)",
                fields: ["id": .string("SO-\(i)"), "placed": "2024-05-02T14:31:00Z", "items": .array(items)],
                location: "feed.xml:\(i)")
        }
        #expect(await Self.compare(mapping, records) > 300)
    }

    @Test(arguments: [
        // A target below another target: the tree path merges them.
        ["entity": "customer", "fields": ["name": ["from": "name", "transform": ["split_name"]], "name.full": "name"]],
        // A target inside the unmapped bucket.
        ["entity": "customer", "fields": ["identifiers.member_card": "member_card", "attributes.store": "store_id"]],
        // The identifier list mapped whole as well as by type.
        ["entity": "customer", "fields": ["identifiers": "member_card", "identifiers.phone": "phone"]],
    ] as [JSONValue])
    func shapesTheTemplateCannotWriteTakeTheTreePath(json: JSONValue) throws {
        guard let mapping = try? Self.mapping(json) else { return }  // Some are refused by config checks already.
        #expect(mapping.plan.template == nil)
        for record in Self.receipts(200, seed: 4) {
            #expect(mapping.mapToText(record) == nil)
        }
    }
}
