import Foundation
import PortraitConfig
import PortraitCore
import PortraitService
import Testing

struct ScheduleTests {
    /// `2026-01-02T03:00:00Z` style times.
    static func date(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    static func next(_ schedule: String, after: String) throws -> Date {
        try Schedule(parsing: schedule).next(after: date(after))
    }

    @Test(arguments: [
        ("30s", 30), ("15m", 900), ("1h", 3_600), ("1d", 86_400), ("every 15m", 900), ("every 2 h", 7_200),
        ("EVERY 10M", 600),
    ])
    func intervals(text: String, seconds: Int) throws {
        let schedule = try Schedule(parsing: text)
        #expect(schedule.interval == .seconds(seconds))
        let start = Self.date("2026-01-01T00:00:07Z")
        #expect(schedule.next(after: start) == start.addingTimeInterval(TimeInterval(seconds)))
    }

    @Test(arguments: [
        // Every 15 minutes, from a time between firings and from a firing.
        ("*/15 * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:15:00Z"),
        ("*/15 * * * *", "2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z"),
        ("*/15 * * * *", "2026-01-01T23:59:00Z", "2026-01-02T00:00:00Z"),
        // Weekdays at 03:00: Friday 2 Jan 2026 fired, next is Monday.
        ("0 3 * * 1-5", "2026-01-02T03:00:00Z", "2026-01-05T03:00:00Z"),
        ("0 3 * * MON-FRI", "2026-01-02T02:59:00Z", "2026-01-02T03:00:00Z"),
        // Names and Sunday as 0 or 7.
        ("0 0 1 JAN,jul *", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z"),
        ("0 12 * * SUN", "2026-01-01T00:00:00Z", "2026-01-04T12:00:00Z"),
        ("0 12 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T12:00:00Z"),
        ("0 12 * * 0", "2026-01-01T00:00:00Z", "2026-01-04T12:00:00Z"),
        ("0 12 * * 5-7", "2026-01-03T12:00:00Z", "2026-01-04T12:00:00Z"),
        // Both day fields restricted: either matches (Friday the 2nd, Friday the 9th, Tuesday the 13th).
        ("0 0 13 * FRI", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        ("0 0 13 * FRI", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z"),
        // Only the day of month restricted (a step with `*` does not restrict: classic cron).
        ("0 0 13 * *", "2026-01-01T00:00:00Z", "2026-01-13T00:00:00Z"),
        ("0 0 */10 * MON", "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z"),
        // Steps over ranges and from a start.
        ("0-30/10 * * * *", "2026-01-01T10:30:00Z", "2026-01-01T11:00:00Z"),
        ("0-30/10 * * * *", "2026-01-01T10:11:00Z", "2026-01-01T10:20:00Z"),
        ("5/20 * * * *", "2026-01-01T10:26:00Z", "2026-01-01T10:45:00Z"),
        ("0 9-17/4 * * *", "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z"),
        ("0 9-17/4 * * *", "2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z"),
        // A day that comes every four years.
        ("0 0 29 FEB *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        // Time zones: 03:00 in Shanghai is 19:00 UTC the day before.
        ("0 3 * * * Asia/Shanghai", "2026-01-01T00:00:00Z", "2026-01-01T19:00:00Z"),
        ("0 3 * * * UTC", "2026-01-01T00:00:00Z", "2026-01-01T03:00:00Z"),
        // Every minute, and shorthands.
        ("* * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:08:00Z"),
        ("@hourly", "2026-01-01T10:07:30Z", "2026-01-01T11:00:00Z"),
        ("@daily Asia/Shanghai", "2026-01-01T00:00:00Z", "2026-01-01T16:00:00Z"),
        ("@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),
        ("@monthly", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
    ])
    func cron(schedule: String, after: String, expected: String) throws {
        #expect(try Self.next(schedule, after: after) == Self.date(expected))
    }

    @Test func aTimeTheClocksSkipIsSkippedToTheNextThatExists() throws {
        // New York springs forward on 8 March 2026: 02:00 EST becomes 03:00 EDT, so 02:30 does not exist that day.
        let daily = try Schedule(parsing: "30 2 * * * America/New_York")
        #expect(daily.next(after: Self.date("2026-03-07T08:00:00Z")) == Self.date("2026-03-09T06:30:00Z"))
        // Hourly: 01:00 EST (06:00Z), then 03:00 EDT (07:00Z).
        let hourly = try Schedule(parsing: "0 * * * * America/New_York")
        #expect(hourly.next(after: Self.date("2026-03-08T06:00:00Z")) == Self.date("2026-03-08T07:00:00Z"))
        // 09:00 local is 14:00Z before the change and 13:00Z after it.
        let morning = try Schedule(parsing: "0 9 * * * America/New_York")
        #expect(morning.next(after: Self.date("2026-03-07T15:00:00Z")) == Self.date("2026-03-08T13:00:00Z"))
    }

    @Test func aTimeThatHappensTwiceFiresOnceUnlessEveryHourMatches() throws {
        // New York falls back on 1 November 2026: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
        let daily = try Schedule(parsing: "30 1 * * * America/New_York")
        let first = daily.next(after: Self.date("2026-11-01T04:00:00Z"))
        #expect(first == Self.date("2026-11-01T05:30:00Z"))
        #expect(daily.next(after: first) == Self.date("2026-11-02T06:30:00Z"))
        let halfHourly = try Schedule(parsing: "*/30 * * * * America/New_York")
        #expect(halfHourly.next(after: first) == Self.date("2026-11-01T06:00:00Z"))
        #expect(halfHourly.next(after: Self.date("2026-11-01T06:00:00Z")) == Self.date("2026-11-01T06:30:00Z"))
    }

    @Test(arguments: [
        ("0 25 * * *", "hour 25 is out of range 0-23"),
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("0 0 32 * *", "day-of-month 32 is out of range 1-31"),
        ("* * * 13 *", "month 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week 8 is out of range 0-7"),
        ("* * * * FUN", "'FUN' is not a valid day-of-week"),
        ("0 3 * * * Mars/Olympus", "'Mars/Olympus' is not a known IANA time zone"),
        ("0 3 * *", "cron needs five fields"),
        ("5-1 * * * *", "the minute range 5-1 goes backwards"),
        ("*/0 * * * *", "must be a whole number above zero"),
        ("0 0 31 FEB *", "day-of-month 31 never comes in month FEB"),
        ("1,,2 * * * *", "empty list item"),
        ("15x", "'x' is not an interval unit"),
        ("every", "'every' needs an interval"),
        ("0s", "the interval must be longer than zero"),
        ("@often", "'@often' is not a known shorthand"),
        ("", "the schedule is empty"),
    ])
    func errorsNameTheFieldTheProblemAndAnExample(text: String, problem: String) throws {
        let error = #expect(throws: PortraitError.self) {
            try Schedule(parsing: text, field: "connectors.crm.schedule")
        }
        #expect(error?.kind == .configuration)
        let message = error?.message ?? ""
        #expect(message.hasPrefix("connectors.crm.schedule '\(text)': "), "\(message)")
        #expect(message.contains(problem), "\(message)")
        #expect(message.contains("'0 3 * * *'"), "\(message)")
    }

    @Test func theDefaultFieldNameIsSchedule() {
        let error = #expect(throws: PortraitError.self) { try Schedule(parsing: "0 25 * * *") }
        #expect(error?.message.hasPrefix("schedule '0 25 * * *': hour 25 is out of range 0-23") == true)
    }
}

struct ConnectorScheduleTests {
    static func connector(schedule: String?) throws -> ConnectorConfig {
        ConnectorConfig(
            name: "crm", kind: "rest", enabled: true, schedule: schedule, options: .object([:]),
            writtenOptions: .object([:]), mapping: try ConnectorMapping(json: .object([:]), path: .root),
            declaredAt: "portrait.yml:14")
    }

    @Test func aConnectorsScheduleIsParsedAndItsErrorsNameTheConnector() throws {
        #expect(try Self.connector(schedule: nil).parsedSchedule() == nil)
        #expect(try Self.connector(schedule: "15m").parsedSchedule()?.interval == .seconds(900))
        let error = #expect(throws: PortraitError.self) { try Self.connector(schedule: "0 25 * * *").parsedSchedule() }
        #expect(
            error?.message.hasPrefix(
                "portrait.yml:14: connector 'crm' schedule '0 25 * * *': hour 25 is out of range 0-23.") == true)
    }
}
