import Foundation
import PortraitIdentity
import Testing

struct CalendarDateTests {
    @Test func parsesRealDatesInCanonicalForm() throws {
        let date = try #require(CalendarDate("1990-03-12"))
        #expect(date.year == 1990 && date.month == 3 && date.day == 12)
        #expect(date.description == "1990-03-12")
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("0001-01-01")?.description == "0001-01-01")
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "1990-13-01", "1990-00-10", "1990-04-31", "1990-01-32", "1990-01-00",
        "0000-01-01", "1990-1-01", "19900101", "1990/01/01", " 1990-01-01", "1990-01-01 ", "１９９０-01-01",
        "+990-01-01", "", "1990-01-0a",
    ])
    func refusesAnythingElse(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func daysSinceEpoch() throws {
        #expect(try #require(CalendarDate("1970-01-01")).daysSinceEpoch == 0)
        #expect(try #require(CalendarDate("1969-12-31")).daysSinceEpoch == -1)
        #expect(try #require(CalendarDate("2000-03-01")).daysSinceEpoch == 11_017)
        #expect(try #require(CalendarDate("2024-02-29")).daysSinceEpoch == 19_782)
        #expect(try #require(CalendarDate("1900-01-01")).daysSinceEpoch == -25_567)
    }

    /// Every day from 1899 to 2101 is one more than the day before: month ends, leap days, century years.
    @Test func consecutiveDaysAreOneApart() throws {
        var previous = try #require(CalendarDate(year: 1899, month: 1, day: 1)).daysSinceEpoch - 1
        for year in 1899...2101 {
            for month in 1...12 {
                for day in 1...31 {
                    guard let date = CalendarDate(year: year, month: month, day: day) else { continue }
                    #expect(date.daysSinceEpoch == previous + 1, "\(date)")
                    previous = date.daysSinceEpoch
                }
            }
        }
    }

    @Test func codesAsCanonicalText() throws {
        let date = try #require(CalendarDate("1990-03-12"))
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["1990-03-12"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [date])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDate].self, from: Data(#"["1990-02-30"]"#.utf8))
        }
    }

    @Test(arguments: [
        ("1990-03-12", "1990-03-12", DateAgreement.exact),
        ("1990-03-12", "1990-12-03", .transposed),  // Day and month swapped.
        ("1990-03-12", "1990-03-21", .transposed),  // Adjacent digits swapped.
        ("1990-03-12", "1909-03-12", .transposed),
        ("1990-03-12", "1990-08-12", .transposed),  // One digit wrong.
        ("1990-03-12", "1991-03-12", .transposed),
        ("1990-03-12", "1990-03-29", .withinMonth),
        ("1990-01-31", "1990-03-03", .withinMonth),  // 31 days.
        ("1990-01-31", "1990-03-04", .withinYear),  // 32 days.
        ("1990-03-12", "1990-05-20", .withinYear),
        ("1990-01-31", "1991-02-01", .withinYear),  // 366 days.
        ("1990-01-31", "1991-02-02", .different),  // 367 days.
        ("1990-03-12", "1992-06-12", .different),
        ("1990-03-12", "2012-03-19", .different),
    ])
    func agreementLevels(a: String, b: String, expected: DateAgreement) throws {
        let first = try #require(CalendarDate(a))
        let second = try #require(CalendarDate(b))
        #expect(CalendarDate.compare(first, second) == expected)
        #expect(CalendarDate.compare(second, first) == expected)
    }
}
