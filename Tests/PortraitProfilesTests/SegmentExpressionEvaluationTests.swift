import PortraitProfiles
import Testing

@Suite struct SegmentExpressionEvaluationTests {
    @Test(arguments: [
        // (expression, total value, expected)
        ("total = 5", 5.0, true), ("total = 5", 6, false),
        ("total != 5", 5, false), ("total != 5", 6, true),
        ("total < 5", 4.5, true), ("total < 5", 5, false),
        ("total <= 5", 5, true), ("total <= 5", 5.01, false),
        ("total > 5", 5, false), ("total > 5", 1e9, true),
        ("total >= 5", 5, true), ("total >= 5", -5, false),
        ("5 < total", 6, true), ("5 < total", 5, false),
        ("total in (1, 2, 3)", 2, true), ("total in (1, 2, 3)", 4, false),
        ("total not in (1, 2)", 2, false), ("total not in (1, 2)", 4, true),
        ("total is null", 0, false), ("total is not null", 0, true),
        ("not (total > 5)", 6, false), ("not (total > 5)", 4, true),
    ])
    func numbers(expression: String, total: Double, expected: Bool) throws {
        let parsed = try parseSegment(expression)
        #expect(parsed.matches(["total": .number(total)]) == expected)
        #expect(parsed.compiledMatches(["total": .number(total)]) == expected)
    }

    /// Every predicate form is false on an absent value, except `is null`; `not` is plain negation on top.
    @Test(arguments: [
        ("total = 5", false), ("total != 5", false), ("total < 5", false), ("total <= 5", false),
        ("total > 5", false), ("total >= 5", false), ("total in (5)", false), ("total not in (5)", false),
        ("tier = 'a'", false), ("tier != 'a'", false), ("tier < 'a'", false), ("tier not in ('a')", false),
        ("birth_date < '2000-01-01'", false), ("birth_date != '2000-01-01'", false),
        ("vip", false), ("vip = true", false), ("vip = false", false), ("vip != true", false),
        ("vip in (true, false)", false), ("vip not in (true)", false),
        ("'a' in interests", false), ("'a' not in interests", false),
        ("total is null", true), ("total is not null", false),
        ("interests is null", true), ("interests is not null", false),
        ("not (total > 5)", true), ("not (total != 5)", true), ("not vip", true),
        ("not ('a' not in interests)", true), ("not (total is null)", false),
        ("total > 5 or total is null", true), ("total > 5 and total is null", false),
    ])
    func absentValues(expression: String, expected: Bool) throws {
        let parsed = try parseSegment(expression)
        #expect(parsed.matches { _ in nil } == expected)
        #expect(parsed.compiledMatches([:]) == expected)
    }

    @Test func emptyListIsNull() throws {
        let row: [String: ProfileValue] = ["interests": .list([])]
        #expect(try parseSegment("interests is null").matches(row))
        #expect(try !parseSegment("interests is not null").matches(row))
        #expect(try !parseSegment("'a' not in interests").matches(row))
        #expect(try !parseSegment("'a' in interests").matches(row))
    }

    @Test func listContainsWholeElementsExactly() throws {
        let row: [String: ProfileValue] = ["interests": .list(["sports", "Shoes", ""])]
        #expect(try parseSegment("'sports' in interests").matches(row))
        #expect(try !parseSegment("'sport' in interests").matches(row))
        #expect(try !parseSegment("'shoes' in interests").matches(row))
        #expect(try parseSegment("'shoes' not in interests").matches(row))
        #expect(try parseSegment("'' in interests").matches(row))
        #expect(try !parseSegment("'' in interests").matches(["interests": .list(["a"])]))
    }

    @Test func textComparesBytesNotCanonicalEquivalence() throws {
        let decomposed: [String: ProfileValue] = ["tier": .text("e\u{301}")]  // "é" as e + combining acute
        #expect(try !parseSegment("tier = 'é'").matches(decomposed))
        #expect(try parseSegment("tier != 'é'").matches(decomposed))
        #expect(try parseSegment("tier < 'é'").matches(decomposed))  // 0x65 < 0xC3
        #expect(try parseSegment("tier in ('é', 'e\u{301}')").matches(decomposed))
        #expect(try parseSegment("tier > 'Z'").matches(["tier": .text("a")]))  // uppercase sorts first in bytes
        #expect(try !parseSegment("tier = 'VIP'").matches(["tier": .text("vip")]))
        #expect(try parseSegment("tier < 'ab'").matches(["tier": .text("a")]))  // a prefix sorts first
        #expect(try parseSegment("city = '上海'").matches(["city": .text("上海")]))
    }

    @Test func datesCompareAsText() throws {
        let row: [String: ProfileValue] = ["birth_date": .date("1989-12-31")]
        #expect(try parseSegment("birth_date < '1990-01-01'").matches(row))
        #expect(try !parseSegment("birth_date >= '1990-01-01'").matches(row))
        #expect(try parseSegment("birth_date = '1989-12-31'").matches(row))
        #expect(try parseSegment("birth_date in ('2000-02-29', '1989-12-31')").matches(row))
    }

    @Test func bools() throws {
        let on: [String: ProfileValue] = ["vip": .bool(true)]
        let off: [String: ProfileValue] = ["vip": .bool(false)]
        #expect(try parseSegment("vip").matches(on))
        #expect(try !parseSegment("vip").matches(off))
        #expect(try parseSegment("not vip").matches(off))
        #expect(try parseSegment("vip = false").matches(off))
        #expect(try parseSegment("vip != true").matches(off))
        #expect(try !parseSegment("vip != true").matches(on))
        #expect(try parseSegment("vip in (false)").matches(off))
        #expect(try parseSegment("vip not in (false)").matches(on))
    }

    @Test func valuesOfTheWrongKindNeverMatch() throws {
        let row: [String: ProfileValue] = ["total": .text("5"), "vip": .number(1), "interests": .text("a")]
        #expect(try !parseSegment("total = 5").matches(row))
        #expect(try !parseSegment("total != 5").matches(row))
        #expect(try !parseSegment("total not in (5)").matches(row))
        #expect(try parseSegment("total is not null").matches(row))
        #expect(try !parseSegment("vip").matches(row))
        #expect(try !parseSegment("'a' in interests").matches(row))
    }

    @Test func shortCircuitSkipsReads() throws {
        var reads: [String] = []
        let matched = try parseSegment("vip or total > 5").matches { name in
            reads.append(name)
            return .bool(true)
        }
        #expect(matched)
        #expect(reads == ["vip"])
    }

    @Test func compiledReadsSlotsAndTreatsMissingAsAbsent() throws {
        let expression = try parseSegment("total > 5 and (tier is null or 'x' in interests)")
        let compiled = expression.compile(slots: ["total": 0, "interests": 1])  // tier has no slot
        #expect(compiled.matches([.number(6), nil]))
        #expect(!compiled.matches([.number(4), nil]))
        #expect(compiled.matches([.number(6), .list(["x"])]))
        // A row shorter than the slots: interests is out of range, so absent; tier is null, so the `or` holds.
        let short: [ProfileValue?] = [.number(6)]
        #expect(short.withUnsafeBufferPointer { compiled.matches($0) })
    }

    @Test func compiledAgreesWithNamedEvaluationOnRandomRows() throws {
        var fuzzer = ExpressionFuzzer(rng: SegmentRNG(state: 7))
        for _ in 0..<300 {
            let expression = try parseSegment(fuzzer.expression())
            for _ in 0..<20 {
                let row = fuzzer.row()
                #expect(expression.matches(row) == expression.compiledMatches(row), "\(expression) on \(row)")
            }
        }
    }
}
