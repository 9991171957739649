public import Foundation
import PortraitCore
public import PortraitStore
import Synchronization

/// `portrait sync NAME` against a running `portrait run`: instead of racing the service for the connector's
/// lease, the command files a request in the store (``Store/fileSyncRequest(connector:full:now:)``); the service
/// takes it, runs the connector at once (right after the run in progress, never twice at once) and answers with
/// that run, which the command prints.
///
/// The store carries the request, so this works whatever address the service listens on, or whether it listens
/// at all.
public enum SyncRequests {
    /// How often a service looks for requests, and a waiting command for the answer.
    static let pollInterval = Duration.milliseconds(250)

    /// Asks the running service that holds `connector`'s lease to sync it now, and waits for the run.
    ///
    /// - Parameters:
    ///   - full: Read the source from the start (`portrait sync --full`).
    ///   - waitForTaker: How long a request may stay untaken before it is withdrawn (no service schedules the
    ///     connector after all).
    ///   - asked: Called once the request is filed, to tell the operator what is happening.
    /// - Returns: The report of the run that served the request; nil, with nothing asked, when the lease holder is
    ///   not a live service, or when no service took the request in time.
    /// - Throws: The store's errors; `PortraitError.connector` when the service could not run it.
    public static func askRunningService(
        connector: String, full: Bool, store: any Store, waitForTaker: Duration = .seconds(10),
        asked: @Sendable () -> Void = {}
    ) async throws -> SyncReport? {
        guard let holder = try await store.leaseHolder(SyncLease.name(of: connector)),
            SyncLease.isServiceHolder(holder), !SyncLease.isDeadLocalProcess(holder)
        else { return nil }
        let id = try await store.fileSyncRequest(connector: connector, full: full, now: Date())
        asked()
        var untakenSince = ContinuousClock.now
        while true {
            try await Task.sleep(for: pollInterval)
            guard let request = try await store.syncRequest(id: id) else { return nil }
            if request.isAnswered {
                _ = try await store.withdrawSyncRequest(id: id)
                guard let runID = request.runID else {
                    throw PortraitError.connector(
                        "the running service could not sync '\(connector)': \(request.error ?? "no reason given")")
                }
                return try await report(ofRun: runID, connector: connector, store: store)
            }
            if let taker = request.takenBy {
                untakenSince = ContinuousClock.now
                if SyncLease.isDeadLocalProcess(taker) {
                    // The service died before answering: the request is anybody's again.
                    try await store.releaseSyncRequests(ids: [id])
                }
            } else if ContinuousClock.now - untakenSince > waitForTaker, try await store.withdrawSyncRequest(id: id) {
                return nil
            }
        }
    }

    static func report(ofRun runID: Int64, connector: String, store: any Store) async throws -> SyncReport {
        // The run is recent: among the connector's last few, unless many ran since.
        for limit in [20, 10_000] {
            if let run = try await store.runs(connector: connector, limit: limit).first(where: { $0.id == runID }) {
                return SyncReport(run: run)
            }
        }
        throw PortraitError.notFound("run \(runID) of '\(connector)' is not in the store's history")
    }
}

extension SyncReport {
    /// The report of a run as the store keeps it (the warnings' texts are not kept, only their count).
    public init(run: RunRecord) {
        self.init(
            connector: run.connector, runID: run.id, status: run.status, read: run.read, counts: run.counts,
            warnings: [], warningCount: run.warnings, error: run.error,
            seconds: (run.finishedAt ?? run.startedAt).timeIntervalSince(run.startedAt), parts: run.parts)
    }
}

/// The requests a service has taken and not answered yet, by connector: the next run of a connector answers the
/// requests taken before it started.
final class SyncRequestBoard: Sendable {
    private let waiting = Mutex<[String: [SyncRequest]]>([:])

    func add(_ request: SyncRequest) {
        waiting.withLock { $0[request.connector, default: []].append(request) }
    }

    /// The requests a run of `connector` starting now answers (and forgets them).
    func claim(_ connector: String) -> [SyncRequest] {
        waiting.withLock { $0.removeValue(forKey: connector) ?? [] }
    }

    /// Connectors with requests waiting.
    var connectors: [String] { waiting.withLock { Array($0.keys) } }

    /// Forgets and returns the requests of the connectors for which `shouldRemove` is true.
    func removeAll(where shouldRemove: (String) -> Bool) -> [SyncRequest] {
        waiting.withLock { waiting in
            let removed = waiting.filter { shouldRemove($0.key) }
            for name in removed.keys { waiting[name] = nil }
            return removed.values.flatMap { $0 }
        }
    }
}
