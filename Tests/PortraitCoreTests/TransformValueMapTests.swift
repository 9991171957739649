@testable import PortraitCore
import Testing

/// `gender`, `map`, `concat` and the plain text steps.
struct TransformValueMapTests {
    static let genders: [(JSONValue, String)] = [
        ("M", "male"), ("male", "male"), ("Man", "male"), ("男", "male"), ("先生", "male"), (1, "male"), ("1", "male"),
        ("F", "female"), ("Female", "female"), ("woman", "female"), ("女", "female"), ("女士", "female"), (2, "female"),
        ("non-binary", "non_binary"), ("NB", "non_binary"), ("nonbinary", "non_binary"), ("X", "non_binary"),
        ("other", "other"), ("其他", "other"),
        ("unknown", "unknown"), ("U", "unknown"), ("未知", "unknown"), ("保密", "unknown"), (0, "unknown"),
        ("9", "unknown"), ("", "unknown"), (" f ", "female"),
    ]

    @Test(arguments: genders)
    func genderSpellings(input: JSONValue, expected: String) throws {
        #expect(try TransformFixture.apply("gender", to: input).get() == .string(expected))
    }

    @Test(arguments: ["yes", "malee", "3", "w"])
    func unknownGenderSpellingsAreRefused(input: String) throws {
        let problem = try TransformFixture.failure("gender", .string(input))
        #expect(problem?.hasPrefix("is not a gender spelling") == true)
    }

    static let statusMap: JSONValue = ["map": ["values": ["S": "shipped", "X": "cancelled", "已付款": "paid"]]]

    static let mapped: [(String, String)] = [("S", "shipped"), ("s", "shipped"), (" x ", "cancelled"), ("已付款", "paid")]

    @Test(arguments: mapped)
    func valueMapIgnoresCaseAndSpaces(input: String, expected: String) throws {
        #expect(try TransformFixture.text(Self.statusMap, input) == expected)
    }

    @Test func valueMapWithoutDefaultRefusesUnknownValues() throws {
        let problem = try TransformFixture.failure(Self.statusMap, "Q")
        #expect(problem == "is not in the value map (known: s, x, 已付款) and the map has no default")
    }

    @Test func valueMapDefaultAndCaseSensitivity() throws {
        let map: JSONValue = ["map": ["values": ["S": "shipped"], "default": "other", "case_sensitive": true]]
        #expect(try TransformFixture.text(map, "S") == "shipped")
        #expect(try TransformFixture.text(map, "s") == "other")
        let toNumber: JSONValue = ["map": ["values": ["gold": 3, "silver": 2]]]
        #expect(try TransformFixture.apply(toNumber, to: "Gold").get() == 3)
    }

    static let badMaps: [(JSONValue, String)] = [
        (
            "map",
            "fields.x.transform[0]: the map transform needs values: a mapping from source value to canonical value"
        ),
        (
            ["map": ["values": [:]]],
            "fields.x.transform[0].map.values: values must be a non-empty mapping from source value to canonical value"
        ),
        (
            ["map": ["values": ["a": "x", "A": "y"]]],
            "fields.x.transform[0].map.values: 'A' and 'a' are the same key when case is ignored but map to different values"
        ),
        (
            ["map": ["valus": ["a": "x"]]],
            "fields.x.transform[0].map.valus: unknown option 'valus'; did you mean 'values'? (for 'map')"
        ),
        (
            ["gender": ["values": ["a": "x"]]],
            "fields.x.transform[0].gender.values: transform 'gender' takes no options"
        ),
        (["map": "S"], "fields.x.transform[0].map: the options of 'map' must be a mapping, such as { country: CN }"),
    ]

    @Test(arguments: badMaps)
    func badMapsAreConfigErrors(entry: JSONValue, message: String) {
        #expect(TransformFixture.compile(entry).failureLines.contains(message))
    }

    static let text: [(JSONValue, String, String)] = [
        ("trim", "  Ana \u{3000}", "Ana"),
        ("lower", "ANA García", "ana garcía"),
        ("upper", "cn", "CN"),
        ("title", "mary-ann SMITH", "Mary-Ann Smith"),
        ("title", "don't stop", "Don't Stop"),
        ("email", "  Ana.Garcia@Example.COM ", "ana.garcia@example.com"),
    ]

    @Test(arguments: text)
    func textSteps(entry: JSONValue, input: String, expected: String) throws {
        #expect(try TransformFixture.text(entry, input) == expected)
    }

    @Test func textStepsRefuseMappings() throws {
        #expect(try TransformFixture.failure("lower", ["a": 1]) == "is not text (transform 'lower' takes text)")
    }

    @Test func concatJoinsWithTheSeparator() throws {
        #expect(try TransformFixture.apply("concat", to: ["Ana", "Garcia"]).get() == "Ana Garcia")
        #expect(try TransformFixture.apply(["concat": ["separator": ""]], to: ["王", "小明"]).get() == "王小明")
        #expect(try TransformFixture.apply(["concat": ["separator": ", "]], to: ["a", 1]).get() == "a, 1")
    }

    @Test func unknownTransformSuggestsTheClosest() {
        #expect(
            TransformFixture.compile("phon").failureLines == [
                "fields.x.transform[0]: unknown transform 'phon'; did you mean 'phone'?"
            ])
        #expect(
            TransformFixture.compile(["splitname": [:]]).failureLines
                == ["fields.x.transform[0]: unknown transform 'splitname'; did you mean 'split_name'?"])
    }
}
