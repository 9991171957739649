@testable import PortraitCore
import Testing

/// `phone`: many spellings of the same number become one E.164 string, and non-numbers are refused.
struct TransformPhoneTests {
    static let cnGood: [(String, String)] = [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("(138) 1234-5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("+86-13812345678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("0086 138 1234 5678", "+8613812345678"),
        ("8613812345678", "+8613812345678"),
        ("  19912345678 ", "+8619912345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("010-62345678", "+861062345678"),
        ("021-6123 4567", "+862161234567"),
        ("(0755) 2345 6789", "+8675523456789"),
        ("0571-8765432", "+865718765432"),
        ("+86 21 6123 4567", "+862161234567"),
        ("+86 (0)21 6123 4567", "+862161234567"),
        ("+1 415 555 0123", "+14155550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+81 3-1234-5678", "+81312345678"),
    ]

    @Test(arguments: cnGood)
    func chinaDefaultNormalises(input: String, expected: String) throws {
        #expect(try TransformFixture.text("phone", input) == expected)
        #expect(try TransformFixture.text(["phone": ["country": "CN"]], input) == expected)
    }

    static let cnBad: [String] = [
        "12345",
        "12812345678",  // 1 then 2: no such mobile prefix
        "1381234567",  // ten digits
        "138123456789",  // twelve digits
        "2161234567",  // landline without its trunk 0
        "021-0123456",  // subscriber numbers do not start with 0
        "010-12345678",  // nor with 1
        "+86 12812345678",
        "138 1234 5678 ext 2",
        "tel: 13812345678",
        "13812345678 / 13912345678",
        "+123",  // too short for E.164
        "+0123456789",
        "+1234567890123456",  // 16 digits
        "++8613812345678",
    ]

    @Test(arguments: cnBad)
    func chinaRefuses(input: String) throws {
        #expect(try TransformFixture.failure("phone", .string(input)) == "is not a valid CN phone number")
    }

    static let usGood: [(String, String)] = [
        ("4155550123", "+14155550123"),
        ("(415) 555-0123", "+14155550123"),
        ("415.555.0123", "+14155550123"),
        ("1 415 555 0123", "+14155550123"),
        ("1-415-555-0123", "+14155550123"),
        ("+1 (415) 555-0123", "+14155550123"),
        ("001 415 555 0123", "+14155550123"),
        ("+86 138 1234 5678", "+8613812345678"),
    ]

    @Test(arguments: usGood)
    func unitedStatesNormalises(input: String, expected: String) throws {
        #expect(try TransformFixture.text(["phone": ["country": "US"]], input) == expected)
    }

    static let usBad: [String] = [
        "555-0123",  // seven digits
        "0155550123",  // area code starts 0
        "1155550123",  // area code starts 1
        "4151550123",  // exchange starts 1
        "2 415 555 0123",  // eleven digits not starting 1
        "415 555 012",  // nine digits
        "+1 015 555 0123",
    ]

    @Test(arguments: usBad)
    func unitedStatesRefuses(input: String) throws {
        #expect(
            try TransformFixture.failure(["phone": ["country": "US"]], .string(input))
                == "is not a valid US phone number")
    }

    @Test func numbersStoredAsJSONNumbersAreRead() throws {
        #expect(try TransformFixture.apply("phone", to: .number(13812345678)).get() == "+8613812345678")
    }

    @Test func nonTextIsRefusedClearly() throws {
        let problem = try TransformFixture.failure("phone", ["13812345678"])
        #expect(problem == "is not text (transform 'phone' takes text)")
    }

    @Test func unsupportedCountryIsAConfigError() {
        let problems = TransformFixture.compile(["phone": ["country": "JP"]]).failureLines
        #expect(problems.count == 1)
        #expect(
            problems.first?.hasPrefix(
                "fields.x.transform[0].phone.country: unsupported phone country 'JP'; supported: CN, US") == true)
    }
}

extension Result where Failure == ProblemList {
    var failureLines: [String] {
        if case .failure(let list) = self { return list.lines }
        return []
    }
}
