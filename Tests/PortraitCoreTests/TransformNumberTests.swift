import Foundation
@testable import PortraitCore
import Testing

/// `decimal`, `money` and `currency`: amounts as people write them, to exact numbers and ISO codes.
struct TransformNumberTests {
    static func exact(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    static let amounts: [(String, String)] = [
        ("1234.50", "1234.5"),
        ("1,234.50", "1234.5"),
        ("1,234,567.89", "1234567.89"),
        ("¥1,234.50", "1234.5"),
        ("￥ 88", "88"),
        ("$12.00", "12"),
        ("US$ 12.99", "12.99"),
        ("€0.10", "0.1"),
        ("£3", "3"),
        ("12.50元", "12.5"),
        ("RMB 1,000", "1000"),
        ("CNY 77", "77"),
        ("77 cny", "77"),
        ("USD 144.90", "144.9"),
        ("(12.50)", "-12.5"),
        ("($1,000.00)", "-1000"),
        ("-12.5", "-12.5"),
        ("-¥3", "-3"),
        ("¥-3", "-3"),
        ("+4", "4"),
        (".5", "0.5"),
        ("0.1", "0.1"),
    ]

    @Test(arguments: amounts)
    func moneyReadsCommonSpellings(input: String, expected: String) throws {
        #expect(try TransformFixture.apply("money", to: .string(input)).get() == .number(Self.exact(expected)))
    }

    static let europeanAmounts: [(String, String)] = [
        ("1.234,50", "1234.5"),
        ("1.234,50 €", "1234.5"),
        ("€ 0,99", "0.99"),
        ("1 234,50", "1234.5"),
        ("12", "12"),
    ]

    @Test(arguments: europeanAmounts)
    func commaDecimalSeparator(input: String, expected: String) throws {
        let transform: JSONValue = ["money": ["decimal_separator": ","]]
        #expect(try TransformFixture.apply(transform, to: .string(input)).get() == .number(Self.exact(expected)))
    }

    static let notAmounts = ["12,5", "1,23.4", "1.2.3", "12.", "abc", "¥", "--5", "(-5)", "12 34", "5 apples"]

    @Test(arguments: notAmounts)
    func moneyRefusesWhatIsNotAnAmount(input: String) throws {
        let problem = try #require(try TransformFixture.failure("money", .string(input)))
        #expect(problem.hasPrefix("is not an amount"))
    }

    @Test func aLoneCommaHintsAtTheSeparatorOption() throws {
        let problem = try TransformFixture.failure("money", "12,5")
        #expect(problem == "is not an amount (if ',' is its decimal separator, set decimal_separator: \",\")")
    }

    @Test func decimalKeepsDigitsExactly() throws {
        #expect(try TransformFixture.apply("decimal", to: "0.1").get() == .number(Self.exact("0.1")))
        #expect(
            try TransformFixture.apply("decimal", to: "123456789012345678.25").get()
                == .number(Self.exact("123456789012345678.25")))
        #expect(try TransformFixture.apply("decimal", to: "1,000").get() == .number(1000))
        #expect(try TransformFixture.apply("decimal", to: 42).get() == .number(42))
    }

    @Test func decimalRefusesCurrenciesSoTheyAreNoticed() throws {
        #expect(
            try TransformFixture.failure("decimal", "¥12")
                == "is not a number (it carries a currency: use the money transform)")
    }

    @Test func nonTextIsRefusedClearly() throws {
        #expect(try TransformFixture.failure("money", true) == "is not text (transform 'money' takes text)")
    }

    static let currencies: [(String, String)] = [
        ("¥12", "CNY"), ("￥12", "CNY"), ("12元", "CNY"), ("RMB 5", "CNY"), ("$5", "USD"), ("US$5", "USD"),
        ("HK$5", "HKD"), ("€5", "EUR"), ("£5", "GBP"), ("5 USD", "USD"), ("eur 5", "EUR"), ("HKD $12", "HKD"),
        ("JPY 500", "JPY"),
    ]

    @Test(arguments: currencies)
    func currencyFindsTheCode(input: String, expected: String) throws {
        #expect(try TransformFixture.text("currency", input) == expected)
    }

    @Test func currencyFallsBackToTheDefault() throws {
        let transform: JSONValue = ["currency": ["default": "CNY"]]
        #expect(try TransformFixture.text(transform, "12.50") == "CNY")
        #expect(try TransformFixture.text(transform, "$12.50") == "USD")
        #expect(try TransformFixture.apply(transform, to: 12).get() == "CNY")
        #expect(try TransformFixture.failure("currency", "12.50")?.hasPrefix("names no currency") == true)
    }

    static let badOptions: [(JSONValue, String)] = [
        (
            ["money": ["decimal_separator": ";"]],
            "fields.x.transform[0].money.decimal_separator: decimal_separator must be \".\" or \",\", found ';'"
        ),
        (
            ["currency": ["default": "RMB"]],
            "fields.x.transform[0].currency.default: 'RMB' is not an ISO 4217 currency code (such as CNY, USD, EUR)"
        ),
        (
            ["money": ["separator": ","]],
            "fields.x.transform[0].money.separator: unknown option 'separator'; allowed: decimal_separator (for 'money')"
        ),
    ]

    @Test(arguments: badOptions)
    func badOptionsAreConfigErrors(entry: JSONValue, message: String) {
        #expect(TransformFixture.compile(entry).failureLines == [message])
    }
}
