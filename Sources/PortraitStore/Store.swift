public import Foundation
public import PortraitCore

/// Where Portrait keeps records, checkpoints, quarantine and run history.
///
/// SQLite (`SQLiteStore`) is the default; a PostgreSQL backend implements the same protocol, so connectors and
/// the engines never see which one is in use. Every method that writes is one transaction.
public protocol Store: Sendable {
    /// Records the start of a sync run for `connector`.
    func startRun(connector: String, startedAt: Date) async throws -> Int64

    /// Records how a run ended.
    func finishRun(_ runID: Int64, outcome: RunOutcome) async throws

    /// The last checkpoint committed for `connector`, or nil before its first commit.
    func checkpoint(connector: String) async throws -> ConnectorState?

    /// Commits a batch in one transaction: records are upserted by (connector, stream, source id) and compared by
    /// content hash, quarantine entries are added or refreshed, resolved quarantine entries are removed, and the
    /// checkpoint (if any) is saved. Either all of it lands or none of it.
    func commit(_ batch: CommitBatch) async throws -> CommitCounts

    /// The checkpoint is dropped so the next run reads from the start (`portrait sync --full`).
    func resetCheckpoint(connector: String) async throws

    /// Recent runs, newest first, optionally for one connector. A `limit` of 0 or less returns nothing.
    func runs(connector: String?, limit: Int) async throws -> [RunRecord]

    /// Per-connector totals: records, deleted, quarantined, last run.
    func connectorTotals() async throws -> [ConnectorTotals]

    /// Quarantine entries, oldest first, optionally for one connector.
    func quarantineEntries(connector: String?, limit: Int) async throws -> [QuarantineEntry]

    /// One quarantine entry by id.
    func quarantineEntry(id: Int64) async throws -> QuarantineEntry?

    /// Streams stored records to `body`, ordered by connector, stream and source id.
    func forEachRecord(connector: String?, _ body: (StoredRecord) throws -> Void) async throws

    /// Streams identity rows (one per stored, non-deleted record) to `body`.
    ///
    /// Like the other `forEach` methods, iteration pages through the data: it is not one snapshot, but a concurrent
    /// write never makes it repeat or skip a row.
    func forEachIdentity(_ body: (IdentityRow) throws -> Void) async throws

    /// The stored content hash of each of `sourceIDs` in `stream` that has a record.
    ///
    /// A sync asks before mapping a batch: a record whose hash (raw text and mapping fingerprint) is unchanged
    /// needs no mapping, validation or write, which is what makes a re-import cheap.
    func contentHashes(connector: String, stream: String, sourceIDs: [String]) async throws -> [String: String]

    /// True when `stream` of `connector` holds any record (deleted ones included).
    ///
    /// A sync asks once per stream: a stream that was empty when the run began can only hold records this run
    /// wrote, so its batches skip the content-hash look-up (a repeated id is still caught by the commit).
    func hasRecords(connector: String, stream: String) async throws -> Bool

