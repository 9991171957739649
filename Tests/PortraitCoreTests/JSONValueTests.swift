import Foundation
import PortraitCore
import Testing

struct JSONValueTests {
    @Test func canonicalTextSortsKeysSoHashesIgnoreKeyOrder() throws {
        let a = try JSONValue(parsing: Data(#"{"b":1,"a":{"y":true,"x":null}}"#.utf8))
        let b = try JSONValue(parsing: Data(#"{"a":{"x":null,"y":true},"b":1}"#.utf8))
        #expect(a.canonicalText == #"{"a":{"x":null,"y":true},"b":1}"#)
        #expect(ContentHash.of(raw: a, canonical: b, deleted: false) == ContentHash.of(raw: b, canonical: a, deleted: false))
        #expect(ContentHash.of(raw: a, canonical: a, deleted: false) != ContentHash.of(raw: a, canonical: a, deleted: true))
    }

    /// Stores keep these hashes: their spelling (SHA-256 over raw text, a zero byte, the fingerprint and the
    /// deletion flag, in lower-case hex) may never change, or every stored record would look changed.
    @Test func contentHashesKeepTheirStoredSpelling() {
        #expect(
            ContentHash.of(rawText: #"{"id":"SO-1"}"#, mappingFingerprint: "fingerprint", deleted: true)
                == "08ded65e41aa4c207d1d608f70262d90fc7a15993b5d86c03108118cdd27fa9d")
        #expect(
            ContentHash.sha256(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func moneyKeepsItsDecimalsExactly() throws {
        let value = try JSONValue(parsing: Data(#"{"total":1299.10}"#.utf8))
        #expect(value["total"] == .number(Decimal(string: "1299.1")!))
        #expect(value.canonicalText == #"{"total":1299.1}"#)
    }

    @Test func canonicalTextEscapesControlCharactersAndKeepsUnicode() throws {
        let value: JSONValue = ["text": "价格\n\"贵\"\u{1}"]
        #expect(value.canonicalText == #"{"text":"价格\n\"贵\"\u0001"}"#)
        #expect(try JSONValue(parsing: Data(value.canonicalText.utf8)) == value)
    }

    /// Record texts are made into strings without a second UTF-8 check: what the text holds must be exactly
    /// the bytes of the characters written, whatever their length in UTF-8 (1 to 4 bytes, combining marks, flags).
    @Test func canonicalTextOfEveryCharacterLengthIsTheUTF8OfItsCharacters() throws {
        let texts = ["a", "é", "e\u{301}", "价格", "😀", "🇨🇳", "𝄞x", "王小明 <gift> & card", String(repeating: "李娜", count: 600)]
        for text in texts {
            let value: JSONValue = ["name": .string(text), "k\(text)": ["n": 1]]
            let expected = "{\"k\(text)\":{\"n\":1},\"name\":\"\(text)\"}"
            let canonical = value.canonicalText
            #expect(Array(canonical.utf8) == Array(expected.utf8))
            #expect(canonical.unicodeScalars.elementsEqual(expected.unicodeScalars))
            #expect(canonical.count == expected.count)
            #expect(try JSONValue(parsing: Data(canonical.utf8)) == value)
        }
    }

    @Test func invalidJSONIsAnInvalidInputError() {
        #expect(throws: PortraitError.self) { try JSONValue(parsing: Data("{\"a\":".utf8)) }
    }

    @Test func dottedPathsReadAndWriteNestedValues() {
        var value: JSONValue = ["properties": ["email": "a@b.co"], "lines": [["sku": "X"]]]
        #expect(value.value(atPath: "properties.email") == "a@b.co")
        #expect(value.value(atPath: "lines.0.sku") == "X")
        #expect(value.value(atPath: "properties.phone") == nil)
        value.setValue("SH", atPath: "address.city")
        #expect(value["address"]?["city"] == "SH")
    }

    @Test func leavesListsEveryNestedFieldByPath() {
        let value: JSONValue = ["a": 1, "b": ["c": "x", "d": ["e": true]], "f": [1, 2]]
        #expect(value.leaves().map(\.0) == ["a", "b.c", "b.d.e", "f"])
    }

    @Test func leavesWithListElementsAlsoListTheFieldsOfEveryElementOfAListOfObjects() {
        let value: JSONValue = [
            "id": "O-1", "tags": ["a", "b"],
            "lines": [["sku": "S-1", "qty": "2"], ["sku": "S-2", "gift": ["wrap": true]], "not an object"],
        ]
        let leaves = value.leaves(listElements: true)
        #expect(
            leaves.map(\.0) == ["id", "lines", "lines[].qty", "lines[].sku", "lines[].gift.wrap", "tags"])
        // The first element that has a field gives its example.
        #expect(leaves.first { $0.0 == "lines[].sku" }?.1 == "S-1")
        // What unmapped fields are kept by is unchanged: a list is one leaf.
        #expect(value.leaves().map(\.0) == ["id", "lines", "tags"])
    }

    @Test func suggestionsFindTyposButNotUnrelatedWords() {
        #expect(Suggestions.closest(to: "enabeld", among: ["enabled", "kind", "name"]) == "enabled")
        #expect(Suggestions.closest(to: "optoins", among: ["enabled", "options"]) == "options")
        #expect(Suggestions.closest(to: "zzz", among: ["enabled", "options"]) == nil)
    }

    /// Config and state numbers are read through `intValue`: one too large for `Int` must not come out as 0 or
    /// negative (`NSDecimalNumber.intValue` does both), or a limit set very high would become the lowest one.
    @Test func intValueRoundsTowardZeroAndClampsToIntsRange() throws {
        #expect(JSONValue.number(Decimal(string: "2.7")!).intValue == 2)
        #expect(JSONValue.number(Decimal(string: "-2.7")!).intValue == -2)
        #expect(JSONValue.number(Decimal(string: "1e40")!).intValue == Int.max)
        #expect(JSONValue.number(Decimal(string: "-1e40")!).intValue == Int.min)
        #expect(JSONValue.number(Decimal(string: "9223372036854775808")!).intValue == Int.max)
        #expect(JSONValue.number(Decimal(string: "9223372036854775807")!).intValue == Int.max)
        #expect(JSONValue.number(Decimal(string: "-9223372036854775808")!).intValue == Int.min)
        #expect(JSONValue.number(1_048_576).intValue == 1_048_576)
        #expect(JSONValue.string("12").intValue == nil)
        #expect(JSONValue.number(Decimal(string: "2.5")!).doubleValue == 2.5)
        #expect(JSONValue.bool(true).doubleValue == nil)
    }
}
