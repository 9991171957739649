import PortraitCore
import Testing

/// `each`: a whole list of sub-records (order lines) mapped element by element.
struct MappingEachTests {
    static let path = JSONPath.root.appending("mapping").appending("order")

    static func mapping(_ lines: JSONValue) throws -> RecordMapping {
        try RecordMapping(
            json: ["entity": "order", "fields": ["id": "id", "placed_at": "placed", "lines": lines]], path: path)
    }

    static let linesSpec: JSONValue = [
        "from": "items",
        "each": [
            "sku": "sku", "qty": ["from": "qty", "transform": ["decimal"]],
            "unit_price": ["from": "price", "transform": ["money"], "required": true],
        ],
    ]

    func record(_ items: JSONValue) -> SourceRecord {
        SourceRecord(
            stream: "order", sourceID: "SO-1",
            fields: ["id": "SO-1", "placed": "2024-05-02T14:31:00Z", "items": items],
            location: "feed.xml:3")
    }

    @Test func everyElementIsMappedInOrder() throws {
        let result = try Self.mapping(Self.linesSpec).map(
            record([
                ["sku": "A", "qty": "2", "price": "$1.50", "note": "dropped"], ["sku": "B", "qty": "1", "price": "3"],
            ]))
        #expect(result.reasons == [])
        #expect(
            result.canonical?["lines"] == [
                ["sku": "A", "qty": 2, "unit_price": 1.5], ["sku": "B", "qty": 1, "unit_price": 3],
            ])
        // `items` is read whole: nothing of it lands in attributes.
        #expect(result.canonical?["attributes"] == nil)
    }

    @Test func aSingleObjectIsAListOfOne() throws {
        let result = try Self.mapping(Self.linesSpec).map(record(["sku": "A", "qty": "2", "price": "1"]))
        #expect(result.canonical?["lines"] == [["sku": "A", "qty": 2, "unit_price": 1]])
    }

    @Test func failingElementsAreReasonsNamingTheElement() throws {
        let result = try Self.mapping(Self.linesSpec).map(
            record([["sku": "A", "qty": "two", "price": "1"], ["sku": "B"]]))
        #expect(result.canonical == nil)
        #expect(
            result.reasons == [
                "lines: element 1: qty: 'two' from field 'qty' is not a number; element 2: unit_price: required, but field 'price' is missing or empty"
            ])
    }

    @Test func configProblemsNameTheElementField() throws {
        #expect(throws: MappingConfigurationError.self) {
            try Self.mapping(["from": "items", "each": ["colour": "c"]])
        }
        do {
            _ = try Self.mapping(["from": "items", "each": ["colour": "c"]])
        } catch {
            #expect("\(error)".contains("mapping.order.fields.lines.each.colour"))
        }
        #expect(throws: MappingConfigurationError.self) {
            try Self.mapping(["from": "items", "each": "sku"])
        }
    }
}