    /// Takes or renews the lease `name` for `holder` until `now + ttl`.
    ///
    /// A lease keeps one piece of work (a connector's sync) from running twice at once, also across processes
    /// sharing the store. Taking it is one atomic statement, so of two holders racing for a free lease exactly one
    /// wins. A holder that crashes loses its lease when the TTL runs out; a live one renews it well before.
    ///
    /// - Returns: True when the lease was free, had expired or was already `holder`'s (then it is renewed); false
    ///   when another holder has it.
    func acquireLease(_ name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool

    /// Gives the lease `name` back if `holder` has it; a lease someone else has taken since is left alone.
    func releaseLease(_ name: String, holder: String) async throws

    /// Who holds the lease `name` now (expired or not), or nil when nobody does.
    func leaseHolder(_ name: String) async throws -> String?

    /// Files a request that a running service sync `connector` now (what `portrait sync` does when the service
    /// holds the connector's lease, instead of racing it).
    ///
    /// - Parameter full: Read the source from the start (the run resets the checkpoint first).
    /// - Returns: The request's id, to follow it with ``syncRequest(id:)``.
    func fileSyncRequest(connector: String, full: Bool, now: Date) async throws -> Int64

    /// Requests no service has taken yet, oldest first. A read: a service polls it cheaply.
    func untakenSyncRequests() async throws -> [SyncRequest]

    /// Takes the requests `ids` for `holder`, each only if still untaken (two services never take one request).
    ///
    /// - Returns: The requests taken.
    func takeSyncRequests(ids: [Int64], holder: String, now: Date) async throws -> [SyncRequest]

    /// Answers taken requests with the run that served them, or with why none did.
    func answerSyncRequests(ids: [Int64], runID: Int64?, error: String?, now: Date) async throws

    /// Gives taken, unanswered requests back (untaken), for another service or their requester to deal with.
    func releaseSyncRequests(ids: [Int64]) async throws

    /// The request `id` as it stands, or nil when there is none (withdrawn).
    func syncRequest(id: Int64) async throws -> SyncRequest?

    /// Removes the request `id` unless a service has taken it and not answered it yet.
    ///
    /// - Returns: True when it is gone (it was untaken or answered, or was never there); false while a service
    ///   serves it.
    func withdrawSyncRequest(id: Int64) async throws -> Bool
}

/// A request that a running service sync a connector now (``Store/fileSyncRequest(connector:full:now:)``).
public struct SyncRequest: Sendable, Hashable {
    public var id: Int64
    public var connector: String
    /// Read the source from the start.
    public var full: Bool
    public var requestedAt: Date
    /// The lease holder id of the service serving it; nil while untaken.
    public var takenBy: String?
    public var takenAt: Date?
    /// The run that served it, once answered (nil with an `error` when none ran).
    public var runID: Int64?
    public var answeredAt: Date?
    public var error: String?

    public init(
        id: Int64, connector: String, full: Bool, requestedAt: Date, takenBy: String? = nil, takenAt: Date? = nil,
        runID: Int64? = nil, answeredAt: Date? = nil, error: String? = nil
    ) {
        self.id = id
        self.connector = connector
        self.full = full
        self.requestedAt = requestedAt
        self.takenBy = takenBy
        self.takenAt = takenAt
        self.runID = runID
        self.answeredAt = answeredAt
        self.error = error
    }

    public var isAnswered: Bool { answeredAt != nil }
}

/// A record's key within one connector.
public struct RecordKey: Sendable, Hashable {
    public var stream: String
    public var sourceID: String

    public init(stream: String, sourceID: String) {
        self.stream = stream
        self.sourceID = sourceID
    }
}

/// One batch to commit atomically.
public struct CommitBatch: Sendable {
    public var connector: String
    public var runID: Int64?
    public var records: [RecordWrite]
    /// Records found unchanged before mapping (same content hash as stored): counted as unchanged, not
    /// rewritten, and any quarantine entry of theirs is resolved.
    public var unchanged: [RecordKey]
    public var quarantine: [QuarantineWrite]
    /// Quarantine entries that a replay has now stored as records (only this batch's connector's entries are removed).
    public var resolvedQuarantine: [Int64]
    /// Saved with the records; covers everything the connector yielded before it.
    public var checkpoint: ConnectorState?
    /// The commit must reach the disk (fsync) before `commit` returns: its caller acknowledges records to a sender
    /// who will not send them again (a form post's 2xx). A sync leaves it off: its source can be read again.
    public var waitsForDisk = false

    public init(
        connector: String, runID: Int64?, records: [RecordWrite] = [], unchanged: [RecordKey] = [],
        quarantine: [QuarantineWrite] = [], resolvedQuarantine: [Int64] = [], checkpoint: ConnectorState? = nil
    ) {
        self.connector = connector
        self.runID = runID
        self.records = records
        self.unchanged = unchanged
        self.quarantine = quarantine
        self.resolvedQuarantine = resolvedQuarantine
        self.checkpoint = checkpoint
    }
}

/// A mapped, valid record with its raw original (lineage), as the canonical JSON texts the store writes.
///
/// Only the texts are kept, not the `JSONValue` trees they were written from: the trees are freed where the
/// record was mapped, beside the writer, instead of on the store's single writer thread (9% of the CPU of a
/// CSV import went to freeing them there).
public struct RecordWrite: Sendable, Hashable {
    public var key: RecordKey { RecordKey(stream: stream, sourceID: sourceID) }
    public var stream: String
    public var sourceID: String
    public var entity: Entity
    public var location: String
    public let isDeletion: Bool
    /// `raw.canonicalText`.
    public let rawText: String
    /// `canonical.canonicalText`.
    public let canonicalText: String
    /// Content hash over the raw text, the mapping that made `canonical` and the deletion flag (see
    /// `ContentHash`); an unchanged hash means an unchanged record.
    public let contentHash: String

