public import Foundation
import PortraitCore

/// When a connector syncs by itself: a connector's `schedule:` in `portrait.yml`.
///
/// Two forms are accepted:
/// - an interval: `30s`, `15m`, `1h`, `1d`, optionally written `every 15m`;
/// - cron, five fields (minute hour day-of-month month day-of-week) with `*`, lists (`1,15`), ranges (`1-5`),
///   steps (`*/15`, `0-30/10`), month and weekday names (`JAN`, `MON`), Sunday as 0 or 7, or a shorthand
///   (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`) in place of the five fields, and an optional IANA
///   time zone after them (`0 3 * * * Asia/Shanghai`; UTC when left out). As in classic cron, when both day
///   fields are restricted a day matching either of them fires.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    private enum Rule: Sendable, Hashable {
        case interval(Duration)
        case cron(CronRule)
    }

    private let rule: Rule
    /// The text the schedule was parsed from, for logs and messages.
    public let text: String

    /// Parses a `schedule:` value.
    ///
    /// - Parameters:
    ///   - text: The value as written in the config.
    ///   - field: Where the value came from (`connectors.crm.schedule`), named in errors.
    /// - Throws: `PortraitError.configuration` naming the field, what is wrong and a valid example.
    public init(parsing text: String, field: String = "schedule") throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        self.text = trimmed
        func fail(_ problem: String) -> PortraitError {
            PortraitError.configuration(
                "\(field) '\(trimmed)': \(problem). Write an interval ('15m', 'every 1h', '30s', '1d') or five cron "
                    + "fields (minute hour day-of-month month day-of-week) with an optional time zone, such as "
                    + "'0 3 * * *' (03:00 UTC daily) or '*/15 8-18 * * MON-FRI Europe/Berlin'."
            )
        }
        if trimmed.isEmpty { throw fail("the schedule is empty") }
        var words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if let alias = words.first, alias.hasPrefix("@") {
            guard let fields = Self.aliases[alias.lowercased()] else {
                throw fail("'\(alias)' is not a known shorthand (@hourly, @daily, @weekly, @monthly or @yearly)")
            }
            words = fields.split(separator: " ").map(String.init) + words.dropFirst()
        }
        if let interval = try Self.interval(words, fail: fail) {
            rule = .interval(interval)
        } else {
            rule = .cron(try CronRule(words, fail: fail))
        }
    }

    private static let aliases = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// The interval of an interval schedule; nil for cron.
    public var interval: Duration? {
        if case .interval(let interval) = rule { return interval }
        return nil
    }

    /// The time zone a cron schedule is read in (UTC unless the schedule names one); nil for an interval.
    public var timeZone: TimeZone? {
        if case .cron(let cron) = rule { return cron.timeZone }
        return nil
    }

    /// The first time after `date` the schedule fires.
    ///
    /// An interval fires `interval` after `date`. Cron is matched against the wall clock of its time zone: a time
    /// the clocks skip (02:30 on a spring-forward night) does not fire, and the next time that exists does; a time
    /// that happens twice when clocks go back fires once, at its first occurrence, unless the hour field is `*`.
    public func next(after date: Date) -> Date {
        switch rule {
        case .interval(let interval):
            return date.addingTimeInterval(interval.seconds)
        case .cron(let cron):
            return cron.next(after: date)
        }
    }

    public var description: String { text }

    /// `30s`, `15m`, `1h`, `1d`, `every 15m`; nil when the words are not an interval at all (so cron is tried).
    private static func interval(_ words: [String], fail: (String) -> PortraitError) throws -> Duration? {
        var words = words
        let hasEvery = words.first?.lowercased() == "every"
        if hasEvery { words.removeFirst() }
        // `every 15 m` as well as `every 15m`.
        let joined = words.joined()
        guard words.count <= 2, let unit = joined.last, unit.isLetter,
            joined.dropLast().allSatisfy(\.isNumber)
        else {
            if hasEvery { throw fail("'every' needs an interval such as '15m' after it") }
            return nil
        }
        let digits = joined.dropLast()
        guard !digits.isEmpty else {
            if hasEvery || words.count == 1 { throw fail("the interval needs a number before its unit, such as '15m'") }
            return nil
        }
        let seconds: Int
        switch unit.lowercased() {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        default: throw fail("'\(unit)' is not an interval unit (s, m, h or d)")
        }
        guard let count = Int(digits), count <= 366 * 86_400 / seconds else {
            throw fail("the interval is longer than a year")
        }
        guard count > 0 else { throw fail("the interval must be longer than zero") }
        return .seconds(count * seconds)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Five cron fields as sets of allowed values, with the time zone they are read in.
private struct CronRule: Sendable, Hashable {
    let minutes: [Int]
    let hours: [Int]
    let days: Set<Int>
    let months: Set<Int>
    let weekdays: Set<Int>
    /// Whether each day field was restricted; classic cron: a field starting with `*` is not.
    let daysRestricted: Bool
    let weekdaysRestricted: Bool
    let hoursAreAll: Bool
    let timeZone: TimeZone

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    init(_ words: [String], fail: (String) -> PortraitError) throws {
        guard words.count == 5 || words.count == 6 else {
            throw fail("cron needs five fields (minute hour day-of-month month day-of-week), found \(words.count)")
        }
        if words.count == 6 {
            guard let zone = TimeZone(identifier: words[5]) else {
                throw fail("'\(words[5])' is not a known IANA time zone (such as UTC or Europe/Berlin)")
            }
            timeZone = zone
        } else {
            timeZone = TimeZone(identifier: "UTC")!
        }
        minutes = try Self.field(words[0], "minute", 0...59, names: [], fail: fail).sorted()
        let hourSet = try Self.field(words[1], "hour", 0...23, names: [], fail: fail)
        hours = hourSet.sorted()
        hoursAreAll = hourSet.count == 24
        days = try Self.field(words[2], "day-of-month", 1...31, names: [], fail: fail)
        months = try Self.field(words[3], "month", 1...12, names: Self.monthNames, fail: fail)
        // 7 is Sunday too; ranges may end at it (`5-7`).
        weekdays = Set(
            try Self.field(words[4], "day-of-week", 0...7, names: Self.weekdayNames, fail: fail).map { $0 % 7 })
        daysRestricted = !words[2].hasPrefix("*")
        weekdaysRestricted = !words[4].hasPrefix("*")
        if daysRestricted && !weekdaysRestricted {
            let longest = months.map { [2: 29, 4: 30, 6: 30, 9: 30, 11: 30][$0] ?? 31 }.max() ?? 31
            if let first = days.min(), first > longest {
                throw fail("day-of-month \(first) never comes in month \(words[3])")
            }
        }
    }

    /// One field: a comma list of `*`, `n`, `a-b`, each optionally `/step`.
    private static func field(
        _ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String], fail: (String) -> PortraitError
    ) throws -> Set<Int> {
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail("the \(name) field '\(text)' has an empty list item") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail("the \(name) field '\(item)' has more than one '/'") }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value > 0 else {
                    throw fail("the step in the \(name) field '\(item)' must be a whole number above zero")
                }
                step = value
            }
            let base = parts[0]
            let lower: Int
            let upper: Int
            if base == "*" {
                lower = range.lowerBound
                upper = name == "day-of-week" ? 6 : range.upperBound
            } else {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { throw fail("the \(name) field '\(item)' is not a range like 1-5") }
                lower = try value(bounds[0], name, range, names: names, fail: fail)
                if bounds.count == 2 {
                    upper = try value(bounds[1], name, range, names: names, fail: fail)
                    guard lower <= upper else {
                        throw fail("the \(name) range \(base) goes backwards; write it as \(bounds[1])-\(bounds[0])")
                    }
                } else {
                    // `5/15` means from 5 to the end, in steps of 15.
                    upper = parts.count == 2 ? range.upperBound : lower
                }
            }
            values.formUnion(stride(from: lower, through: upper, by: step))
        }
        return values
    }

    private static func value(
        _ text: Substring, _ name: String, _ range: ClosedRange<Int>, names: [String], fail: (String) -> PortraitError
    ) throws -> Int {
        if let number = Int(text) {
            guard range.contains(number) else {
                throw fail("\(name) \(number) is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return number
        }
        if let index = names.firstIndex(of: text.uppercased()) {
            return name == "month" ? index + 1 : index
        }
        if text.isEmpty { throw fail("the \(name) field has an empty value") }
        let expected = names.isEmpty ? "a number" : "a number or a name such as \(names[0])"
        throw fail("'\(text)' is not a valid \(name) (\(expected))")
    }

    /// UTC Gregorian arithmetic on wall-clock times: no daylight saving gets in the way of counting days.
    private static let wallCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private func dayMatches(_ components: DateComponents) -> Bool {
        guard let day = components.day, let month = components.month, let weekday = components.weekday,
            months.contains(month)
        else { return false }
        let dayOK = days.contains(day)
        let weekdayOK = weekdays.contains(weekday - 1)
        switch (daysRestricted, weekdaysRestricted) {
        case (true, true): return dayOK || weekdayOK
        case (true, false): return dayOK
        case (false, true): return weekdayOK
        case (false, false): return true
        }
    }

    func next(after date: Date) -> Date {
        let calendar = Self.wallCalendar
        let after = date.timeIntervalSince1970
        // The search runs on wall-clock seconds (local time read as if it were UTC); offsets change by a few
        // hours at most, so wall times more than `slack` away from the answer need no look-up.
        let afterWall = after + Double(timeZone.secondsFromGMT(for: date))
        let slack = 4.0 * 3_600
        let dayLength = 86_400.0
        var dayStart = (afterWall / dayLength).rounded(.down) * dayLength - dayLength
        // Every day that can match comes within 8 years (29 FEB); parsing refused days that never come.
        let limit = dayStart + 8 * 366 * dayLength
        var best: (instant: Double, wall: Double)?
        while dayStart < limit {
            defer { dayStart += dayLength }
            if let best, dayStart > best.wall + slack { break }
            let components = calendar.dateComponents(
                [.day, .month, .weekday], from: Date(timeIntervalSince1970: dayStart))
            guard dayMatches(components) else { continue }
            if let best, offsetIsSteady(around: best.instant, within: slack) { break }
            search: for hour in hours {
                for minute in minutes {
                    let wall = dayStart + Double(hour * 3_600 + minute * 60)
                    if wall < afterWall - slack { continue }
                    if let best, wall > best.wall + slack { break search }
                    if let instant = instants(ofWall: wall).first(where: { $0 > after }),
                        best.map({ instant < $0.instant }) ?? true
                    {
                        best = (instant, wall)
                        // Without a clock change nearby, later wall times are later instants: this is the answer.
                        if offsetIsSteady(around: instant, within: slack) { break search }
                    }
                }
            }
        }
        return best.map { Date(timeIntervalSince1970: $0.instant) } ?? .distantFuture
    }

    private func offsetIsSteady(around instant: Double, within slack: Double) -> Bool {
        let before = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant - slack))
        let after = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant + slack))
        return before == after
            && timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)) == before
    }

    /// The moments a wall-clock time happens in the time zone: none in a gap, two when the clocks go back (only
    /// the first counts unless every hour matches), one otherwise.
    private func instants(ofWall wall: Double) -> [Double] {
        var offsets: [Int] = []
        for probe in [wall - 86_400, wall, wall + 86_400] {
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: probe))
            if !offsets.contains(offset) { offsets.append(offset) }
        }
        let valid = offsets.map { wall - Double($0) }
            .filter { timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: $0)) == Int(wall - $0) }
            .sorted()
        return hoursAreAll ? valid : Array(valid.prefix(1))
    }
}
