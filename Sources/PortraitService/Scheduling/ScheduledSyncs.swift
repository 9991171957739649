import Foundation
public import Logging
import PortraitConfig
import PortraitCore
import PortraitStore

/// The syncs `portrait run` starts by itself: every enabled connector with a `schedule:`, run through the
/// `Scheduler` (a lease per connector in the store, so two services on one store never run one twice at once).
public struct ScheduledSyncs: Sendable {
    let scheduler: Scheduler
    /// The scheduled connectors and their schedules as written, by name.
    public let schedules: [String: String]
    /// Drop folders watched: a file landing starts the connector's sync at once.
    let watches: [FolderWatch]
    /// Asked when the service shuts down: each run in progress ends at its next checkpoint.
    let stop = SyncStop()
    /// The schedule a watched drop folder's connector gets when it has none: files trigger it, and this catches
    /// what a trigger missed.
    static let watchedFolderSchedule = "1h"

    /// - Parameter requests: Sync requests the service has taken (`portrait sync NAME` asking it): a run answers
    ///   those of its connector taken before it started.
    /// - Throws: `PortraitError.configuration` for a `schedule:` that does not parse, naming its line.
    init(workspace: Workspace, logger: Logger, requests: SyncRequestBoard? = nil) throws {
        var jobs: [(name: String, schedule: Schedule)] = []
        var schedules: [String: String] = [:]
        var watches: [FolderWatch] = []
        for connector in workspace.config.enabledConnectors {
            // The connector says which folder it reads (`csv_drop`, `xml_feed` with `folder`). One that cannot be
            // made is not watched; its scheduled runs report why.
            let watch = (try? workspace.registry.instance(of: connector, config: workspace.config, logger: logger))?
                .watchedFolder.map { FolderWatch(connector: connector.name, folder: $0) }
            if let watch { watches.append(watch) }
            guard
                let schedule = try connector.parsedSchedule()
                    ?? (watch == nil ? nil : Schedule(parsing: Self.watchedFolderSchedule))
            else { continue }
            jobs.append((connector.name, schedule))
            schedules[connector.name] = schedule.text + (watch == nil ? "" : ", and when a file lands")
        }
        self.schedules = schedules
        self.watches = watches
        let config = workspace.config
        let runner = SyncRunner(store: workspace.store, registry: workspace.registry, logger: logger)
        let stop = stop
        let store = workspace.store
        let holder = Scheduler.makeHolder(role: SyncLease.serviceRole)
        scheduler = Scheduler(jobs: jobs, store: store, holder: holder, logger: logger) { name in
            guard let connector = config.connector(named: name) else { return }
            let answering = requests?.claim(name) ?? []
            let ids = answering.map(\.id)
            logger.info(
                "scheduled sync started", metadata: ["connector": .string(name), "requests": "\(answering.count)"])
            let report: SyncReport
            do {
                if answering.contains(where: \.full) { try await store.resetCheckpoint(connector: name) }
                report = try await runner.sync(connector, config: config, stop: stop)
            } catch {
                let reason = config.redactor.redact("\(error)")
                try? await store.answerSyncRequests(ids: ids, runID: nil, error: reason, now: Date())
                throw error
            }
            try? await store.answerSyncRequests(ids: ids, runID: report.runID, error: nil, now: Date())
            logger.info("scheduled sync finished", metadata: ["connector": .string(name), "summary": .string(report.summaryLine)])
            // The store keeps only their count: the log is where a service's operator reads them (the first 20).
            for warning in report.warnings {
                logger.warning("sync warning", metadata: ["connector": .string(name), "warning": .string(warning)])
            }
            // Stopped (or cancelled) for shutdown: not a failure to retry, and no time for resolution now (the
            // records wait in the identity queue for the next resolve).
            if stop.isRequested || Task.isCancelled { return }
            // What the sync wrote is resolved into profiles at once (a trigger, not a schedule).
            if report.counts.new + report.counts.updated > 0 {
                do {
                    _ = try await IdentityResolution.run(workspace: workspace, logger: logger)
                    _ = try await ProfileUpdates.run(workspace: workspace, logger: logger)
                } catch {
                    logger.error(
                        "identity resolution or the profile update failed after a sync",
                        metadata: ["connector": .string(name), "error": "\(error)"])
                }
            }
            // A failed run backs off instead of waiting for its next regular time.
            if report.status == .failed {
                throw PortraitError.connector(report.error ?? "connector '\(name)' failed")
            }
        }
    }

    public var isEmpty: Bool { schedules.isEmpty }

    /// The lease holder id of these schedules (marked as a service's: ``SyncLease/isServiceHolder(_:)``).
    var holder: String { scheduler.holder }

    /// Runs the schedules, and watches the drop folders, until ``drain(stoppingRuns:)`` has let every run end or
    /// the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for watch in watches {
                group.addTask { [scheduler] in
                    await watch.run { connector in try? await scheduler.runNow(connector) }
                }
            }
            await scheduler.run()
            group.cancelAll()  // The watches end with the schedules.
        }
    }

    /// Starts no more syncs, and makes ``run()`` return once the runs in progress have ended.
    ///
    /// - Parameter stoppingRuns: True to end each run in progress at its next checkpoint (shutdown); false to let
    ///   it complete (a reload replacing these schedules).
    public func drain(stoppingRuns: Bool) async {
        if stoppingRuns { stop.request() }
        await scheduler.drain()
    }
}