    /// A record whose raw text and hash the sync computed before mapping it (to skip unchanged records).
    public init(
        stream: String, sourceID: String, entity: Entity, raw: JSONValue, rawText: String, canonical: JSONValue,
        location: String, isDeletion: Bool, contentHash: String
    ) {
        self.init(
            stream: stream, sourceID: sourceID, entity: entity, rawText: rawText, canonicalText: canonical.canonicalText,
            location: location, isDeletion: isDeletion, contentHash: contentHash)
    }

    /// A record the sync mapped straight to canonical text (`RecordMapping.mapToText`).
    public init(
        stream: String, sourceID: String, entity: Entity, rawText: String, canonicalText: String, location: String,
        isDeletion: Bool, contentHash: String
    ) {
        self.stream = stream
        self.sourceID = sourceID
        self.entity = entity
        self.location = location
        self.isDeletion = isDeletion
        self.rawText = rawText
        self.canonicalText = canonicalText
        self.contentHash = contentHash
    }

    /// A record hashed over its raw and canonical texts, for writers without a mapping (tests, imports).
    public init(
        stream: String, sourceID: String, entity: Entity, raw: JSONValue, canonical: JSONValue, location: String,
        isDeletion: Bool = false
    ) {
        let rawText = raw.canonicalText
        let canonicalText = canonical.canonicalText
        self.init(
            stream: stream, sourceID: sourceID, entity: entity, rawText: rawText, canonicalText: canonicalText,
            location: location, isDeletion: isDeletion,
            contentHash: ContentHash.of(rawText: rawText, canonicalText: canonicalText, deleted: isDeletion))
    }
}

/// A record that failed mapping or validation, with every reason.
public struct QuarantineWrite: Sendable, Hashable {
    public var stream: String
    /// The source id when the connector knew it; the entry is replaced when the same record fails again.
    public var sourceID: String?
    public var location: String
    /// The raw payload: the fields as received, or the raw text of an unreadable record.
    public var raw: JSONValue
    public var reasons: [String]
    /// The record as the source wrote it (a CSV line), when the connector kept it.
    public var sourceText: String?

    public init(
        stream: String, sourceID: String?, location: String, raw: JSONValue, reasons: [String],
        sourceText: String? = nil
    ) {
        self.stream = stream
        self.sourceID = sourceID
        self.location = location
        self.raw = raw
        self.reasons = reasons
        self.sourceText = sourceText
    }
}

/// How one commit's records compared with what was stored.
public struct CommitCounts: Sendable, Hashable, Codable {
    public var new = 0
    public var updated = 0
    public var unchanged = 0
    public var quarantined = 0

    public init(new: Int = 0, updated: Int = 0, unchanged: Int = 0, quarantined: Int = 0) {
        self.new = new
        self.updated = updated
        self.unchanged = unchanged
        self.quarantined = quarantined
    }

    public static func += (lhs: inout CommitCounts, rhs: CommitCounts) {
        lhs.new += rhs.new
        lhs.updated += rhs.updated
        lhs.unchanged += rhs.unchanged
        lhs.quarantined += rhs.quarantined
    }

    public var total: Int { new + updated + unchanged + quarantined }
}

public enum RunStatus: String, Sendable, Codable, Hashable {
    case running
    case succeeded
    case failed
    /// Ended at a committed checkpoint because the service was shutting down (``RunOutcome/error`` says so): not a
    /// failure, and the next run resumes there.
    case stopped
}

/// How a run ended: its counts and, if it failed, why.
public struct RunOutcome: Sendable, Hashable {
    public var status: RunStatus
    public var read: Int
    public var counts: CommitCounts
    public var warnings: Int
    public var error: String?
    public var finishedAt: Date
    /// Counts per part of the input (one entry per file of a drop folder); empty for sources without parts.
    public var parts: [RunPart]

