import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitProfiles
import PortraitService

extension Portrait {
    struct Segments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Segments: list them, show one, list its members, preview an expression before saving it.",
            discussion: """
                Segments are defined in portrait.yml (profiles.segments: [{ name, where, description }]) and kept
                current with the profiles. Expressions: recency_days <= 30 and total_spend >= 1000 and
                'sports' in top_interests (docs/PROFILES.md lists the fields).
                """,
            subcommands: [List.self, Show.self, Members.self, Preview.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every segment with its member count.")

            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let workspace = try options.openWorkspace()
                let stored = try await ProfileUpdates.store(of: workspace).segmentDefinitions()
                let counts = Dictionary(stored.map { ($0.name, $0.members) }, uniquingKeysWith: { a, _ in a })
                if workspace.config.profiles.segments.isEmpty { return print("No segments are defined in portrait.yml.") }
                for segment in workspace.config.profiles.segments {
                    let members = counts[segment.name].map { "\($0) member(s)" } ?? "not evaluated yet (run `portrait profiles update`)"
                    print("\(segment.name)  \(members)  \(segment.condition.description)")
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A segment's definition and member count.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The segment's name.")
            var name: String

            func run() async throws {
                let workspace = try options.openWorkspace()
                let segment = try SegmentsRun.segment(name, in: workspace)
                let stored = try await ProfileUpdates.store(of: workspace).segmentDefinitions().first { $0.name == name }
                print("segment \(segment.name)")
                if let description = segment.description { print("  \(description)") }
                print("  where \(segment.condition.description)")
                if let stored {
                    print("  \(stored.members) member(s); definition saved \(Timestamps.text(stored.definedAt.timeIntervalSince1970))")
                } else {
                    print("  not evaluated yet (run `portrait profiles update`)")
                }
            }
        }

        struct Members: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A segment's current members, with when they entered.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The segment's name.")
            var name: String

            @Option(help: "At most this many members.")
            var limit = 100

            func run() async throws {
                let workspace = try options.openWorkspace()
                _ = try SegmentsRun.segment(name, in: workspace)
                let members = try await ProfileUpdates.store(of: workspace).members(segment: name, after: nil, limit: limit)
                for member in members {
                    print("\(member.profile)  entered \(Timestamps.text(member.entered.timeIntervalSince1970))")
                }
            }
        }

        struct Preview: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "How many profiles an expression selects now, with a sample, without saving anything.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The expression, in quotes: \"recency_days <= 30 and 'sports' in top_interests\".")
            var expression: String

            @Option(help: "How many profile ids to show.")
            var sample = 10

            func run() async throws {
                let workspace = try options.openWorkspace()
                let engine = try ProfileUpdates.engine(for: workspace)
                let parsed: SegmentExpression
                do {
                    parsed = try SegmentExpression.parse(expression, fields: engine.layout.catalog)
                } catch {
                    throw PortraitError.usage("the expression is not valid: \(error.description)")
                }
                let start = ContinuousClock.now
                let (count, ids) = try await engine.preview(parsed, sample: sample)
                let elapsed = ContinuousClock.now - start
                print("\(count) profile(s) match \(parsed.description) (\(elapsed.formatted(.units(allowed: [.milliseconds]))))")
                for id in ids { print("  \(id)") }
            }
        }
    }
}

enum SegmentsRun {
    static func segment(_ name: String, in workspace: Workspace) throws -> ProfileSettings.Segment {
        let segments = workspace.config.profiles.segments
        guard let segment = segments.first(where: { $0.name == name }) else {
            var message = "no segment '\(name)' in \(workspace.config.file.path)"
            if let suggestion = Suggestions.closest(to: name, among: segments.map(\.name)) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += " (segments: \(segments.map(\.name).joined(separator: ", ")))"
            }
            throw PortraitError.notFound(message)
        }
        return segment
    }
}
