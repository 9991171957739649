public import Foundation
public import Logging
public import PortraitProfiles
import PortraitCore
import PortraitConfig

/// Keeps a workspace's profiles current: after identity resolution (an update of the queued profiles), on
/// `portrait profiles rebuild|refresh` (every profile), and in the service's daily refresh.
///
/// One engine runs at a time per store, under the lease `sync::profiles` (no connector can be named so).
public enum ProfileUpdates {
    public static let leaseConnector = ":profiles"

    /// The store as the profile engine sees it; every store Portrait ships implements it.
    public static func store(of workspace: Workspace) throws -> any ProfileStore & ProfileReader {
        guard let store = workspace.store as? any ProfileStore & ProfileReader else {
            throw PortraitError.store("this store does not support profiles")
        }
        return store
    }

    public static func engine(for workspace: Workspace) throws -> ProfileEngine {
        ProfileEngine(store: try store(of: workspace), settings: workspace.config.profiles)
    }

    /// Updates the queued profiles (or, with `rebuild`, every profile).
    ///
    /// - Returns: The report, or nil when another process holds the profiles' lease (it will pick the queue up).
    public static func run(
        workspace: Workspace, rebuild: Bool = false, now: Date = Date(), logger: Logger,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> ProfileReport? {
        let engine = try engine(for: workspace)
        let report = try await SyncLease.run(
            connector: leaseConnector, store: workspace.store, holder: Scheduler.makeHolder(), logger: logger
        ) {
            rebuild ? try await engine.rebuild(now: now, progress: progress) : try await engine.update(now: now, progress: progress)
        }
        if let report {
            logger.info(
                "profiles updated",
                metadata: [
                    "mode": "\(report.mode.rawValue)", "computed": "\(report.computed)", "created": "\(report.created)",
                    "updated": "\(report.updated)", "merged": "\(report.merged)", "split": "\(report.split)",
                    "entered": "\(report.entered)", "exited": "\(report.exited)",
                ])
        }
        return report
    }
}

extension ProfileReport {
    /// The time of each stage, for `portrait profiles rebuild` and the benchmarks.
    public var stagesLine: String {
        "stages: " + stages.map { "\($0.0) \(String(format: "%.2f", $0.1)) s" }.joined(separator: " · ")
    }
}
