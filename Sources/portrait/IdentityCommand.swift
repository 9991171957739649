import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitIdentity
import PortraitService

extension Portrait {
    struct Identity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Identity resolution: resolve, train the model, explain and correct profiles, measure quality.",
            discussion: "`portrait sync` resolves what it imported; these commands are for everything else.",
            subcommands: [Resolve.self, Train.self, Explain.self, Unmerge.self, Merge.self, History.self, Evaluate.self])

        struct Resolve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Resolve records written since the last resolve (or all of them with --from-scratch).")

            @OptionGroup var options: GlobalOptions

            @Flag(help: "Resolve every record again (profile ids of records that stay together are kept).")
            var fromScratch = false

            @Flag(help: "Print the report as JSON.")
            var json = false

            @Flag(help: "Leave the profiles as they are (`portrait profiles update` brings them up to date later).")
            var noProfiles = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                let logger = options.logger(redactor: workspace.config.redactor)
                guard let report = try await IdentityResolution.run(
                    workspace: workspace, fromScratch: fromScratch, logger: logger,
                    progress: { Terminal.progress("identity: \($0)") })
                else {
                    Terminal.clearProgress()
                    print("identity: another portrait process is resolving now; it will pick these records up")
                    throw ExitCode(1)
                }
                Terminal.clearProgress()
                if json {
                    try Terminal.printJSON(IdentityReportJSON(report, rules: workspace.config.identity.blocking))
                } else {
                    print(report.summaryLine)
                    if !report.stages.isEmpty { print("  " + report.stagesLine) }
                    for (rule, count) in zip(workspace.config.identity.blocking, report.candidatePairsPerRule) {
                        print("  blocking \(rule): \(count) pair(s)")
                    }
                }
                if !noProfiles { try await ProfilesRun.afterIdentity(workspace, logger: logger, quiet: json) }
            }
        }

        struct Train: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Estimate the model again from the stored records (u from random pairs, m by EM), then resolve from scratch.")

            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let workspace = try options.openWorkspace()
                let resolver = try IdentityResolution.resolver(for: workspace) { Terminal.progress("identity: \($0)") }
                let model = try await resolver.train()
                Terminal.clearProgress()
                print("model trained on \(model.trainedPairs) candidate pair(s); prior match chance \(model.prior)")
                for (index, spec) in model.comparisons.enumerated() {
                    let levels = spec.levelNames.enumerated().map { level, name in
                        "\(name) m=\(String(format: "%.3f", model.m[index][level])) u=\(String(format: "%.4f", model.u[index][level]))"
                    }
                    print("  \(spec.field): " + levels.joined(separator: "; "))
                }
                let logger = options.logger(redactor: workspace.config.redactor)
                if let report = try await IdentityResolution.run(workspace: workspace, fromScratch: true, logger: logger) {
                    print(report.summaryLine)
                }
                try await ProfilesRun.afterIdentity(workspace, logger: logger)
            }
        }

        struct Explain: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show why a profile's records are together.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "A profile id (or a merged id, which leads to the profile it joined).")
            var profile: String

            func run() async throws {
                let workspace = try options.openWorkspace()
                guard let explanation = try await ProfileExplanation.load(
                    profile: profile, settings: workspace.config.identity, store: IdentityResolution.store(of: workspace))
                else {
                    throw PortraitError.notFound("no profile \(profile); `portrait export profiles` lists them")
                }
                print(explanation.text)
            }
        }

        struct Unmerge: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Split a record off a profile and keep it apart from the profile's other records from now on.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The profile id.")
            var profile: String

            @Argument(help: "The record, as connector/stream/source_id (as `portrait identity explain` prints it).")
            var record: String

            func run() async throws {
                let workspace = try options.openWorkspace()
                let resolver = try IdentityResolution.resolver(for: workspace)
                let (now, rest, _) = try await resolver.unmerge(profile: profile, record: record)
                print(
                    "record \(record) is now in profile \(now ?? "-"); the rest of \(profile) is in \(rest ?? "-"); "
                        + "they are pinned apart")
                try await ProfilesRun.afterIdentity(workspace, logger: options.logger(redactor: workspace.config.redactor))
            }
        }

        struct Merge: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Merge two profiles and keep them together from now on.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The first profile id.")
            var first: String

            @Argument(help: "The second profile id.")
            var second: String

            func run() async throws {
                let workspace = try options.openWorkspace()
                let resolver = try IdentityResolution.resolver(for: workspace)
                let (now, _) = try await resolver.merge(first, second)
                print("profiles \(first) and \(second) are now profile \(now ?? "-")")
                try await ProfilesRun.afterIdentity(workspace, logger: options.logger(redactor: workspace.config.redactor))
            }
        }

        struct History: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Merges, splits, refusals and corrections, newest first.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "Only this profile's history.")
            var profile: String?

            @Option(help: "At most this many entries.")
            var limit = 100

            func run() async throws {
                let workspace = try options.openWorkspace()
                let events = try await IdentityResolution.store(of: workspace).history(profile: profile, limit: limit)
                if events.isEmpty { return print("No merges, splits or corrections recorded\(profile.map { " for \($0)" } ?? "").") }
                for event in events {
                    print("\(event.at.formatted(.iso8601))  \(event.action.rawValue)  \(event.detail)")
                }
            }
        }

        struct Evaluate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Compare the profiles with known truth: pairwise precision, recall and F1, and cluster counts.")

            @OptionGroup var options: GlobalOptions

            @Option(help: "CSV with the header connector,stream,source_id,entity_id.")
            var truth: String

            @Flag(help: "Print the figures as JSON.")
            var json = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                let result = try await IdentityResolution.evaluate(workspace: workspace, truth: Terminal.fileURL(truth))
                if json { return try Terminal.printJSON(EvaluationJSON(result)) }
                print(String(format: "precision %.4f  recall %.4f  F1 %.4f", result.precision, result.recall, result.f1))
                print("pairs: \(result.truePositivePairs) true positive, \(result.falsePositivePairs) false positive, \(result.falseNegativePairs) false negative")
                print("clusters: \(result.predictedClusters) predicted, \(result.trueClusters) true; records: \(result.recordsInBoth) compared, \(result.recordsOnlyInTruth) only in the truth, \(result.recordsOnlyPredicted) not in the truth")
            }
        }
    }
}

