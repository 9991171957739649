import PortraitCore
import Testing

/// Element targets (`lines[0].category`): one-line orders from flat sources such as CSV receipts.
struct MappingElementTargetTests {
    static let path = JSONPath(parsing: "connectors[0].mapping.receipts")

    static func problems(_ fields: JSONValue, entity: String = "order") -> [String] {
        do {
            _ = try RecordMapping(json: ["entity": .string(entity), "fields": fields], path: path)
            return []
        } catch {
            return error.violations.map(\.description)
        }
    }

    static func record(_ fields: JSONValue) -> SourceRecord {
        SourceRecord(stream: "receipts", sourceID: "receipts.csv:2", fields: fields, location: "receipts.csv:2")
    }

    static let oneLineOrder: JSONValue = [
        "entity": "order",
        "source_id": "receipt_id",
        "fields": [
            "id": "receipt_id",
            "placed_at": "ts",
            "lines[0].sku": "sku",
            "lines[0].category": "category",
            "lines[0].qty": ["from": "qty", "transform": ["decimal"]],
            "lines[0].unit_price": ["from": "price", "transform": ["money"]],
        ],
    ]

    @Test func elementTargetsBuildTheFirstLine() throws {
        let mapping = try RecordMapping(json: Self.oneLineOrder, path: Self.path)
        let result = mapping.map(
            Self.record([
                "receipt_id": "R1", "ts": "2026-03-14T18:22:05+08:00", "sku": "TEA-1", "category": "grocery",
                "qty": "2", "price": "¥38.50", "note": "gift wrap",
            ]))
        #expect(result.reasons == [])
        #expect(result.canonical?["lines"] == [["sku": "TEA-1", "category": "grocery", "qty": 2, "unit_price": 38.5]])
        #expect(result.canonical?["attributes"] == ["note": "gift wrap"])
    }

    @Test func aLineWithNoValuesIsLeftOut() throws {
        let mapping = try RecordMapping(json: Self.oneLineOrder, path: Self.path)
        let result = mapping.map(
            Self.record(["receipt_id": "R2", "ts": "2026-03-14T18:22:05Z", "sku": " ", "qty": ""]))
        #expect(result.reasons == [])
        #expect(result.canonical?["lines"] == nil)
    }

    @Test func anEmptyFirstLineDoesNotLeaveAHole() throws {
        let mapping = try RecordMapping(
            json: [
                "entity": "order",
                "fields": [
                    "id": "no", "placed_at": "ts", "lines[0].sku": "sku1", "lines[1].sku": "sku2",
                    "lines[1].qty": ["from": "qty2", "transform": ["decimal"]],
                ],
            ], path: Self.path)
        let both = mapping.map(
            Self.record(["no": "A", "ts": "2026-03-14T18:22:05Z", "sku1": "X", "sku2": "Y", "qty2": "3"]))
        #expect(both.canonical?["lines"] == [["sku": "X"], ["sku": "Y", "qty": 3]])
        let second = mapping.map(Self.record(["no": "A", "ts": "2026-03-14T18:22:05Z", "sku2": "Y", "qty2": "3"]))
        #expect(second.reasons == [])
        #expect(second.canonical?["lines"] == [["sku": "Y", "qty": 3]])
    }

    @Test func schemaViolationsInsideAnElementNameIt() throws {
        let mapping = try RecordMapping(
            json: ["entity": "order", "fields": ["id": "no", "placed_at": "ts", "lines[0].qty": "qty"]], path: Self.path
        )
        let result = mapping.map(Self.record(["no": "A", "ts": "2026-03-14T18:22:05Z", "qty": "two"]))
        #expect(result.reasons == ["lines[0].qty: expected number, found 'two'"])
    }

    @Test func elementsOfOtherListsOfObjectsAreTargetsToo() {
        #expect(
            Self.problems(["consents[0].channel": "channel", "consents[0].purpose": "purpose"], entity: "customer")
                == [])
    }

    static let targetProblems: [(String, String)] = [
        (
            "lines[1].sku",
            "element indexes of 'lines' must run from 0 without gaps; lines[1] is mapped but lines[0] is not"
        ),
        ("lines[0].categry", "unknown target 'lines[0].categry' for entity order; did you mean 'lines[0].category'?"),
        (
            "store_id[0].sku",
            "'store_id' is not a list of objects; only such lists take an element index like store_id[0]"
        ),
        (
            "lines[-1].sku",
            "'lines[-1]' is not an element of 'lines'; write the index as a number from 0, as in lines[0]"
        ),
        (
            "lines[01].sku",
            "'lines[01]' is not an element of 'lines'; write the index as a number from 0, as in lines[0]"
        ),
        ("lines[x].sku", "'lines[x]' is not an element of 'lines'; write the index as a number from 0, as in lines[0]"),
        ("lines[0]", "'lines[0]' is a whole element; map its fields (lines[0].category) or the whole list (lines)"),
        ("lines[0].sku.code", "'lines[0].sku' is a single value; 'lines[0].sku.code' cannot be written below it"),
        (
            "customer.identifiers[0].value",
            "identifiers are written by type, as in customer.identifiers.member_card, not by index"
        ),
    ]

    @Test(arguments: targetProblems)
    func badElementTargetsAreConfigErrors(target: String, message: String) {
        #expect(Self.problems(.object([target: "x"])) == ["\(Self.path).fields.\(target): \(message)"])
    }

    @Test func aListIsMappedWholeOrByElementNotBoth() {
        #expect(
            Self.problems(["lines": "items", "lines[0].sku": "sku"]) == [
                "\(Self.path).fields.lines[0].sku: 'lines' is mapped whole and by element; map either the whole list (lines) or its elements (lines[0]…)"
            ])
    }

    @Test func gapsAreReportedAtEveryTargetBeyondThem() {
        #expect(
            Self.problems(["lines[0].sku": "a", "lines[2].sku": "b", "lines[2].qty": "c"]) == [
                "\(Self.path).fields.lines[2].qty: element indexes of 'lines' must run from 0 without gaps; lines[2] is mapped but lines[1] is not",
                "\(Self.path).fields.lines[2].sku: element indexes of 'lines' must run from 0 without gaps; lines[2] is mapped but lines[1] is not",
            ])
    }
}
