import PortraitCore
import PortraitStore

/// Commits records that arrive one per request (form submissions) in shared transactions.
///
/// Each caller returns only once its record is durably in the store, so an HTTP 2xx can follow; every request
/// that arrives while a commit runs joins the next one, so one transaction (and one WAL sync) covers many
/// requests under load and a lone request is not kept waiting for company.
actor GroupCommitter {
    let store: any Store
    let connector: String
    private var pending: [(write: RecordWrite, waiter: CheckedContinuation<Bool, any Error>)] = []
    private var isCommitting = false

    init(store: any Store, connector: String) {
        self.store = store
        self.connector = connector
    }

    /// Stores `write` unless a record with its key is already stored, and returns whether it was new.
    ///
    /// The first write of a key wins: a retried submission (same response id) is a duplicate, and the response
    /// as first received stays as it was.
    func commit(_ write: RecordWrite) async throws -> Bool {
        try await withCheckedThrowingContinuation { waiter in
            pending.append((write, waiter))
            if !isCommitting {
                isCommitting = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                let outcomes = try await commitTogether(batch.map(\.write))
                for (entry, isNew) in zip(batch, outcomes) { entry.waiter.resume(returning: isNew) }
            } catch {
                for entry in batch { entry.waiter.resume(throwing: error) }
            }
        }
        isCommitting = false
    }

    /// One transaction for the writes whose keys are not stored yet (a key twice in the batch: the first); per
    /// write, whether it was stored.
    private func commitTogether(_ writes: [RecordWrite]) async throws -> [Bool] {
        var stored: Set<RecordKey> = []
        var idsByStream: [String: [String]] = [:]
        for write in writes { idsByStream[write.stream, default: []].append(write.sourceID) }
        for (stream, ids) in idsByStream {
            for id in try await store.contentHashes(connector: connector, stream: stream, sourceIDs: ids).keys {
                stored.insert(RecordKey(stream: stream, sourceID: id))
            }
        }
        var fresh: [RecordWrite] = []
        var outcomes: [Bool] = []
        for write in writes {
            let isNew = stored.insert(write.key).inserted
            if isNew { fresh.append(write) }
            outcomes.append(isNew)
        }
        if !fresh.isEmpty {
            var batch = CommitBatch(connector: connector, runID: nil, records: fresh)
            batch.waitsForDisk = true  // Each record is acknowledged to a sender who will not post it again.
            _ = try await store.commit(batch)
        }
        return outcomes
    }
}
