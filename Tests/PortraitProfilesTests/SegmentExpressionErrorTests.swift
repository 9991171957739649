import PortraitProfiles
import Testing

/// One bad input: where the error must point, and words that must appear in `expected` and `message`.
struct BadExpressionInput: Sendable, CustomTestStringConvertible {
    var text: String
    var offset: Int
    var expected: String
    var message: String
    var testDescription: String { text.debugDescription }
}

@Suite struct SegmentExpressionErrorTests {
    static let cases: [BadExpressionInput] = [
        // Unknown fields.
        .init(text: "totl_spend > 5", offset: 0, expected: "a field name",
              message: "column 1: unknown field 'totl_spend'; did you mean 'total_spend'?"),
        .init(text: "Total_Spend > 5", offset: 0, expected: "a field name", message: "did you mean 'total_spend'?"),
        .init(text: "zzzzqqq = 1", offset: 0, expected: "a field name",
              message: "unknown field 'zzzzqqq'; known fields include 'birth_date', 'categories', 'channel', 'city', 'email' and 10 more"),
        .init(text: "'上海' = tier and x", offset: 16, expected: "a field name", message: "unknown field 'x'"),
        // Type mismatches.
        .init(text: "total_spend >= 'abc'", offset: 15, expected: "a number",
              message: "'total_spend' is a number field, so expected a number, found 'abc'"),
        .init(text: "tier = 5", offset: 7, expected: "a string", message: "'tier' is a text field"),
        .init(text: "birth_date < '2026-02-30'", offset: 13, expected: "a valid date 'YYYY-MM-DD'",
              message: "'2026-02-30' is not a valid calendar date"),
        .init(text: "birth_date = '2023-02-29'", offset: 13, expected: "valid date", message: "not a valid calendar date"),
        .init(text: "birth_date = '1990-1-01'", offset: 13, expected: "valid date", message: "not a valid calendar date"),
        .init(text: "birth_date = 19900101", offset: 13, expected: "a date in quotes", message: "'birth_date' is a date field"),
        .init(text: "vip < true", offset: 4, expected: "= or !=", message: "'vip' is a bool field, so only = and != apply, found '<'"),
        .init(text: "vip = 1", offset: 6, expected: "true or false", message: "'vip' is a bool field"),
        .init(text: "interests < 'a'", offset: 10, expected: "'is null' or 'is not null'",
              message: "'interests' is a list field, so '<' does not apply"),
        .init(text: "'a' = interests", offset: 4, expected: "'in'", message: "write 'value' in interests"),
        .init(text: "interests in ('a')", offset: 10, expected: "'is null'", message: "'in (...)' does not apply"),
        .init(text: "'x' in city", offset: 7, expected: "a list field",
              message: "expected a list field after 'in', found 'city', which is a text field"),
        .init(text: "5 in interests", offset: 0, expected: "a string", message: "expected a string before 'in', found '5'"),
        .init(text: "'x\u{1F}' in interests", offset: 0, expected: "U+001F", message: "U+001F"),
        .init(text: "city in ('a', 5)", offset: 14, expected: "a string", message: "found '5'"),
        // Missing or misplaced pieces.
        .init(text: "recency_days >=", offset: 15, expected: "a value",
              message: "column 16: expected a value after '>=', found end of expression"),
        .init(text: "", offset: 0, expected: "a condition", message: "column 1: expected a condition, found end of expression"),
        .init(text: "   ", offset: 3, expected: "a condition", message: "expected a condition, found end of expression"),
        .init(text: "vip and", offset: 7, expected: "a condition", message: "expected a condition after 'and', found end of expression"),
        .init(text: "total >= 5 and", offset: 14, expected: "a condition", message: "after 'and'"),
        .init(text: "vip and or email_opt_in", offset: 8, expected: "a condition", message: "found 'or'"),
        .init(text: "(tier = 'a' and vip", offset: 19, expected: "')'",
              message: "column 20: expected ')' to close the '(' at column 1, found end of expression"),
        .init(text: "(vip or total > 1 city", offset: 18, expected: "and, or or ')'", message: "found 'city'"),
        .init(text: "tier = 'a' x", offset: 11, expected: "and, or or the end of the expression",
              message: "column 12: expected and, or or the end of the expression, found 'x'"),
        .init(text: "tier = 'a')", offset: 10, expected: "and, or or the end of the expression", message: "found ')'"),
        .init(text: "total 5", offset: 6, expected: "a comparison operator, 'in' or 'is'", message: "after 'total', found '5'"),
        .init(text: "interests", offset: 9, expected: "'is null' or 'is not null'", message: "after 'interests'"),
        .init(text: "tier is 5", offset: 8, expected: "'null' or 'not null'", message: "after 'is'"),
        .init(text: "tier is not", offset: 11, expected: "'null'", message: "found end of expression"),
        .init(text: "city not 'a'", offset: 9, expected: "'in'", message: "after 'not'"),
        .init(text: "city in 'a'", offset: 8, expected: "'(' to start a list of values", message: "found 'a'"),
        .init(text: "total in ()", offset: 10, expected: "a value", message: "found ')'"),
        .init(text: "total in (1, 2", offset: 14, expected: "',' or ')'", message: "after '2'"),
        .init(text: "5 = 5", offset: 4, expected: "a field name", message: "after '='"),
        .init(text: "'a' tier", offset: 4, expected: "a comparison operator or 'in'", message: "after 'a'"),
        .init(text: "city = vip", offset: 7, expected: "a value", message: "comparing two fields is not supported"),
        .init(text: "city = beijing", offset: 7, expected: "a value", message: "strings need quotes, like 'beijing'"),
        // Lexical problems.
        .init(text: "tier = 'abc", offset: 7, expected: "a closing '", message: "unterminated string"),
        .init(text: "tier = \"abc\\\"", offset: 7, expected: "a closing \"", message: "unterminated string"),
        .init(text: #"tier = 'a\nb'"#, offset: 9, expected: #"\'"#, message: #"unknown escape '\n'"#),
        .init(text: "tier = $", offset: 7, expected: "a value", message: "found '$'"),
        .init(text: "total > 12abc", offset: 8, expected: "a value", message: "found '12abc'"),
        .init(text: "total > -", offset: 8, expected: "a value", message: "found '-'"),
        .init(text: "tier ! 'a'", offset: 5, expected: "a comparison operator", message: "found '!'"),
        .init(text: "total > 1e999", offset: 8, expected: "a finite number", message: "out of range"),
        // Nesting limit.
        .init(text: String(repeating: "(", count: 101) + "vip" + String(repeating: ")", count: 101), offset: 100,
              expected: "at most 100 levels of nesting", message: "more than 100 levels deep"),
        .init(text: String(repeating: "not ", count: 101) + "vip", offset: 400,
              expected: "at most 100 levels of nesting", message: "more than 100 levels deep"),
        .init(text: String(repeating: "(not ", count: 60) + "vip", offset: 5 * 50, expected: "nesting", message: "deep"),
    ]

    @Test(arguments: cases)
    func badInput(_ bad: BadExpressionInput) throws {
        let error = try #require(segmentError(bad.text))
        #expect(error.offset == bad.offset)
        #expect(error.expected.contains(bad.expected), "expected: \(error.expected)")
        #expect(error.message.contains(bad.message), "message: \(error.message)")
        #expect(error.description.hasPrefix(error.message + "\n"))
    }

    @Test func deepInputFailsCleanlyInsteadOfOverflowing() {
        let error = segmentError(String(repeating: "(", count: 100_000))
        #expect(error?.offset == 100)
    }

    @Test func descriptionDrawsACaret() throws {
        let error = try #require(segmentError("recency_days >="))
        #expect(error.found == "end of expression")
        #expect(error.description == """
            column 16: expected a value after '>=', found end of expression
              recency_days >=
                             ^
            """)
        let typo = try #require(segmentError("recency_days >= 30 and totl_spend > 5"))
        #expect(typo.found == "'totl_spend'")
        #expect(typo.description.hasSuffix("\n  recency_days >= 30 and totl_spend > 5\n                         ^"))
    }

    @Test func multiLineTextReportsLineAndColumn() throws {
        let error = try #require(segmentError("vip and\n  total >"))
        #expect(error.offset == 17)
        #expect(error.message == "line 2, column 10: expected a value after '>', found end of expression")
        #expect(error.description.hasSuffix("\n    total >\n           ^"))
    }

    @Test func foundNamesTheTokenAsWritten() throws {
        #expect(segmentError("total >= 'abc'")?.found == "'abc'")
        #expect(segmentError("total >= \"abc\"")?.found == "\"abc\"")
        #expect(segmentError("tier >= 12")?.found == "'12'")
        #expect(segmentError("tier 'a'")?.found == "'a'")
        #expect(segmentError("tier = 'a' >=")?.found == "'>='")
    }

    @Test func datesAcceptLeapDaysAndMonthEnds() throws {
        for date in ["2024-02-29", "2000-02-29", "1999-12-31", "2026-04-30", "0001-01-01"] {
            #expect(segmentError("birth_date = '\(date)'") == nil, "\(date)")
        }
        for date in ["1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "２０２６-01-01", "2026-01-01 "] {
            #expect(segmentError("birth_date = '\(date)'") != nil, "\(date)")
        }
    }
}
