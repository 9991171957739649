import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService
import PortraitStore

extension Portrait {
    struct Quarantine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Records that failed mapping or validation: list them, see why, replay them after a fix.",
            subcommands: [List.self, Show.self, Replay.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List quarantined records, oldest first.")

            @OptionGroup var options: GlobalOptions

            @Option(help: "Only this connector's entries.")
            var connector: String?

            @Option(help: "At most this many entries.")
            var limit = 100

            @Flag(help: "Print the entries as JSON.")
            var json = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                let entries = try await workspace.store.quarantineEntries(connector: connector, limit: limit)
                if json { return try Terminal.printJSON(entries) }
                if entries.isEmpty { return print("Quarantine is empty.") }
                for entry in entries {
                    print("#\(entry.id)  \(entry.connector)  \(entry.location)  (\(entry.attempts) attempt\(entry.attempts == 1 ? "" : "s"))")
                    for reason in entry.reasons { print("    - \(reason)") }
                }
                print("\n`portrait quarantine show ID` shows the raw payload; fix portrait.yml, then `portrait quarantine replay`.")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one entry: location, every reason, raw payload.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "Entry id from `portrait quarantine list`.")
            var id: Int64

            @Flag(help: "Print the entry as JSON.")
            var json = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                guard let entry = try await workspace.store.quarantineEntry(id: id) else {
                    throw PortraitError.notFound("no quarantine entry \(id); `portrait quarantine list` shows the ids")
                }
                if json { return try Terminal.printJSON(entry) }
                print("#\(entry.id)  connector \(entry.connector)  stream \(entry.stream)  source id \(entry.sourceID ?? "-")")
                print("location: \(entry.location)")
                print("first seen \(entry.firstSeenAt.formatted(.iso8601)), last seen \(entry.lastSeenAt.formatted(.iso8601)), \(entry.attempts) attempt(s)")
                print("reasons:")
                for reason in entry.reasons { print("  - \(reason)") }
                if let line = entry.sourceText, entry.raw != .string(line) {
                    print("line as in the source:")
                    print("  \(line)")
                }
                print("raw:")
                if case .string(let text) = entry.raw { print("  \(text)") } else { print("  \(entry.raw.canonicalText)") }
            }
        }

        struct Replay: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Map quarantined records again with the current portrait.yml; those that now pass are stored.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "Entry ids (default: every entry, or the --connector's).")
            var ids: [Int64] = []

            @Option(help: "Only this connector's entries.")
            var connector: String?

            @Flag(help: "Print the outcome as JSON.")
            var json = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                let outcome = try await QuarantineReplayer(store: workspace.store)
                    .replay(ids: ids, connector: connector, config: workspace.config)
                if json { return try Terminal.printJSON(outcome) }
                print("replayed \(outcome.replayed) · stored \(outcome.stored) · still failing \(outcome.stillFailing) · not replayable \(outcome.notReplayable)")
                for message in outcome.messages { print("  \(message)") }
            }
        }
    }
}
