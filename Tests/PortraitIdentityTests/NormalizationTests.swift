@testable import PortraitIdentity
import Testing

struct IdentityTextTests {
    @Test(arguments: [
        ("  John   SMITH ", "john smith"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "john smith"),  // Full-width letters and the ideographic space.
        ("张\u{3000}伟", "张 伟"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Mary-Ann", "mary ann"),
        ("J.R.R. Tolkien", "j r r tolkien"),
        ("smith_jones", "smith jones"),
        ("ÉMILE Zola", "émile zola"),
        ("zero\u{200B}width\tand\nlines", "zero width and lines"),
        ("迈克尔·杰克逊", "迈克尔 杰克逊"),
        ("N/A", "n a"),
        ("-", ""),
        ("ﬁsher", "fisher"),  // A ligature.
        ("＃１２ Ｍａｉｎ Ｓｔ．", "12 main st"),
        ("Smith, John", "smith john"),
        ("AT&T", "at t"),
        ("a+b=c", "a+b=c"),  // Symbols are kept.
    ])
    func normalizes(text: String, expected: String) {
        #expect(IdentityText.normalized(text) == expected)
    }

    /// The byte-wise ASCII path and the Unicode path give the same text: a trailing `’` (dropped) forces the
    /// Unicode path for the same input.
    @Test func asciiPathMatchesUnicodePath() {
        var random = SplitMix64(seed: 7)
        let ascii = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
        for _ in 0..<5000 {
            let length = Int.random(in: 0...12, using: &random)
            let text = String((0..<length).map { _ in ascii.randomElement(using: &random)! })
            #expect(IdentityText.normalized(text) == IdentityText.normalized(text + "’"), "\(text.debugDescription)")
        }
    }

    @Test(arguments: [
        "", "null", "NULL", "None", "N/A", "n.a.", "Unknown", "test", "TEST USER", "xxx", "XX", "0", "0000000",
        "000-000-0000", "11111111", "9999", "123456", "12345", "1234567890", "987654321", "未知", "无", "测试",
        "not available", "John Doe", "-", "?",
    ])
    func placeholders(text: String) {
        #expect(IdentityText.isPlaceholder(IdentityText.normalized(text)))
    }

    @Test(arguments: [
        "na", "Nan", "Li", "x", "john", "张伟", "1990", "12", "111", "13812345678", "1357", "02134", "testa", "xy",
        "23456 main", "nobody home",
    ])
    func notPlaceholders(text: String) {
        #expect(!IdentityText.isPlaceholder(IdentityText.normalized(text)))
    }

    @Test(arguments: [
        ("张伟", true), ("张 伟", true), ("迈克尔·杰克逊", true), ("欧阳娜娜", true), ("〇", true), ("㐀", true),
        ("豈", true), ("𠀀", true), ("John", false), ("张伟John", false), ("", false), (" ", false), ("あい", false),
        ("张伟1", false),
    ])
    func han(text: String, expected: Bool) {
        #expect(IdentityText.isHan(text) == expected)
    }
}

struct PersonNameTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var given: String?
        var family: String?
        var full: String?
        var expected: (family: String, given: String, isHan: Bool)?

