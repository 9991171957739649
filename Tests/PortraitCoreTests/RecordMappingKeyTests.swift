import Foundation
import PortraitCore
import Testing

/// `fingerprint` and `sourceID(of:)`: what a sync needs to skip unchanged records before mapping them.
struct RecordMappingKeyTests {
    static let path = JSONPath(parsing: "connectors[0].mapping.receipts")

    static let receipts: JSONValue = [
        "entity": "order",
        "source_id": "receipt_id",
        "fields": [
            "id": "receipt_id",
            "placed_at": [
                "from": "ts",
                "transform": [["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "Asia/Shanghai"]]],
            ],
            "total": ["from": "amount", "transform": ["decimal"]],
        ],
    ]

    static func record(_ fields: JSONValue, id: String = "receipts.csv:2") -> SourceRecord {
        SourceRecord(stream: "receipts", sourceID: id, fields: fields, location: "receipts.csv:2")
    }

    @Test func fingerprintIsTheHashOfTheEngineVersionAndTheConfig() throws {
        let mapping = try RecordMapping(json: Self.receipts, path: Self.path)
        let expected = ContentHash.sha256(
            Array(RecordMapping.engineVersion.utf8) + [0] + Array(Self.receipts.canonicalText.utf8))
        #expect(mapping.fingerprint == expected)
        #expect(mapping.fingerprint.count == 64)
        #expect(mapping.fingerprint.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func sameConfigSameFingerprintWhateverTheKeyOrderOrPlace() throws {
        let reordered = try JSONValue(
            parsing:
                #"{"fields":{"total":{"transform":["decimal"],"from":"amount"},"placed_at":{"transform":[{"datetime":{"time_zone":"Asia/Shanghai","formats":["yyyy-MM-dd HH:mm:ss"]}}],"from":"ts"},"id":"receipt_id"},"source_id":"receipt_id","entity":"order"}"#
        )
        let a = try RecordMapping(json: Self.receipts, path: Self.path)
        let b = try RecordMapping(json: reordered, path: JSONPath(parsing: "connectors[3].mapping.other"))
        #expect(a.fingerprint == b.fingerprint)
    }

    static let changes: [(String, JSONValue)] = [
        ("fields.total.transform", ["money"]),
        ("fields.placed_at.transform", [["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "UTC"]]]),
        ("source_id", "id"),
        ("unmapped", "drop"),
        ("fields.store_id", "store"),
    ]

    @Test(arguments: changes)
    func anyConfigChangeChangesTheFingerprint(path: String, value: JSONValue) throws {
        var changed = Self.receipts
        changed.setValue(value, atPath: path)
        let original = try RecordMapping(json: Self.receipts, path: Self.path)
        #expect(try RecordMapping(json: changed, path: Self.path).fingerprint != original.fingerprint)
    }

    @Test func sourceIDIsTheTrimmedSourceIDField() throws {
        let mapping = try RecordMapping(json: Self.receipts, path: Self.path)
        let record = Self.record(["receipt_id": " R00012345 ", "ts": "2026-03-14 18:22:05", "amount": "128.50"])
        #expect(mapping.sourceID(of: record) == "R00012345")
        #expect(mapping.map(record).sourceID == "R00012345")
        #expect(mapping.sourceID(of: Self.record(["receipt_id": 5001])) == "5001")
    }

    static let missingIDs: [JSONValue] = [
        ["ts": "2026-03-14 18:22:05"], ["receipt_id": "  "], ["receipt_id": nil], ["receipt_id": ["a": 1]],
        ["receipt_id": ["R1"]], ["R1"],
    ]

    @Test(arguments: missingIDs)
    func aMissingOrBlankSourceIDFieldIsNil(fields: JSONValue) throws {
        let mapping = try RecordMapping(json: Self.receipts, path: Self.path)
        let record = Self.record(fields, id: "line-9")
        #expect(mapping.sourceID(of: record) == nil)
        #expect(mapping.map(record).sourceID == "line-9")
    }

    @Test func withoutSourceIDTheConnectorsIDIsUsed() throws {
        let mapping = try RecordMapping(json: ["entity": "order", "fields": ["id": "no"]], path: Self.path)
        let record = Self.record(["no": "A1"], id: "receipts.csv:7")
        #expect(mapping.sourceID(of: record) == "receipts.csv:7")
        #expect(mapping.map(record).sourceID == "receipts.csv:7")
    }
}
