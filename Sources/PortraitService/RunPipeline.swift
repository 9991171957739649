import Foundation
import PortraitConfig
import PortraitCore
import PortraitStore
import Synchronization

/// Takes one run's messages in order and commits them in batches, mapping a batch while the store writes the
/// one before it, so a sync keeps two cores busy: the connector parsing, and mapping beside the writer.
///
/// Batches commit strictly in order (each commit waits for the one before), so a checkpoint never lands before
/// the records it covers. `take` returns once the message is buffered, except for a checkpoint or a new part,
/// which return only when everything before them is committed: a connector may then act on committed input. A
/// checkpoint without waiting ends its batch like a checkpoint but returns at once.
final class RunPipeline: Sendable {
    struct Snapshot {
        var read: Int
        var counts: CommitCounts
        var warnings: [String]
        var warningCount: Int
        var parts: [RunPart]
    }

    /// True when the run ended at a committed checkpoint because a stop was requested, whatever error the
    /// connector wrapped ``SyncStopped`` in.
    var stoppedAtCheckpoint: Bool { state.withLock { $0.stoppedAtCheckpoint } }

    fileprivate struct State {
        var records: [SourceRecord] = []
        var unreadable: [UnreadableRecord] = []
        var read = 0
        var counts = CommitCounts()
        var warnings: [String] = []
        var warningCount = 0
        var parts: [RunPart] = []
        /// Batches mapped or committing, oldest first.
        var inFlight: [Task<Void, any Error>] = []
        /// A batch failed to map or commit; no later batch can commit.
        var commitFailed = false
        /// Per stream: whether it held no records when its first batch was prepared. Such a stream's records were
        /// all written by this run, so looking up stored hashes would find nothing worth the look-up.
        var startedEmpty: [String: Bool] = [:]
        var lastProgress = Date.distantPast
        /// The run ended at a committed checkpoint on a stop request (``SyncStopped`` was thrown to the connector).
        var stoppedAtCheckpoint = false
    }

    static let keptWarnings = 20
    /// Batches that may be mapped or committing at once: one committing, one mapping beside it, while the connector
    /// fills the next. With checkpoints that are not waited for, a third batch in flight only added memory and a
    /// thread competing for the two cores (XML feed import: 3.8 s and 74 MiB at three, 3.7 s and 69 MiB at two).
    static let maxInFlight = 2

    let connector: ConnectorConfig
    let runID: Int64
    let store: any Store
    let batchSize: Int
    let started: Date
    let progress: (@Sendable (SyncProgress) -> Void)?
    /// Checked after each committed checkpoint: a requested stop ends the run there.
    let stop: SyncStop?
    private let state = Mutex(State())

    init(
        connector: ConnectorConfig, runID: Int64, store: any Store, batchSize: Int, started: Date,
        stop: SyncStop? = nil, progress: (@Sendable (SyncProgress) -> Void)?
    ) {
        self.stop = stop
        self.connector = connector
        self.runID = runID
        self.store = store
        self.batchSize = max(batchSize, 1)
        self.started = started
        self.progress = progress
    }

    func take(_ message: ConnectorMessage) async throws {
        // A cancelled run (a service stopping at once) ends here; what it had not committed is read again next time.
        if Task.isCancelled { throw CancellationError() }
        switch message {
        case .record(let record):
            if state.withLock({ $0.records.append(record); return $0.countRead(batchSize: batchSize) }) {
                try await submit(checkpoint: nil, waitForCommit: false)
            }
        case .unreadable(let unreadable):
            if state.withLock({ $0.unreadable.append(unreadable); return $0.countRead(batchSize: batchSize) }) {
                try await submit(checkpoint: nil, waitForCommit: false)
            }
        case .checkpointWithoutWaiting(let checkpoint) where stop?.isRequested != true:
            try await submit(checkpoint: checkpoint, waitForCommit: false)
        case .checkpoint(let checkpoint), .checkpointWithoutWaiting(let checkpoint):
            // A stop request turns a checkpoint the connector would not wait for into one it does: the run ends
            // at a committed checkpoint either way.
            try await submit(checkpoint: checkpoint, waitForCommit: true)
            // Everything read so far is committed with this checkpoint: the one safe place to end early.
            if stop?.isRequested == true {
                state.withLock { $0.stoppedAtCheckpoint = true }
                throw SyncStopped()
            }
        case .part(let part):
            // Counts are attributed to a part exactly because everything before it is committed first.
            try await submit(checkpoint: nil, waitForCommit: true)
            state.withLock { $0.parts.append(RunPart(name: part.name, note: part.note)) }
        case .warning(let warning):
            state.withLock { state in
                state.warningCount += 1
                if state.warnings.count < Self.keptWarnings {
                    state.warnings.append(warning.location.map { "\($0): \(warning.message)" } ?? warning.message)
                }
            }
        }
    }

    /// Commits what is buffered and waits for every batch in flight; call at the end of a run, failed or not.
    ///
    /// After a failed commit nothing more can commit (every later batch waits on the failed one), so this only
    /// drains what is in flight rather than reporting the same failure twice.
    func finish() async throws {
        guard !state.withLock({ $0.commitFailed }) else {
            for task in state.withLock({ state in defer { state.inFlight = [] }; return state.inFlight }) {
                _ = try? await task.value
            }
            return
        }
        try await submit(checkpoint: nil, waitForCommit: true)
    }

