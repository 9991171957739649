public import Foundation
public import Logging
public import PortraitIdentity
public import PortraitStore
import PortraitConfig
import PortraitCore

/// Runs identity resolution on a workspace's store: after each sync (incrementally), or from scratch on demand.
///
/// One resolver runs at a time per store: it holds the lease `sync::identity` (no connector can be named so), so a
/// `portrait sync` and a running service never resolve the same records at once.
public enum IdentityResolution {
    public static let leaseConnector = ":identity"

    /// The store as identity resolution sees it; every store Portrait ships implements it.
    public static func store(of workspace: Workspace) throws -> any IdentityStore {
        guard let store = workspace.store as? any IdentityStore else {
            throw PortraitError.store("this store does not support identity resolution")
        }
        return store
    }

    /// Resolves what changed since the last resolve (everything, the first time).
    ///
    /// - Returns: The report, or nil when another process is resolving (it will pick these records up).
    public static func run(
        workspace: Workspace, fromScratch: Bool = false, logger: Logger,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> ResolveReport? {
        let identityStore = try store(of: workspace)
        let resolver = IdentityResolver(settings: workspace.config.identity, store: identityStore, progress: progress)
        let report = try await SyncLease.run(
            connector: leaseConnector, store: workspace.store, holder: Scheduler.makeHolder(), logger: logger
        ) {
            fromScratch ? try await resolver.resolveAll() : try await resolver.resolvePending()
        }
        if let report {
            logger.info(
                "identity resolved",
                metadata: [
                    "observations": "\(report.observations)", "candidate_pairs": "\(report.candidatePairs)",
                    "links": "\(report.modelLinks)", "created": "\(report.profilesCreated)",
                    "merged": "\(report.profilesMerged)", "split": "\(report.profilesSplit)",
                    "refused": "\(report.refusedMerges)", "seconds": "\(String(format: "%.2f", report.seconds))",
                ])
        }
        return report
    }
}

extension ResolveReport {
    /// One line for the terminal.
    public var summaryLine: String {
        var parts = [
            "\(observations) observation(s)", "\(candidatePairs) candidate pair(s)", "\(modelLinks) model link(s)",
            "\(profilesCreated) new profile(s)", "\(profilesMerged) merged", "\(profilesSplit) split",
        ]
        if removedObservations > 0 { parts.append("\(removedObservations) removed") }
        if refusedMerges > 0 { parts.append("\(refusedMerges) merge(s) refused by limits or pins") }
        if skippedKeys > 0 { parts.append("\(skippedKeys) blocking key(s) too common to compare") }
        if trainedModel { parts.append("model trained") }
        return "identity: " + parts.joined(separator: " · ") + String(format: " (%.2f s)", seconds)
    }

    /// The time of each stage, for `portrait identity resolve` and the benchmarks.
    public var stagesLine: String {
        "stages: " + stages.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: " · ")
    }
}

extension IdentityResolution {
    /// The resolver over a workspace's store and identity settings.
    public static func resolver(
        for workspace: Workspace, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> IdentityResolver {
        IdentityResolver(settings: workspace.config.identity, store: try store(of: workspace), progress: progress)
    }

    /// Compares the stored profiles with a truth file (`connector,stream,source_id,entity_id`).
    public static func evaluate(workspace: Workspace, truth: URL) async throws -> PairwiseEvaluation {
        let truthMap = try PairwiseEvaluation.readTruth(at: truth)
        var predicted: [RecordRef: String] = [:]
        try await store(of: workspace).forEachPlacement { placement in
            guard let profile = placement.profileID else { return }
            predicted[RecordRef(connector: placement.connector, stream: placement.stream, sourceID: placement.sourceID)] = profile
        }
        return PairwiseEvaluation.evaluate(truth: truthMap, predicted: predicted)
    }
}
