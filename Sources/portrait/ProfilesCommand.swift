import ArgumentParser
import Foundation
import Logging
import PortraitConfig
import PortraitCore
import PortraitProfiles
import PortraitService

extension Portrait {
    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unified customer profiles: rebuild, update, show, search.",
            discussion: """
                `portrait sync` and the service update the profiles that changed after each sync; `rebuild` computes
                every profile (also the daily refresh of time-window traits such as purchases in the last 30 days).
                """,
            subcommands: [Rebuild.self, Update.self, Show.self, Search.self])

        struct Rebuild: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Compute every profile from its records, refresh the RFM quintiles and every segment.",
                aliases: ["refresh"])

            @OptionGroup var options: GlobalOptions

            @Flag(help: "Print the report as JSON.")
            var json = false

            func run() async throws {
                try await ProfilesRun.run(options: options, rebuild: true, json: json)
            }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Compute the profiles whose records changed since they were last computed.")

            @OptionGroup var options: GlobalOptions

            @Flag(help: "Print the report as JSON.")
            var json = false

            func run() async throws {
                try await ProfilesRun.run(options: options, rebuild: false, json: json)
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "A profile: golden record with provenance, traits, segments, records; now or as it was.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The profile id (an id merged into another shows that one).")
            var profile: String

            @Option(help: "Show the profile as it was at this time: 2026-10-01 (the end of that day, UTC) or RFC 3339.")
            var asOf: String?

            @Flag(help: "Print the profile as JSON.")
            var json = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                let date = try asOf.map { try ProfilesRun.date($0, option: "--as-of", endOfDay: true) }
                guard let view = try await ProfileView.load(id: profile, asOf: date, workspace: workspace) else {
                    let when = date.map { " at \(Timestamps.text($0.timeIntervalSince1970))" } ?? ""
                    throw PortraitError.notFound(
                        "no profile \(profile)\(when). `portrait profiles search` finds profiles by email, phone or name.")
                }
                if json { return print(view.json.canonicalText) }
                print(view.text)
            }
        }

        struct Search: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Find profiles by email, phone, any identifier, or name (or the start of a name).")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "An email, a phone (+8613812345678), an identifier or a name.")
            var query: String

            @Option(help: "At most this many profiles.")
            var limit = 20

            func run() async throws {
                let workspace = try options.openWorkspace()
                let reader = try ProfileUpdates.store(of: workspace)
                let found = try await reader.searchProfiles(query, limit: limit)
                if found.isEmpty { return print("No profile matches '\(query)'.") }
                for id in found {
                    guard let stored = try await reader.storedProfile(id: id),
                        let document = try? JSONValue(parsing: stored.document)
                    else { continue }
                    let fields = document["fields"]
                    let parts = ["name", "email", "phone", "city", "tier", "lifecycle"].compactMap { fields?[$0]?.stringValue }
                    print("\(id)  " + parts.joined(separator: "  "))
                }
            }
        }
    }

    struct Changes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The change feed as JSON Lines: profile.created|updated|merged|split|deleted, segment.entered|exited.",
            discussion: "Each line has an id; `--after ID` continues from the last line a consumer saw.")

        @OptionGroup var options: GlobalOptions

        @Option(help: "Changes at or after this time: 2026-10-01 (the start of that day, UTC) or RFC 3339.")
        var since: String?

        @Option(help: "Changes after the change with this id.")
        var after: Int64?

        @Option(help: "Only this profile's changes.")
        var profile: String?

        @Option(help: "At most this many changes.")
        var limit = 10_000

        func run() async throws {
            let workspace = try options.openWorkspace()
            let reader = try ProfileUpdates.store(of: workspace)
            let date = try since.map { try ProfilesRun.date($0, option: "--since", endOfDay: false) }
            var afterID = after
            var left = limit
            while left > 0 {
                let page = try await reader.changes(afterID: afterID, since: date, profile: profile, limit: min(left, 5_000))
                for change in page { print(change.json.canonicalText) }
                guard let last = page.last, page.count == min(left, 5_000) else { return }
                afterID = last.id
                left -= page.count
            }
        }
    }
}

/// What `profiles rebuild` and `profiles update` share.
enum ProfilesRun {
    static func run(options: GlobalOptions, rebuild: Bool, json: Bool) async throws {
        let workspace = try options.openWorkspace()
        let logger = options.logger(redactor: workspace.config.redactor)
        guard let report = try await ProfileUpdates.run(
            workspace: workspace, rebuild: rebuild, logger: logger, progress: { Terminal.progress("profiles: \($0)") })
        else {
            Terminal.clearProgress()
            print("profiles: another portrait process is updating profiles now; try again when it is done")
            throw ExitCode(1)
        }
        Terminal.clearProgress()
        if json { return try Terminal.printJSON(ProfileReportJSON(report)) }
        print(report.summary)
        if !report.stages.isEmpty { print("  " + report.stagesLine) }
    }

    /// Brings the profiles up to date after an identity command changed placements, and prints the summary.
    static func afterIdentity(_ workspace: Workspace, logger: Logger, quiet: Bool = false) async throws {
        let report = try await ProfileUpdates.run(workspace: workspace, logger: logger) { Terminal.progress("profiles: \($0)") }
        Terminal.clearProgress()
        if !quiet, let report { print(report.summary) }
    }

    /// `2026-10-01` (the start, or with `endOfDay` the end, of that day in UTC) or an RFC 3339 time.
    static func date(_ text: String, option: String, endOfDay: Bool) throws -> Date {
        guard let seconds = Timestamps.seconds(text) else {
            throw PortraitError.usage(
                "\(option) \(text): expected a date such as 2026-10-01 or a time such as 2026-10-01T12:00:00Z")
        }
        let isDay = text.count == 10
        return Date(timeIntervalSince1970: isDay && endOfDay ? seconds + 86_399.999 : seconds)
    }
}

/// The profile report as JSON.
struct ProfileReportJSON: Encodable {
    var mode: String
    var computed, created, updated, refreshed, unchanged, split, merged, deleted, entered, exited: Int
    var records, orders, unreadableRecords: Int
    var stages: [String: Double]

    init(_ report: ProfileReport) {
        mode = report.mode.rawValue
        computed = report.computed
        created = report.created
        updated = report.updated
        refreshed = report.refreshed
        unchanged = report.unchanged
        split = report.split
        merged = report.merged
        deleted = report.deleted
        entered = report.entered
        exited = report.exited
        records = report.records
        orders = report.orders
        unreadableRecords = report.unreadableRecords
        stages = Dictionary(report.stages.map { ($0.0, $0.1) }, uniquingKeysWith: +)
    }
}