        var testDescription: String { "given \(given ?? "-") family \(family ?? "-") full \(full ?? "-")" }
    }

    static let cases: [Case] = [
        // Han names written together, with a space, and swapped with a space.
        Case(full: "张伟", expected: ("张", "伟", true)),
        Case(full: "张 伟", expected: ("张", "伟", true)),
        Case(full: "伟 张", expected: ("张", "伟", true)),
        Case(full: "张\u{3000}伟", expected: ("张", "伟", true)),
        Case(full: "伟张", expected: ("伟", "张", true)),  // No space: the front is the family name.
        Case(full: "王小明", expected: ("王", "小明", true)),
        Case(full: "小明 王", expected: ("王", "小明", true)),
        Case(full: "欧阳娜娜", expected: ("欧阳", "娜娜", true)),
        Case(full: "欧阳 娜娜", expected: ("欧阳", "娜娜", true)),
        Case(full: "娜娜 欧阳", expected: ("欧阳", "娜娜", true)),
        Case(full: "欧 阳 娜 娜", expected: ("欧阳", "娜娜", true)),
        Case(full: "欧阳", expected: ("欧", "阳", true)),  // A compound surname needs a given name left.
        Case(full: "歐陽娜娜", expected: ("歐陽", "娜娜", true)),
        Case(full: "張偉", expected: ("張", "偉", true)),
        Case(full: "伟", expected: ("", "伟", true)),
        Case(full: "王先生", expected: ("王", "", true)),
        Case(full: "李 女士", expected: ("李", "", true)),
        Case(full: "迈克尔·杰克逊", expected: ("杰克逊", "迈克尔", true)),
        Case(full: "张，伟", expected: ("张", "伟", true)),
        Case(given: "伟", family: "张", expected: ("张", "伟", true)),
        Case(given: "三 丰", family: "张", expected: ("张", "三丰", true)),
        Case(given: "娜娜", family: "欧阳", full: "欧阳娜娜", expected: ("欧阳", "娜娜", true)),
        Case(given: nil, family: "欧阳", full: "欧阳娜娜", expected: ("欧阳", "娜娜", true)),
        // Latin names.
        Case(full: "John Smith", expected: ("smith", "john", false)),
        Case(full: "Ｊｏｈｎ", expected: ("", "john", false)),
        Case(full: "Ｊｏｈｎ Ｓｍｉｔｈ", expected: ("smith", "john", false)),
        Case(full: "Smith, John", expected: ("smith", "john", false)),
        Case(full: "Smith，John", expected: ("smith", "john", false)),
        Case(full: "Mary Ann Smith", expected: ("smith", "mary ann", false)),
        Case(full: "Smith, Mary-Ann", expected: ("smith", "mary ann", false)),
        Case(full: "Dr. John Smith Jr.", expected: ("smith", "john", false)),
        Case(full: "  O'Brien,  Seán ", expected: ("obrien", "seán", false)),
        Case(full: "Li Na", expected: ("na", "li", false)),  // Pinyin order is not guessed; `na` is a name.
        Case(given: "John", family: "SMITH", expected: ("smith", "john", false)),
        Case(given: "Mary Ann", family: "Smith", full: "Someone Else", expected: ("smith", "mary ann", false)),
        Case(given: nil, family: "Smith", full: "John Smith", expected: ("smith", "john", false)),
        Case(given: nil, family: "Smith", full: "John Jones", expected: ("smith", "", false)),
        Case(given: "John", family: "N/A", full: nil, expected: ("", "john", false)),
        Case(given: "unknown", family: "test", full: "Ann Lee", expected: ("lee", "ann", false)),
        // Nothing usable.
        Case(given: nil, family: nil, full: nil, expected: nil),
        Case(given: "", family: " ", full: "N/A", expected: nil),
        Case(given: "unknown", family: "test", full: nil, expected: nil),
        Case(full: "xxx", expected: nil),
        Case(full: "未知", expected: nil),
        Case(full: "先生", expected: nil),  // "Mr", with no name.
    ]

    @Test(arguments: cases)
    func splits(_ example: Case) {
        let name = PersonName(given: example.given, family: example.family, full: example.full)
        if let expected = example.expected {
            #expect(name == PersonName(family: expected.family, given: expected.given, isHan: expected.isHan))
        } else {
            #expect(name == nil)
        }
    }

    @Test func fullNameInTheScriptsOrder() {
        #expect(PersonName(given: nil, family: nil, full: "伟 张")?.full == "张伟")
        #expect(PersonName(given: nil, family: nil, full: "Smith, Mary Ann")?.full == "mary ann smith")
        #expect(PersonName(given: nil, family: nil, full: "Ｊｏｈｎ")?.full == "john")
        #expect(PersonName(given: nil, family: "Smith", full: nil)?.full == "smith")
    }
}
