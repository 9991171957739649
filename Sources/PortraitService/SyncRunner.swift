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
    public var batchSize: Int

    public init(store: any Store, registry: ConnectorRegistry, logger: Logger, batchSize: Int = 2_000) {
        self.store = store
        self.registry = registry
        self.logger = logger
        self.batchSize = batchSize
    }

    /// Syncs `connector` once and reports what happened. Never throws for a failing source: the report says so.
    public func sync(
        _ connector: ConnectorConfig,
        config: HubConfig,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws -> SyncReport {
        let started = Date()
        let runID = try await store.startRun(connector: connector.name, startedAt: started)
        let batcher = RunBatcher(
            connector: connector, runID: runID, store: store, batchSize: batchSize, started: started, progress: progress)
        var failure: String?
        do {
            let instance = try registry.instance(of: connector, config: config, logger: logger)
            let state = try await store.checkpoint(connector: connector.name)
            try await instance.read(from: state, into: ConnectorOutput { message in try await batcher.take(message) })
            try await batcher.flush(checkpoint: nil)
        } catch {
            failure = config.redactor.redact(Self.describe(error))
            // What was mapped before the failure is valid: keep it (no checkpoint moves past it).
            do { try await batcher.flush(checkpoint: nil) } catch {
                failure! += "; and committing the records read before it failed: \(config.redactor.redact(Self.describe(error)))"
            }
        }
        let snapshot = await batcher.snapshot()
        let status: RunStatus = failure == nil ? .succeeded : .failed
        try await store.finishRun(
            runID,
            outcome: RunOutcome(
                status: status, read: snapshot.read, counts: snapshot.counts, warnings: snapshot.warningCount,
                error: failure, finishedAt: Date()))
        if let failure {
            logger.error("sync failed", metadata: ["connector": "\(connector.name)", "error": "\(failure)"])
        }
        return SyncReport(
            connector: connector.name, runID: runID, status: status, read: snapshot.read, counts: snapshot.counts,
            warnings: snapshot.warnings.map(config.redactor.redact), warningCount: snapshot.warningCount, error: failure,
            seconds: Date().timeIntervalSince(started))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PortraitError { return error.message }
        if let error = error as? CancellationError { return "cancelled (\(error))" }
        return String(describing: error)
    }
}

/// Collects one run's mapped records and quarantine entries and commits them in batches.
actor RunBatcher {
    struct Snapshot {
        var read: Int
        var counts: CommitCounts
        var warnings: [String]
        var warningCount: Int
    }

    static let keptWarnings = 20

    let connector: ConnectorConfig
    let runID: Int64
    let store: any Store
    let batchSize: Int
    let started: Date
    let progress: (@Sendable (SyncProgress) -> Void)?

    var records: [RecordWrite] = []
    var quarantine: [QuarantineWrite] = []
    var read = 0
    var counts = CommitCounts()
    var warnings: [String] = []
    var warningCount = 0
    var lastProgress = Date.distantPast

    init(
        connector: ConnectorConfig, runID: Int64, store: any Store, batchSize: Int, started: Date,
        progress: (@Sendable (SyncProgress) -> Void)?
    ) {
        self.connector = connector
        self.runID = runID
        self.store = store
        self.batchSize = batchSize
        self.started = started
        self.progress = progress
    }

    func take(_ message: ConnectorMessage) async throws {
        switch message {
        case .record(let record):
            read += 1
            add(record)
        case .unreadable(let unreadable):
            read += 1
            quarantine.append(
                QuarantineWrite(
                    stream: unreadable.stream, sourceID: nil, location: unreadable.location, raw: .string(unreadable.raw),
                    reasons: unreadable.reasons))
        case .checkpoint(let state):
            try await flush(checkpoint: state)
            return
        case .warning(let warning):
            warningCount += 1
            if warnings.count < Self.keptWarnings {
                warnings.append(warning.location.map { "\($0): \(warning.message)" } ?? warning.message)
            }
            return
        }
        if records.count + quarantine.count >= batchSize {
            try await flush(checkpoint: nil)
        }
    }

    private func add(_ record: SourceRecord) {
        switch connector.route(record) {
        case .store(let write): records.append(write)
        case .quarantine(let write): quarantine.append(write)
        }
    }

    /// Commits what is pending, with `checkpoint` if given, in one transaction.
    func flush(checkpoint: ConnectorState?) async throws {
        guard !records.isEmpty || !quarantine.isEmpty || checkpoint != nil else { return }
        let batch = CommitBatch(
            connector: connector.name, runID: runID, records: records, quarantine: quarantine, checkpoint: checkpoint)
        records.removeAll(keepingCapacity: true)
        quarantine.removeAll(keepingCapacity: true)
        counts += try await store.commit(batch)
        reportProgress()
    }

    private func reportProgress() {
        guard let progress else { return }
        let now = Date()
        guard now.timeIntervalSince(lastProgress) >= 0.2 else { return }
        lastProgress = now
        progress(SyncProgress(connector: connector.name, read: read, counts: counts, elapsed: now.timeIntervalSince(started)))
    }

    func snapshot() -> Snapshot {
        Snapshot(read: read, counts: counts, warnings: warnings, warningCount: warningCount)
    }
}
