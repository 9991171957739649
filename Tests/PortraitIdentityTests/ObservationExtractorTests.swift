import PortraitCore
@testable import PortraitIdentity
import Testing

@Suite("Observation extraction")
struct ObservationExtractorTests {
    static let samples = [
        "0", "000", "0001", "", "null", "NULL", "n/a", "na", "N/A", "nana", "-", "---", "-a", "test", "tester",
        "test@x.org", "Test@x.org", "noreply@shop.com", "no-reply@a.b", "atest@x.org", "+8613800000000",
        "+8611111111111", "+11111111", "+1111111", "13800138000", "+8613812345678", "1111111", "2222222x", "+12025550123",
        "unknown", "undefined", "nil", "none", "donotreply@x", "null@x", "0000000", "+0000000",
    ]

    @Test("each shipped blocked-value pattern's Swift test agrees with its regular expression")
    func nativePatternsAgreeWithRegex() throws {
        for (pattern, native) in BlockPattern.native {
            let regex = try Regex(pattern).ignoresCase()
            for sample in Self.samples {
                let expected = (try regex.firstMatch(in: sample)) != nil
                #expect(native(sample) == expected, "\(pattern) on '\(sample)'")
            }
        }
    }

    @Test("identifiers are trimmed, lower-cased (emails) and reduced to digits (phones); blocked ones are dropped")
    func identifierNormalisation() {
        let extractor = ObservationExtractor(settings: .standard)
        let customer: JSONValue = .object([
            "identifiers": .array([
                .object(["type": .string("email"), "value": .string("  Ana.Garcia@Example.COM ")]),
                .object(["type": .string("phone"), "value": .string("+86 138 0013 8000")]),
                .object(["type": .string("phone"), "value": .string("+8611111111111")]),
                .object(["type": .string("member_card"), "value": .string("ＭＸ００４２")]),
                .object(["type": .string("crm_id"), "value": .string("C-1")]),
            ])
        ])
        let features = extractor.features(of: customer, entity: .customer, connector: "crm")
        #expect(features.identifiers["email"] == ["ana.garcia@example.com"])
        #expect(features.identifiers["phone"] == ["+8613800138000"])
        #expect(features.identifiers["member_card"] == ["mx0042"])
        #expect(features.identifiers["crm_id@crm"] == ["c-1"])
    }

    @Test("features survive the store's text form")
    func encodedRoundTrip() {
        let extractor = ObservationExtractor(settings: .standard)
        let customer: JSONValue = .object([
            "name": .object(["full": .string("张 伟")]), "birth_date": .string("1990-03-12"),
            "gender": .string("male"),
            "address": .object(["postcode": .string("200 000"), "city": .string("上海"), "line1": .string("南京路 1 号")]),
            "identifiers": .array([.object(["type": .string("email"), "value": .string("w@x.cn")])]),
        ])
        let features = extractor.features(of: customer, entity: .customer, connector: "crm")
        #expect(features.name?.family == "张" && features.name?.given == "伟")
        #expect(ObservationFeatures(encoded: features.encoded) == features)

        let nameless = ObservationFeatures(
            identifiers: ["phone": ["+8613800000001", "+8613800000002"], "crm_id@crm": ["c-7"]], city: "北京")
        #expect(ObservationFeatures(encoded: nameless.encoded) == nameless)
        #expect(ObservationFeatures(encoded: "2" + nameless.encoded.dropFirst()) == nil, "another version's text")
        #expect(ObservationFeatures(encoded: "1\u{1F}too few") == nil)
    }
}