    public init(
        status: RunStatus, read: Int, counts: CommitCounts, warnings: Int, error: String?, finishedAt: Date,
        parts: [RunPart] = []
    ) {
        self.status = status
        self.read = read
        self.counts = counts
        self.warnings = warnings
        self.error = error
        self.finishedAt = finishedAt
        self.parts = parts
    }
}

/// One part of a run's input (a file) and what became of it: `read == counts.total`, or a note saying why
/// nothing was read (skipped as a duplicate, rejected, not complete yet).
public struct RunPart: Sendable, Hashable, Codable {
    public var name: String
    public var note: String?
    public var read: Int
    public var counts: CommitCounts

    public init(name: String, note: String? = nil, read: Int = 0, counts: CommitCounts = CommitCounts()) {
        self.name = name
        self.note = note
        self.read = read
        self.counts = counts
    }
}

public struct RunRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var connector: String
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var read: Int
    public var counts: CommitCounts
    public var warnings: Int
    public var error: String?
    public var parts: [RunPart]

    public init(
        id: Int64, connector: String, status: RunStatus, startedAt: Date, finishedAt: Date?, read: Int,
        counts: CommitCounts, warnings: Int, error: String?, parts: [RunPart] = []
    ) {
        self.parts = parts
        self.id = id
        self.connector = connector
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.read = read
        self.counts = counts
        self.warnings = warnings
        self.error = error
    }
}

public struct ConnectorTotals: Sendable, Hashable, Codable {
    public var connector: String
    public var records: Int
    public var deleted: Int
    public var quarantined: Int
    public var lastRun: RunRecord?

    public init(connector: String, records: Int, deleted: Int, quarantined: Int, lastRun: RunRecord?) {
        self.connector = connector
        self.records = records
        self.deleted = deleted
        self.quarantined = quarantined
        self.lastRun = lastRun
    }
}

public struct QuarantineEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var connector: String
    public var stream: String
    public var sourceID: String?
    public var location: String
    public var raw: JSONValue
    public var reasons: [String]
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    /// How many runs have put this record in quarantine.
    public var attempts: Int
    /// The record as the source wrote it (a CSV line), when the connector kept it.
    public var sourceText: String?

    public init(
        id: Int64, connector: String, stream: String, sourceID: String?, location: String, raw: JSONValue,
        reasons: [String], firstSeenAt: Date, lastSeenAt: Date, attempts: Int, sourceText: String? = nil
    ) {
        self.sourceText = sourceText
        self.id = id
        self.connector = connector
        self.stream = stream
        self.sourceID = sourceID
        self.location = location
        self.raw = raw
        self.reasons = reasons
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.attempts = attempts
    }
}

public struct StoredRecord: Sendable, Hashable {
    public var connector: String
    public var stream: String
    public var sourceID: String
    public var entity: Entity
    public var raw: JSONValue
    public var canonical: JSONValue
    public var location: String
    public var isDeleted: Bool
    public var contentHash: String
    public var firstSeenAt: Date
    public var updatedAt: Date

    public init(
        connector: String, stream: String, sourceID: String, entity: Entity, raw: JSONValue, canonical: JSONValue,
        location: String, isDeleted: Bool, contentHash: String, firstSeenAt: Date, updatedAt: Date
    ) {
        self.connector = connector
        self.stream = stream
        self.sourceID = sourceID
        self.entity = entity
        self.raw = raw
        self.canonical = canonical
        self.location = location
        self.isDeleted = isDeleted
        self.contentHash = contentHash
        self.firstSeenAt = firstSeenAt
        self.updatedAt = updatedAt
    }
}

/// Which profile a source record belongs to. `profileID` is nil until identity resolution has placed it.
public struct IdentityRow: Sendable, Hashable {
    public var connector: String
    public var stream: String
    public var sourceID: String
    public var profileID: String?

    public init(connector: String, stream: String, sourceID: String, profileID: String?) {
        self.connector = connector
        self.stream = stream
        self.sourceID = sourceID
        self.profileID = profileID
    }
}

