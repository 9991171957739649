import PortraitCore
import Testing

/// Compiling mappings from config: every problem at once, each with its path and, for typos, a suggestion.
struct MappingConfigurationTests {
    static let base = JSONPath(parsing: "connectors[0].mapping")

    static func problems(_ json: JSONValue, stream: String = "contacts") -> [String] {
        do {
            _ = try RecordMapping(json: json, path: base.appending(stream))
            return []
        } catch {
            return error.violations.map(\.description)
        }
    }

    @Test func everyProblemIsReportedWithItsPath() {
        let json: JSONValue = [
            "entity": "customer",
            "fields": [
                "identifiers.phone": ["from": "mobile", "transform": [["phon": ["country": "CN"]]]],
                "identifiers.Email": "email",
                "adress.city": "city",
                "birth_date": ["from": "dob", "transform": [["date": ["formats": ["DD/MM/YYYY"]]]]],
                "gender": ["form": "sex"],
                "name": ["from": "n", "transform": "split_name"],
            ],
        ]
        let p = "connectors[0].mapping.contacts.fields"
        #expect(
            Self.problems(json) == [
                "\(p).adress.city: unknown target 'adress.city' for entity customer; did you mean 'address.city'?",
                "\(p).birth_date.transform[0].date.formats[0]: unknown token 'DD' in format 'DD/MM/YYYY'; did you mean 'dd'?",
                "\(p).birth_date.transform[0].date.formats[0]: unknown token 'YYYY' in format 'DD/MM/YYYY'; did you mean 'yyyy'?",
                "\(p).gender.form: unknown key 'form'; did you mean 'from'?",
                "\(p).gender: a field needs 'from' (a source field or a list of them) or 'const' (a fixed value)",
                "\(p).identifiers.Email: identifier type 'Email' must be lower_snake_case (a-z, 0-9 and _, starting with a letter), as in identifiers.member_card",
                "\(p).identifiers.phone.transform[0]: unknown transform 'phon'; did you mean 'phone'?",
                "\(p).name.transform: transform must be a list, such as [trim, lower]",
            ])
    }

    static let targetProblems: [(String, String, String)] = [
        // (entity, target, message)
        (
            "customer", "identifier.email",
            "unknown target 'identifier.email' for entity customer; did you mean 'identifiers.email'?"
        ),
        (
            "order", "identifiers.email",
            "unknown target 'identifiers.email' for entity order; did you mean 'customer.identifiers.email'?"
        ),
        ("order", "placedat", "unknown target 'placedat' for entity order; did you mean 'placed_at'?"),
        ("order", "lines.sku", "'lines' is a list (map the whole list); 'lines.sku' cannot be written below it"),
        ("customer", "birth_date.year", "'birth_date' is a single value; 'birth_date.year' cannot be written below it"),
        (
            "feedback", "customer.identifiers.email",
            "unknown target 'customer.identifiers.email' for entity feedback; did you mean 'respondent.identifiers.email'?"
        ),
        (
            "event", "customer.identifiers.Device",
            "identifier type 'Device' must be lower_snake_case (a-z, 0-9 and _, starting with a letter), as in customer.identifiers.member_card"
        ),
        ("customer", "name..full", "'name..full' is not a target path (empty part between dots)"),
    ]

    @Test(arguments: targetProblems)
    func unknownTargetsAreCheckedAgainstTheEntitySchema(entity: String, target: String, message: String) {
        let json: JSONValue = ["entity": .string(entity), "fields": [target: "x"]]
        #expect(Self.problems(json) == ["connectors[0].mapping.contacts.fields.\(target): \(message)"])
    }

    static let acceptedTargets: [(String, String)] = [
        ("customer", "identifiers.loyalty_no_2"), ("customer", "attributes.segment"), ("customer", "address.postcode"),
        ("order", "customer.identifiers.member_card"), ("order", "customer.name.given"), ("order", "lines"),
        ("event", "properties.page"), ("feedback", "respondent.identifiers.email"), ("feedback", "answers.q1"),
        ("feedback", "scores.nps"),
    ]

    @Test(arguments: acceptedTargets)
    func validTargetsCompile(entity: String, target: String) {
        #expect(Self.problems(["entity": .string(entity), "fields": [target: "x"]]) == [])
    }

    static let streamProblems: [(JSONValue, String)] = [
        (
            ["entity": "custmer"],
            "connectors[0].mapping.contacts.entity: unknown entity 'custmer'; did you mean 'customer'?"
        ),
        (["fields": [:]], "connectors[0].mapping.contacts.entity: required: one of customer, order, event, feedback"),
        (
            ["entity": "customer", "unmapped": "keep"],
            "connectors[0].mapping.contacts.unmapped: unknown unmapped mode 'keep'; allowed: attributes, drop"
        ),
        (
            ["entity": "customer", "feilds": [:]],
            "connectors[0].mapping.contacts.feilds: unknown key 'feilds'; did you mean 'fields'?"
        ),
        (
            ["entity": "customer", "source_id": ""],
            "connectors[0].mapping.contacts.source_id: source_id must be a source field name"
        ),
        (
            ["entity": "customer", "fields": ["gender": ["from": "sex", "const": "male"]]],
            "connectors[0].mapping.contacts.fields.gender: use either 'from' or 'const', not both"
        ),
        (
            ["entity": "customer", "fields": ["gender": ["from": []]]],
            "connectors[0].mapping.contacts.fields.gender.from: from must be a source field name or a non-empty list of them"
        ),
        (
            ["entity": "customer", "fields": ["gender": ["from": "sex", "required": "yes"]]],
            "connectors[0].mapping.contacts.fields.gender.required: required must be true or false"
        ),
        (
            [
                "entity": "customer",
                "fields": ["name.full": ["from": ["a", "b"], "transform": ["concat", "concat"]]],
            ],
            "connectors[0].mapping.contacts.fields.name.full.transform[1]: concat may appear once in a chain"
        ),
        ("customer", "connectors[0].mapping.contacts: a stream mapping is a mapping with entity and fields"),
    ]

    @Test(arguments: streamProblems)
    func streamLevelProblems(json: JSONValue, message: String) {
        #expect(Self.problems(json) == [message])
    }

    @Test func transformsAreCheckedEvenWhenTheEntityIsWrong() {
        let json: JSONValue = ["entity": "person", "fields": ["x": ["from": "a", "transform": ["uper"]]]]
        #expect(
            Self.problems(json) == [
                "connectors[0].mapping.contacts.entity: unknown entity 'person'; allowed: customer, event, feedback, order",
                "connectors[0].mapping.contacts.fields.x.transform[0]: unknown transform 'uper'; did you mean 'upper'?",
            ])
    }

    @Test func connectorMappingCollectsEveryStreamsProblems() {
        let json: JSONValue = [
            "contacts": ["entity": "customer", "fields": ["gendr": "sex"]],
            "orders": [
                "entity": "order",
                "fields": ["placed_at": ["from": "ts", "transform": [["datetime": ["time_zone": "Mars/Base"]]]]],
            ],
            "*": ["entity": "event", "fields": ["type": ["const": "visit"]]],
        ]
        do {
            _ = try ConnectorMapping(json: json, path: Self.base)
            Issue.record("expected a MappingConfigurationError")
        } catch {
            #expect(
                error.violations.map(\.description) == [
                    "connectors[0].mapping.contacts.fields.gendr: unknown target 'gendr' for entity customer; did you mean 'gender'?",
                    "connectors[0].mapping.orders.fields.placed_at.transform[0].datetime.time_zone: unknown time zone 'Mars/Base' (use an IANA name such as Asia/Shanghai)",
                ])
            #expect(error.description.hasPrefix("the mapping has 2 problem(s):"))
        }
    }

    @Test func wildcardStreamCatchesStreamsWithoutTheirOwnEntry() throws {
        let mapping = try ConnectorMapping(
            json: [
                "contacts": ["entity": "customer", "fields": ["identifiers.email": "email"]],
                "*": ["entity": "event", "fields": ["type": ["const": "visit"], "timestamp": "at"]],
            ], path: Self.base)
        #expect(mapping.streams == ["*", "contacts"])
        #expect(mapping.mapping(forStream: "contacts")?.entity == .customer)
        #expect(mapping.mapping(forStream: "page_views")?.entity == .event)

        let withoutWildcard = try ConnectorMapping(json: ["contacts": ["entity": "customer"]], path: Self.base)
        #expect(withoutWildcard.mapping(forStream: "contacts")?.entity == .customer)
        #expect(withoutWildcard.mapping(forStream: "page_views") == nil)
    }

    @Test func hubConfigSchemaExampleMappingCompiles() throws {
        let schema = try #require(SchemaRegistry.canonical.schema(named: "hub-config.schema.json"))
        let example = try #require(schema["examples"]?.arrayValue?.first)
        let mapping = try #require(example.value(atPath: "connectors")?.arrayValue?.first?["mapping"])
        let compiled = try ConnectorMapping(json: mapping, path: JSONPath(parsing: "connectors[0].mapping"))
        #expect(compiled.mapping(forStream: "anything")?.entity == .customer)
    }
}
