import Foundation
import PortraitCore
import Testing

/// The schemas in `schemas/` are the source of truth: their examples must validate, the Swift model must write
/// what they accept, and the validator must catch what they forbid.
struct SchemaTests {
    static let entitySchemas = Entity.allCases.map(\.schemaName)
    static let allSchemas = SchemaRegistry.embeddedNames

    @Test func everySchemaFileIsEmbedded() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas")
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(SchemaRegistry.embeddedNames))
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(SchemaRegistry.embeddedText(named: file) == text, "\(file) differs from its embedded copy")
        }
    }

    @Test(arguments: allSchemas)
    func schemaDeclaresDraft2020(name: String) throws {
        let schema = try #require(SchemaRegistry.canonical.schema(named: name))
        #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test(arguments: allSchemas)
    func examplesValidate(name: String) throws {
        let schema = try #require(SchemaRegistry.canonical.schema(named: name))
        for example in schema["examples"]?.arrayValue ?? [] {
            let violations = SchemaRegistry.canonical.validate(example, against: name)
            #expect(violations.isEmpty, "\(name) example fails: \(violations)")
        }
    }

    @Test(arguments: entitySchemas)
    func entitySchemaHasExamples(name: String) throws {
        let schema = try #require(SchemaRegistry.canonical.schema(named: name))
        #expect((schema["examples"]?.arrayValue?.count ?? 0) >= 1)
    }

    // MARK: Swift model round trips

    static func encode(_ value: some Encodable) throws -> JSONValue {
        try JSONValue(parsing: JSONEncoder().encode(value))
    }

    static func decodeExamples<T: Decodable>(_ type: T.Type, schema: String) throws -> [T] {
        let examples = SchemaRegistry.canonical.schema(named: schema)?["examples"]?.arrayValue ?? []
        return try examples.map { try JSONDecoder().decode(T.self, from: Data($0.canonicalText.utf8)) }
    }

    @Test func customerExamplesRoundTripThroughSwift() throws {
        try roundTrip(Customer.self, schema: "customer.schema.json")
    }

    @Test func orderExamplesRoundTripThroughSwift() throws {
        try roundTrip(Order.self, schema: "order.schema.json")
    }

    @Test func eventExamplesRoundTripThroughSwift() throws {
        try roundTrip(Event.self, schema: "event.schema.json")
    }

    @Test func feedbackExamplesRoundTripThroughSwift() throws {
        try roundTrip(Feedback.self, schema: "feedback.schema.json")
    }

    /// Decoding an example and encoding it again gives a value the schema accepts and equal to the example.
    private func roundTrip<T: Codable>(_ type: T.Type, schema: String) throws {
        let examples = SchemaRegistry.canonical.schema(named: schema)?["examples"]?.arrayValue ?? []
        #expect(!examples.isEmpty)
        for example in examples {
            let decoded = try JSONDecoder().decode(T.self, from: Data(example.canonicalText.utf8))
            let encoded = try Self.encode(decoded)
            #expect(SchemaRegistry.canonical.validate(encoded, against: schema).isEmpty)
            #expect(encoded == example, "round trip of \(schema) example changed it")
        }
    }

    @Test func swiftBuiltCustomerValidates() throws {
        let customer = Customer(
            identifiers: [Identifier(type: Identifier.phone, value: "+8613812345678")],
            name: PersonName(given: "小明", family: "王", full: "王小明"), birthDate: "1990-07-21", gender: .nonBinary,
            address: Address(city: "上海", country: "CN"),
            consents: [Consent(channel: "sms", purpose: "marketing", granted: false, timestamp: "2024-01-01T00:00:00+08:00")],
            attributes: ["vip": true])
        let encoded = try Self.encode(customer)
        #expect(SchemaRegistry.canonical.validate(encoded, against: "customer.schema.json") == [])
        #expect(encoded["birth_date"] == "1990-07-21")
        #expect(encoded["gender"] == "non_binary")
    }

    @Test func swiftBuiltOrderWithMoneyValidates() throws {
        let order = Order(
            id: "SO-1", placedAt: "2024-05-02T14:31:00Z", channel: .offline, storeID: "SH-01",
            lines: [Order.Line(sku: "A", category: "sports", qty: 2, unitPrice: Decimal(string: "19.99"))],
            total: Decimal(string: "39.98"), currency: "CNY")
        let encoded = try Self.encode(order)
        #expect(SchemaRegistry.canonical.validate(encoded, against: "order.schema.json") == [])
        #expect(encoded["store_id"] == "SH-01")
        #expect(encoded["lines"]?.arrayValue?.first?["unit_price"] == .number(Decimal(string: "19.99")!))
    }

    // MARK: The validator catches what the schemas forbid

    static let invalidCustomers: [(JSONValue, String, String)] = [
        (["identifiers": [["type": "phone", "value": "13812345678"]]], "identifiers[0].value", "does not match"),
        (["identifiers": [["type": "email", "value": "not-an-email"]]], "identifiers[0].value", "not a valid email"),
        (["identifiers": [["type": "Bad Type", "value": "x"]]], "identifiers[0].type", "does not match"),
        (["birth_date": "2023-02-29"], "birth_date", "not a valid date"),
        (["gender": "M"], "gender", "is not one of"),
        (["nickname": "Ana"], "nickname", "unknown key"),
        (["address": ["country": "China"]], "address.country", "does not match"),
        (["consents": [["channel": "email", "purpose": "marketing", "granted": true]]], "consents[0].timestamp", "required"),
        (["name": [:]], "name", "at least 1"),
    ]

    @Test(arguments: invalidCustomers)
    func validatorRejectsInvalidCustomer(value: JSONValue, path: String, message: String) {
        let violations = SchemaRegistry.canonical.validate(value, against: "customer.schema.json")
        #expect(violations.contains { $0.path.description == path && $0.message.contains(message) }, "\(violations)")
    }

    @Test func validatorReportsEveryViolationNotOnlyTheFirst() {
        let value: JSONValue = ["id": "", "placed_at": "yesterday", "currency": "usd", "channel": "phone"]
        let violations = SchemaRegistry.canonical.validate(value, against: "order.schema.json")
        #expect(Set(violations.map(\.path.description)) == ["id", "placed_at", "currency", "channel"])
    }

    @Test func feedbackScoresAreRangeChecked() {
        let value: JSONValue = ["form_id": "f", "submitted_at": "2024-01-01T00:00:00Z", "scores": ["nps": 11, "csat": 0]]
        let violations = SchemaRegistry.canonical.validate(value, against: "feedback.schema.json")
        #expect(violations.map(\.path.description).sorted() == ["scores.csat", "scores.nps"])
    }

    @Test func unknownKeySuggestsTheClosestName() {
        let violations = SchemaRegistry.canonical.validate(["birthdate": "2000-01-01"], against: "customer.schema.json")
        #expect(violations.first?.message.contains("did you mean 'birth_date'?") == true)
    }

    @Test(arguments: [
        ("2024-05-02T14:31:00Z", true), ("2024-05-02T14:31:00.250+08:00", true), ("2024-05-02 14:31:00", false),
        ("2024-13-02T14:31:00Z", false), ("2024-05-02T24:00:00Z", false), ("2024-05-02T14:31:00", false),
    ])
    func dateTimeFormat(text: String, valid: Bool) {
        let schema: JSONValue = ["type": "string", "format": "date-time"]
        #expect(SchemaRegistry.canonical.validate(.string(text), againstSchema: schema).isEmpty == valid)
    }
}
