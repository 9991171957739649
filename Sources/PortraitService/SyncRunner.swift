import Foundation
public import Logging
public import PortraitConfig
public import PortraitCore
public import PortraitStore

/// Runs one connector once: read → map → validate → commit, with checkpoints in the same transaction as the
/// records before them.
///
/// Records that fail mapping or validation go to quarantine with every reason and the run goes on. A connector
/// error fails the run after committing what was already mapped (without a checkpoint past it), so a rerun
/// resumes from the last checkpoint and, records being upserted by key and hash, changes nothing twice.
public struct SyncRunner: Sendable {
    public var store: any Store
    public var registry: ConnectorRegistry
    public var logger: Logger
    /// Records per transaction when the connector checkpoints less often than this.
    ///
    /// Memory follows it: a sync holds about three batches (one filling, one mapping, one committing), each record
    /// as its parsed fields, raw text and canonical text. 1,024 keeps an XML feed import at 68 MiB peak instead of
    /// 108 MiB at 4,096, at the same speed (first CSV import 10% faster, a CSV re-import 6% slower).
    public var batchSize: Int

    public init(store: any Store, registry: ConnectorRegistry, logger: Logger, batchSize: Int = 1_024) {
        self.store = store
        self.registry = registry
        self.logger = logger
        self.batchSize = batchSize
    }

    /// Syncs `connector` once and reports what happened. Never throws for a failing source: the report says so.
    ///
    /// - Parameter stop: When requested, the run ends right after its next committed checkpoint with the status
    ///   `stopped` (``SyncStopped``), so the next run resumes there; `portrait run` passes one to shut down cleanly.
    public func sync(
        _ connector: ConnectorConfig,
        config: HubConfig,
        stop: SyncStop? = nil,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws -> SyncReport {
        let started = Date()
        let runID = try await store.startRun(connector: connector.name, startedAt: started)
        let batcher = RunPipeline(
            connector: connector, runID: runID, store: store, batchSize: batchSize, started: started, stop: stop,
            progress: progress)
        var failure: String?
        var stopped = false
        do {
            let instance = try registry.instance(of: connector, config: config, logger: logger)
            // What `portrait check` warns of, said again where it shows as records go to quarantine: a scheduled
            // sync's operator may never have run the check.
            for advice in connector.mappingAdvice(streams: instance.streamNames) {
                try await batcher.take(.warning(ConnectorWarning(advice)))
            }
            let state = try await store.checkpoint(connector: connector.name)
            try await instance.read(from: state, into: ConnectorOutput { message in try await batcher.take(message) })
            try await batcher.finish()
        } catch {
            stopped = error is SyncStopped || batcher.stoppedAtCheckpoint
            failure = config.redactor.redact(Self.describe(error))
            // What was mapped before the failure is valid: keep it (no checkpoint moves past it).
            do { try await batcher.finish() } catch {
                stopped = false
                failure! += "; and committing the records read before it failed: \(config.redactor.redact(Self.describe(error)))"
            }
        }
        let snapshot = batcher.snapshot()
        // A stop at a committed checkpoint is how a shutdown ends a run, not a failure (no backoff, no alert).
        let status: RunStatus = failure == nil ? .succeeded : stopped ? .stopped : .failed
        // Recorded even when the caller was cancelled (a service stopping hard): a run left `running` would say
        // nothing of what it committed.
        let outcome = RunOutcome(
            status: status, read: snapshot.read, counts: snapshot.counts, warnings: snapshot.warningCount,
            error: failure, finishedAt: Date(), parts: snapshot.parts)
        try await Task { [store] in try await store.finishRun(runID, outcome: outcome) }.value
        if let failure, stopped || stop?.isRequested == true {
            logger.notice("sync stopped for shutdown", metadata: ["connector": "\(connector.name)", "error": "\(failure)"])
        } else if let failure {
            logger.error("sync failed", metadata: ["connector": "\(connector.name)", "error": "\(failure)"])
        }
        return SyncReport(
            connector: connector.name, runID: runID, status: status, read: snapshot.read, counts: snapshot.counts,
            warnings: snapshot.warnings.map(config.redactor.redact), warningCount: snapshot.warningCount, error: failure,
            seconds: Date().timeIntervalSince(started), parts: snapshot.parts)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PortraitError { return error.message }
        if let error = error as? CancellationError { return "cancelled (\(error))" }
        return String(describing: error)
    }
}
