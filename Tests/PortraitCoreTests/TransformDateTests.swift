@testable import PortraitCore
import Testing

/// `date` and `datetime`: operator formats, real calendar dates only, and offsets from the zone's rules.
struct TransformDateTests {
    static let dateFormats: JSONValue = [
        "date": ["formats": ["yyyy-MM-dd", "dd/MM/yyyy", "yyyy年M月d日", "yyyyMMdd", "d.M.yy"]]
    ]

    static let goodDates: [(String, String)] = [
        ("2024-05-02", "2024-05-02"),
        ("02/05/2024", "2024-05-02"),
        ("2024年5月2日", "2024-05-02"),
        ("2024年12月31日", "2024-12-31"),
        ("20240502", "2024-05-02"),
        ("2.5.24", "2024-05-02"),
        ("2.5.88", "1988-05-02"),
        ("2024-02-29", "2024-02-29"),  // leap year
        ("2000-02-29", "2000-02-29"),  // divisible by 400
        (" 2024-05-02 ", "2024-05-02"),
    ]

    @Test(arguments: goodDates)
    func datesInListedFormatsBecomeISO(input: String, expected: String) throws {
        #expect(try TransformFixture.text(Self.dateFormats, input) == expected)
    }

    static let impossibleDates = [
        "2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "31/02/2024", "2024年2月30日",
    ]

    @Test(arguments: impossibleDates)
    func impossibleCalendarDatesAreRefused(input: String) throws {
        #expect(try TransformFixture.failure(Self.dateFormats, .string(input)) == "is not a real calendar date")
    }

    static let unmatched = ["May 2, 2024", "2024/05/02", "2024-5-2", "02-05-2024", "2024-05-02T10:00:00Z", "yesterday"]

    @Test(arguments: unmatched)
    func textInNoListedFormatIsRefused(input: String) throws {
        let problem = try TransformFixture.failure(Self.dateFormats, .string(input))
        #expect(problem == "matches none of the date formats yyyy-MM-dd, dd/MM/yyyy, yyyy年M月d日, yyyyMMdd, d.M.yy")
    }

    @Test func iso8601AlsoTakesTheDateOfATimestamp() throws {
        let transform: JSONValue = ["date": ["formats": ["iso8601"]]]
        #expect(try TransformFixture.text(transform, "1988-04-12") == "1988-04-12")
        #expect(try TransformFixture.text(transform, "1988-04-12T23:30:00-05:00") == "1988-04-12")
        #expect(try TransformFixture.text("date", "1988-04-12") == "1988-04-12")  // iso8601 is the default
        #expect(try TransformFixture.failure(transform, "12/04/1988") != nil)
    }

    @Test func numbersAreReadAsTheirDigits() throws {
        #expect(try TransformFixture.apply(["date": ["formats": "yyyyMMdd"]], to: 19880412).get() == "1988-04-12")
    }

    // MARK: datetime

    static let datetimes: [(String, String, String, String)] = [
        // (format, zone, input, expected)
        ("yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2024-05-02 09:12:00", "2024-05-02T09:12:00+08:00"),
        ("yyyy-MM-dd HH:mm:ss", "America/New_York", "2024-07-01 12:00:00", "2024-07-01T12:00:00-04:00"),  // EDT
        ("yyyy-MM-dd HH:mm:ss", "America/New_York", "2024-01-15 12:00:00", "2024-01-15T12:00:00-05:00"),  // EST
        ("yyyy-MM-dd HH:mm:ss", "Europe/London", "2024-01-15 08:00:00", "2024-01-15T08:00:00Z"),
        ("yyyy-MM-dd HH:mm:ss", "Europe/London", "2024-06-15 08:00:00", "2024-06-15T08:00:00+01:00"),
        ("yyyy-MM-dd HH:mm:ss", "Asia/Kolkata", "2024-06-15 08:00:00", "2024-06-15T08:00:00+05:30"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "UTC", "2024-05-02T14:31:00.250", "2024-05-02T14:31:00.250Z"),
        ("dd/MM/yyyy H:mm", "Asia/Shanghai", "02/05/2024 9:05", "2024-05-02T09:05:00+08:00"),
        ("yyyy年M月d日 HH:mm", "Asia/Shanghai", "2024年5月2日 21:30", "2024-05-02T21:30:00+08:00"),
        ("unix", "UTC", "1714612320", "2024-05-02T01:12:00Z"),
        ("unix", "Asia/Shanghai", "1714612320", "2024-05-02T09:12:00+08:00"),
        ("unix_ms", "UTC", "1714612320250", "2024-05-02T01:12:00.250Z"),
        // Already RFC 3339 with an offset: kept as it is, whatever the formats.
        ("yyyy-MM-dd HH:mm:ss", "Asia/Shanghai", "2024-05-02T09:12:00-07:00", "2024-05-02T09:12:00-07:00"),
        ("iso8601", "America/New_York", "2024-07-01T12:00:00", "2024-07-01T12:00:00-04:00"),
        ("iso8601", "America/New_York", "2024-12-01", "2024-12-01T00:00:00-05:00"),
    ]