/// The resolve report as JSON.
struct IdentityReportJSON: Encodable {
    var observations, removed, candidatePairs, modelLinks, deterministicJoins, refusedMerges: Int
    var profilesCreated, profilesMerged, profilesSplit, skippedKeys: Int
    var candidatePairsPerRule: [String: Int]
    var trainedModel: Bool
    var seconds: Double
    var stages: [String: Double]

    init(_ report: ResolveReport, rules: [BlockingRule]) {
        observations = report.observations
        removed = report.removedObservations
        candidatePairs = report.candidatePairs
        modelLinks = report.modelLinks
        deterministicJoins = report.deterministicJoins
        refusedMerges = report.refusedMerges
        profilesCreated = report.profilesCreated
        profilesMerged = report.profilesMerged
        profilesSplit = report.profilesSplit
        skippedKeys = report.skippedKeys
        candidatePairsPerRule = Dictionary(
            zip(rules.map(\.description), report.candidatePairsPerRule).map { ($0, $1) }, uniquingKeysWith: +)
        trainedModel = report.trainedModel
        seconds = report.seconds
        stages = Dictionary(report.stages.map { ($0.stage, $0.seconds) }, uniquingKeysWith: +)
    }
}

struct EvaluationJSON: Encodable {
    var precision, recall, f1: Double
    var truePositivePairs, falsePositivePairs, falseNegativePairs: Int
    var predictedClusters, trueClusters, recordsInBoth, recordsOnlyInTruth, recordsOnlyPredicted: Int

    init(_ result: PairwiseEvaluation) {
        precision = result.precision
        recall = result.recall
        f1 = result.f1
        truePositivePairs = result.truePositivePairs
        falsePositivePairs = result.falsePositivePairs
        falseNegativePairs = result.falseNegativePairs
        predictedClusters = result.predictedClusters
        trueClusters = result.trueClusters
        recordsInBoth = result.recordsInBoth
        recordsOnlyInTruth = result.recordsOnlyInTruth
        recordsOnlyPredicted = result.recordsOnlyPredicted
    }
}