    func snapshot() -> Snapshot {
        state.withLock { Snapshot(read: $0.read, counts: $0.counts, warnings: $0.warnings, warningCount: $0.warningCount, parts: $0.parts) }
    }

    /// Starts mapping and committing the buffered messages as one batch (with `checkpoint`, if any).
    private func submit(checkpoint: ConnectorState?, waitForCommit: Bool) async throws {
        state.withLock { state in
            guard !state.records.isEmpty || !state.unreadable.isEmpty || checkpoint != nil else { return }
            let records = state.records
            let unreadable = state.unreadable
            state.records = []
            state.records.reserveCapacity(batchSize)
            state.unreadable = []
            let previous = state.inFlight.last
            let task = Task {
                let batch = try await self.prepareBatch(records: records, unreadable: unreadable, checkpoint: checkpoint)
                try await previous?.value  // Commit in order; a failed batch stops every batch after it.
                let counts = try await self.store.commit(batch)
                self.committed(counts)
            }
            state.inFlight.append(task)
        }
        while let oldest = state.withLock({ state -> Task<Void, any Error>? in
            let limit = waitForCommit ? 0 : Self.maxInFlight
            return state.inFlight.count > limit ? state.inFlight.first : nil
        }) {
            defer { state.withLock { if $0.inFlight.first == oldest { $0.inFlight.removeFirst() } } }
            do {
                try await oldest.value
            } catch {
                state.withLock { $0.commitFailed = true }
                throw error
            }
        }
    }

    private func committed(_ counts: CommitCounts) {
        let report: SyncProgress? = state.withLock { state in
            state.counts += counts
            if !state.parts.isEmpty { state.parts[state.parts.count - 1].counts += counts }
            guard progress != nil else { return nil }
            let now = Date()
            guard now.timeIntervalSince(state.lastProgress) >= 0.2 else { return nil }
            state.lastProgress = now
            return SyncProgress(
                connector: connector.name, read: state.read, counts: state.counts,
                elapsed: now.timeIntervalSince(started))
        }
        if let report { progress?(report) }
    }

    /// Whether `stream` held no records when this run first prepared a batch of it (asked once per stream).
    private func startedEmpty(_ stream: String) async throws -> Bool {
        if let known = state.withLock({ $0.startedEmpty[stream] }) { return known }
        let empty = try await !store.hasRecords(connector: connector.name, stream: stream)
        // A batch prepared beside this one may have asked too; the first answer stands (either is safe).
        return state.withLock { state in
            if let known = state.startedEmpty[stream] { return known }
            state.startedEmpty[stream] = empty
            return empty
        }
    }

    /// Maps a batch, first skipping records whose content hash equals the stored one (unchanged, so there is
    /// nothing to map, validate or write).
    private func prepareBatch(
        records: [SourceRecord], unreadable: [UnreadableRecord], checkpoint: ConnectorState?
    ) async throws -> CommitBatch {
        var batch = CommitBatch(connector: connector.name, runID: runID, checkpoint: checkpoint)
        batch.quarantine = unreadable.map { unreadable in
            QuarantineWrite(
                stream: unreadable.stream, sourceID: nil, location: unreadable.location, raw: .string(unreadable.raw),
                reasons: unreadable.reasons, sourceText: unreadable.raw)
        }
        // Records and their prepared parts are read in place through buffer pointers: an array's subscript or
        // `for … in` copies each element (retaining its strings and arrays), measured at 1.5% of an XML import.
        let prepared = records.map(connector.prepare)
        // Stored hashes are looked up only for streams that held records when the run began: in a first import
        // there is nothing to find, and no id is collected for it.
        var streams: [String] = []
        for index in records.indices where prepared[index].mapping != nil {
            let stream = records[index].stream
            if streams.last != stream, !streams.contains(stream) { streams.append(stream) }
        }
        var stored: [String: [String: String]] = [:]
        for stream in streams where try await !startedEmpty(stream) {
            let ids = records.indices.compactMap { index in
                prepared[index].mapping != nil && records[index].stream == stream ? prepared[index].sourceID : nil
            }
            stored[stream] = try await store.contentHashes(connector: connector.name, stream: stream, sourceIDs: ids)
        }
        batch.records.reserveCapacity(records.count)
        records.withUnsafeBufferPointer { records in
            prepared.withUnsafeBufferPointer { prepared in
                for index in records.indices {
                    if !stored.isEmpty, let sourceID = prepared[index].sourceID,
                        stored[records[index].stream]?[sourceID] == prepared[index].contentHash
                    {
                        batch.unchanged.append(RecordKey(stream: records[index].stream, sourceID: sourceID))
                        continue
                    }
                    switch connector.route(records[index], prepared: prepared[index]) {
                    case .store(let write): batch.records.append(write)
                    case .quarantine(let write): batch.quarantine.append(write)
                    }
                }
            }
        }
        return batch
    }
}

extension RunPipeline.State {
    /// Counts a message just buffered as read (in the run and its current part); true when the batch is full.
    fileprivate mutating func countRead(batchSize: Int) -> Bool {
        read += 1
        if !parts.isEmpty { parts[parts.count - 1].read += 1 }
        return records.count + unreadable.count >= batchSize
    }
}