    @Test(arguments: datetimes)
    func datetimesGetTheZonesOffsetAtThatInstant(format: String, zone: String, input: String, expected: String) throws {
        let transform: JSONValue = ["datetime": ["formats": [.string(format)], "time_zone": .string(zone)]]
        let output = try TransformFixture.text(transform, input)
        #expect(output == expected)
        #expect(Formats.isDateTime(expected))
    }

    @Test func utcIsTheDefaultZone() throws {
        #expect(
            try TransformFixture.text(["datetime": ["formats": ["yyyy-MM-dd HH:mm"]]], "2024-05-02 09:12")
                == "2024-05-02T09:12:00Z")
    }

    @Test func unixSecondsAsAJSONNumber() throws {
        let transform: JSONValue = ["datetime": ["formats": ["unix"]]]
        #expect(try TransformFixture.apply(transform, to: 1714612320).get() == "2024-05-02T01:12:00Z")
    }

    static let badDatetimes: [(String, String)] = [
        ("2023-02-29 10:00:00", "is not a real calendar date"),
        ("2024-05-02 24:00:00", "is not a real time of day"),
        ("2024-05-02 10:60:00", "is not a real time of day"),
        // 02:30 does not exist in New York on the day clocks spring forward.
        ("2024-03-10 02:30:00", "does not exist in America/New_York (the clocks skip it)"),
        ("02/05/2024 10:00", "matches none of the datetime formats yyyy-MM-dd HH:mm:ss"),
    ]

    @Test(arguments: badDatetimes)
    func impossibleDatetimesAreRefused(input: String, problem: String) throws {
        let transform: JSONValue = ["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "America/New_York"]]
        #expect(try TransformFixture.failure(transform, .string(input)) == problem)
    }

    @Test func repeatedHourWhenClocksGoBackTakesTheFirst() throws {
        let transform: JSONValue = ["datetime": ["formats": ["yyyy-MM-dd HH:mm"], "time_zone": "America/New_York"]]
        #expect(try TransformFixture.text(transform, "2024-11-03 01:30") == "2024-11-03T01:30:00-04:00")
    }

    // MARK: configuration

    static let badFormats: [(JSONValue, String)] = [
        (
            ["date": ["formats": ["YYYY-MM-dd"]]],
            "fields.x.transform[0].date.formats[0]: unknown token 'YYYY' in format 'YYYY-MM-dd'; did you mean 'yyyy'?"
        ),
        (
            ["date": ["formats": ["yyyy-mm-dd"]]],
            "fields.x.transform[0].date.formats[0]: format 'yyyy-mm-dd' has no month (MM or M); 'mm' is minutes, months are 'MM'"
        ),
        (
            ["date": ["formats": ["yyyy-MM-dd", "dd/MM/yyy"]]],
            "fields.x.transform[0].date.formats[1]: unknown token 'yyy' in format 'dd/MM/yyy'; did you mean 'yyyy'?"
        ),
        (
            ["date": ["formats": ["yyyy-MM-dd'T"]]],
            "fields.x.transform[0].date.formats[0]: unclosed quote in format 'yyyy-MM-dd'T'"
        ),
        (
            ["date": ["formats": ["unix"]]],
            "fields.x.transform[0].date.formats[0]: 'unix' is an instant, not a calendar date; use the datetime transform"
        ),
        (
            ["date": ["formats": []]],
            "fields.x.transform[0].date.formats: formats must be a non-empty list of formats, such as [\"yyyy-MM-dd\", \"dd/MM/yyyy\"]"
        ),
        (
            ["datetime": ["formats": ["yyyy-MM-dd hh:mm"]]],
            "fields.x.transform[0].datetime.formats[0]: unknown token 'hh' in format 'yyyy-MM-dd hh:mm'; did you mean 'HH'?"
        ),
        (
            ["datetime": ["time_zone": "Asia/Shangai"]],
            "fields.x.transform[0].datetime.time_zone: unknown time zone 'Asia/Shangai'; did you mean 'Asia/Shanghai'? (use an IANA name such as Asia/Shanghai)"
        ),
        (
            ["datetime": ["timezone": "UTC"]],
            "fields.x.transform[0].datetime.timezone: unknown option 'timezone'; did you mean 'time_zone'? (for 'datetime')"
        ),
    ]

    @Test(arguments: badFormats)
    func badFormatsAreConfigErrors(entry: JSONValue, message: String) {
        #expect(TransformFixture.compile(entry).failureLines == [message])
    }
}
