import Foundation
@testable import PortraitCore
import Testing

/// The compiled validator: keywords the canonical schemas do not exercise, `$ref` linking, and the fast paths
/// (`accepts`, ASCII patterns, ASCII e-mail check) agreeing with the reporting walk and with Foundation.
struct SchemaValidatorTests {
    static func messages(_ value: JSONValue, _ schema: JSONValue, registry: SchemaRegistry = .canonical) -> [String] {
        registry.validate(value, againstSchema: schema).map(\.description)
    }

    @Test func refAcrossFilesValidatesAgainstTheOtherFileAndItsLocalDefs() {
        let schema: JSONValue = ["properties": ["who": ["$ref": "customer.schema.json"]]]
        #expect(Self.messages(["who": ["gender": "M"]], schema) == [
            "who.gender: 'M' is not one of 'female', 'male', 'non_binary', 'other', 'unknown'"
        ])
        #expect(Self.messages(["who": ["gender": "male"]], schema) == [])
    }

    @Test func unresolvableRefIsReportedAndOtherKeywordsStillApply() {
        let schema: JSONValue = ["$ref": "missing.json#/a", "type": "string"]
        #expect(Self.messages(5, schema) == [
            "(root): schema reference missing.json#/a cannot be resolved", "(root): expected string, found 5",
        ])
    }

    @Test func recursiveRefCompilesAndValidatesNestedValues() {
        var registry = SchemaRegistry()
        registry.register(
            [
                "$ref": "#/$defs/node",
                "$defs": [
                    "node": [
                        "type": "object", "additionalProperties": false,
                        "properties": ["value": ["type": "integer"], "child": ["$ref": "#/$defs/node"]],
                    ]
                ],
            ], named: "tree.json")
        let deep: JSONValue = ["value": 1, "child": ["value": 2, "child": ["value": "three", "extra": true]]]
        #expect(registry.validate(deep, against: "tree.json").map(\.description) == [
            "child.child.extra: unknown key 'extra'; allowed: child, value",
            "child.child.value: expected integer, found 'three'",
        ])
        #expect(registry.validate(["value": 1, "child": ["value": 2]], against: "tree.json") == [])
    }

    @Test func registeringASchemaReplacesItsCompiledForm() {
        var registry = SchemaRegistry()
        registry.register(["type": "string"], named: "x.json")
        let before = registry
        #expect(registry.validate(1, against: "x.json").map(\.message) == ["expected string, found 1"])
        registry.register(["type": "integer"], named: "x.json")
        #expect(registry.validate(1, against: "x.json") == [])
        #expect(before.validate(1, against: "x.json").map(\.message) == ["expected string, found 1"])
        #expect(registry.validate(1, against: "y.json").map(\.message) == ["no schema named y.json"])
    }

    @Test func oneOfNeedsExactlyOneMatchingBranch() {
        let schema: JSONValue = ["oneOf": [["type": "number"], ["type": "integer"]]]
        #expect(Self.messages(1.5, schema) == [])
        #expect(Self.messages(2, schema) == ["(root): matches more than one form"])
        #expect(Self.messages("a", schema) == ["(root): does not match any allowed form"])
    }

    @Test func notRejectsValuesMatchingItsSchema() {
        let schema: JSONValue = ["not": ["type": "string"]]
        #expect(Self.messages("a", schema) == ["(root): matches a form that is not allowed"])
        #expect(Self.messages(1, schema) == [])
    }

    @Test func ifThenElseAppliesTheBranchTheConditionPicks() {
        let schema: JSONValue = ["if": ["type": "string"], "then": ["minLength": 2], "else": ["maximum": 1]]
        #expect(Self.messages("a", schema) == ["(root): must be at least 2 characters"])
        #expect(Self.messages("ab", schema) == [])
        #expect(Self.messages(3, schema) == ["(root): must be at most 1, found 3"])
    }

    @Test func anyOfReportsTheBranchWhoseTypeFitsElseASummary() {
        let schema: JSONValue = ["anyOf": [["type": "string", "minLength": 3], ["type": "number", "minimum": 5]]]
        #expect(Self.messages("ab", schema) == ["(root): must be at least 3 characters"])
        #expect(Self.messages(true, schema) == ["(root): true does not match any allowed form"])
        #expect(Self.messages(7, schema) == [])
    }

    @Test func booleanSchemasAcceptOrRejectEverything() {
        #expect(Self.messages(["a": 1], true) == [])
        #expect(Self.messages(["a": 1], false) == ["(root): not allowed here"])
        #expect(Self.messages([1, 2], ["items": false]) == ["[0]: not allowed here", "[1]: not allowed here"])
    }

    @Test func additionalPropertiesAsASchemaValidatesTheUnlistedKeys() {
        let schema: JSONValue = ["properties": ["a": ["type": "integer"]], "additionalProperties": ["type": "string"]]
        #expect(Self.messages(["a": 1, "b": "x", "c": 2, "d": nil], schema) == [
            "c: expected string, found 2", "d: expected string, found null",
        ])
    }

    @Test func pathsStartAtTheGivenBase() {
        let schema: JSONValue = ["required": ["path"], "properties": ["list": ["items": ["type": "string"]]]]
        let found = SchemaRegistry.canonical.validate(
            ["list": ["a", 2]], againstSchema: schema, at: JSONPath(parsing: "connectors[1].options"))
        #expect(found.map(\.description) == [
            "connectors[1].options.path: required", "connectors[1].options.list[1]: expected string, found 2",
        ])
    }

    @Test(arguments: [
        ("", "must not be empty"), ("ab", nil), ("👩‍👩‍👧👩‍👩‍👧", nil), ("abcd", "must be at most 3 characters"),
        ("é́é", nil),
    ] as [(String, String?)])
    func lengthsCountCharactersNotBytes(text: String, message: String?) {
        let found = Self.messages(.string(text), ["minLength": 1, "maxLength": 3])
        #expect(found == (message.map { ["(root): \($0)"] } ?? []))
    }

    // MARK: Fast paths agree with the slow ones

    static let patterns = [
        #"^[a-z][a-z0-9_]*$"#, #"^\+[1-9][0-9]{6,14}$"#, #"^[A-Z]{2}$"#, #"^[a-z][a-z0-9_-]*$"#,
        #"^[a-z][a-z0-9_.]*$"#, #"^[A-Z]{3}$"#, #"^a?b+c{2,}$"#, #"^[-a]x[b-]$"#, #"^$"#, #"^[a-c]*c$"#,
        #"^\.\-x{0,2}$"#, "[a-z]+", "^(ab)+$", "^a.b$", #"^\d+$"#, "^[^a]$", "^a*?$", "^[a-z--b]$",
    ]

    @Test(arguments: patterns)
    func asciiPatternsMatchAsNSRegularExpressionDoes(pattern: String) {
        let compiled = CompiledPattern(pattern)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcxyzAZ09+-_.\n é")
        var samples = ["", "a", "ab", "abc", "abcc", "US", "USA", "+14155550123", "+0123", "a_b-c.d", ".-xx", "-xb"]
        for _ in 0..<300 {
            let length = Int.random(in: 0..<8, using: &generator)
            samples.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for sample in samples {
            let expected = compiled.matchesWithRegularExpression(sample)
            #expect(compiled.matches(sample) == expected, "\(pattern) on \(sample)")
        }
    }

    @Test func canonicalPatternsTakeTheASCIIPath() {
        for pattern in Self.patterns.prefix(6) { #expect(AnchoredASCIIPattern(pattern) != nil, "\(pattern)") }
        for pattern in ["[a-z]+", "^(ab)+$", "^a.b$", #"^\d+$"#, "^[^a]$", "^a*?$", "^a*b*c*$"] {
            #expect(AnchoredASCIIPattern(pattern) == nil, "\(pattern)")
        }
    }

    @Test func invalidPatternMatchesNothing() {
        #expect(Self.messages("x", ["pattern": "["]) == ["(root): 'x' does not match ["])
    }

    @Test(arguments: [
        ("a@b.co", true), ("ana.garcia@example.com", true), ("@b.co", false), ("a@b", false), ("a@.b.co", false),
        ("a@b.co.", false), ("a@b..co", false), ("a..b@c.co", true), ("a@b@c.co", false), ("a b@c.co", false),
        ("a,b@c.co", false), ("a@b.co\n", false), ("a\t@b.co", false), ("王@例子.中国", true),
        ("a@b.co\u{A0}", false),
        (String(repeating: "x", count: 64) + "@b.co", true), (String(repeating: "x", count: 65) + "@b.co", false),
    ])
    func emailCheckAgreesWithTheCharacterRules(text: String, valid: Bool) {
        #expect(Formats.isEmail(text) == valid)
        #expect(Self.emailByCharacters(text) == valid)
    }

    /// The e-mail rules as first written, over characters, as the reference for the ASCII fast path.
    static func emailByCharacters(_ string: String) -> Bool {
        let parts = string.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            return false
        }
        return !string.contains { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }
    }

    /// `accepts` is the verdict the reporting walk gives, on every example and on broken variants of them.
    @Test(arguments: SchemaRegistry.embeddedNames)
    func acceptsAgreesWithTheReportingWalk(name: String) throws {
        let compiled = try #require(SchemaRegistry.canonical.compiledSchema(named: name))
        let examples = SchemaRegistry.canonical.schema(named: name)?["examples"]?.arrayValue ?? []
        let breakages: [JSONValue] = ["", 11, nil, [], [:], "not-an-email", "+0", ["x": 1]]
        for example in examples + [[:], "x"] {
            var variants = [example]
            for (key, _) in example.objectValue ?? [:] {
                for broken in breakages {
                    var variant = example
                    variant.setValue(broken, atPath: key)
                    variants.append(variant)
                }
            }
            for variant in variants {
                var validator = SchemaValidator(base: .root)
                validator.validate(variant, schema: compiled.root)
                #expect(compiled.root.accepts(variant) == validator.violations.isEmpty, "\(variant.canonicalText)")
            }
        }
    }
}
