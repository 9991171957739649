import PortraitCore
import Testing

/// `as_is: true` stream mappings: records that already are the canonical entity are validated and kept whole.
struct MappingAsIsTests {
    static let path = JSONPath(parsing: "connectors[0].mapping.responses")

    static func record(_ fields: JSONValue) -> SourceRecord {
        SourceRecord(stream: "responses", sourceID: "r-1", fields: fields, location: "POST /v1/forms/f/responses")
    }

    @Test func aValidRecordIsKeptAsItIs() throws {
        let mapping = try RecordMapping(json: ["entity": "feedback", "as_is": true], path: Self.path)
        let feedback: JSONValue = [
            "id": "r-1", "form_id": "post-purchase", "submitted_at": "2026-11-26T10:00:00Z", "scores": ["nps": 9],
            "text": "Fast delivery",
        ]
        let result = mapping.map(Self.record(feedback))
        #expect(result.reasons.isEmpty)
        #expect(result.canonical == feedback)
        #expect(result.sourceID == "r-1")
        #expect(mapping.mapToText(Self.record(feedback)) == nil, "as_is records take the validating path")
    }

    @Test func schemaViolationsAreTheReasons() throws {
        let mapping = try RecordMapping(json: ["entity": "feedback", "as_is": true], path: Self.path)
        let result = mapping.map(Self.record(["form_id": "f", "submitted_at": "yesterday", "scores": ["nps": 11]]))
        #expect(result.canonical == nil)
        #expect(result.reasons.contains { $0.hasPrefix("scores.nps:") }, "\(result.reasons)")
        #expect(result.reasons.contains { $0.hasPrefix("submitted_at:") }, "\(result.reasons)")
    }

    @Test func fieldsBesideAsIsAreAConfigurationProblem() {
        #expect(throws: MappingConfigurationError.self) {
            try RecordMapping(json: ["entity": "feedback", "as_is": true, "fields": ["id": "id"]], path: Self.path)
        }
        do {
            _ = try RecordMapping(json: ["entity": "feedback", "as_is": "yes"], path: Self.path)
            Issue.record("as_is must be a boolean")
        } catch {
            #expect(error.violations.map(\.description) == ["connectors[0].mapping.responses.as_is: as_is must be true or false"])
        }
    }
}
