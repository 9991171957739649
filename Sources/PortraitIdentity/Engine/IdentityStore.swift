public import Foundation
public import PortraitCore

/// What identity resolution needs from the store. `SQLiteStore` implements it; every write is one transaction.
public protocol IdentityStore: Sendable {
    /// Streams every stored, non-deleted record that can carry identity, for a resolve from scratch.
    func forEachIdentityRecord(_ body: (IdentityRecord) throws -> Void) async throws

    /// Records written since the last resolve (new, changed or deleted), at most `limit`.
    func pendingIdentityRecords(limit: Int) async throws -> PendingIdentityRecords

    /// The observations that share any of `keys`, and the keys shared by more than `cap` observations (too common to
    /// compare pairwise: their observations are left out).
    func observationIDs(sharingKeys keys: [UInt64], cap: Int) async throws -> (ids: [Int64], tooCommon: Set<UInt64>)

    /// Stored observations by record id (those never resolved or deleted are absent).
    func observations(ids: [Int64]) async throws -> [StoredObservation]

    /// The record ids placed in any of `profiles` (aliases followed).
    func members(ofProfiles profiles: [String]) async throws -> [Int64]

    /// Stored links between two of `ids`.
    func links(among ids: [Int64]) async throws -> [IdentityLink]

    /// Every pin (a resolve from scratch keeps to all of them).
    func allPins() async throws -> [IdentityPin]

    /// Pins touching any of `ids`.
    func pins(touching ids: [Int64]) async throws -> [IdentityPin]

    /// Term-frequency counts of the given (field, value) pairs, and the number of observations counted.
    func termCounts(_ terms: [TermKey]) async throws -> (counts: [TermKey: Int], total: Int)

    func loadModel() async throws -> StoredMatchModel?
    func saveModel(_ model: StoredMatchModel) async throws

    /// Writes one resolve: observations, keys, links, placements, aliases, history and term counts, and moves the
    /// pending mark past `pendingThrough`. All or nothing.
    func apply(_ resolution: ResolutionWrite) async throws

    /// The next unused profile number (ids are never reused), reserving `count` of them.
    func reserveProfileNumbers(_ count: Int) async throws -> Int64

    // Reading for explain, correct and evaluate.

    /// The canonical id of a profile id or alias, or nil when it never existed.
    func resolveProfileID(_ id: String) async throws -> String?
    /// (record id, connector, stream, source id, profile id) of every placed record.
    func forEachPlacement(_ body: (RecordPlacement) throws -> Void) async throws
    func placements(ofProfile profile: String) async throws -> [RecordPlacement]
    func placement(connector: String, stream: String, sourceID: String) async throws -> RecordPlacement?
    func history(profile: String?, limit: Int) async throws -> [IdentityEvent]
    /// Saves pins; a pin on a pair that already has one replaces it (the newer decision wins).
    func addPins(_ pins: [IdentityPin]) async throws
    /// Marks records pending, so the next resolve looks at them again.
    func markPending(_ recordIDs: [Int64]) async throws
}

/// A batch of pending records.
public struct PendingIdentityRecords: Sendable {
    public var records: [IdentityRecord]
    /// The highest id of a new record in the batch: the pending mark moves there once the batch is written.
    public var newThrough: Int64?

    public init(records: [IdentityRecord], newThrough: Int64?) {
        self.records = records
        self.newThrough = newThrough
    }
}

/// A trained model's parameters as the store keeps them (the comparisons come from the settings; the fingerprint
/// says which).
public struct StoredMatchModel: Sendable, Codable, Hashable {
    public var fingerprint: String
    public var m: [[Double]]
    public var u: [[Double]]
    public var prior: Double
    public var trainedPairs: Int
    public var trainedAt: Date

    public init(fingerprint: String, m: [[Double]], u: [[Double]], prior: Double, trainedPairs: Int, trainedAt: Date) {
        self.fingerprint = fingerprint
        self.m = m
        self.u = u
        self.prior = prior
        self.trainedPairs = trainedPairs
        self.trainedAt = trainedAt
    }
}

/// A stored record as identity resolution reads it.
public struct IdentityRecord: Sendable {
    public var recordID: Int64
    public var connector: String
    public var entity: Entity
    public var canonicalText: String
    public var deleted: Bool
    public var profileID: String?

    public init(recordID: Int64, connector: String, entity: Entity, canonicalText: String, deleted: Bool, profileID: String?) {
        self.recordID = recordID
        self.connector = connector
        self.entity = entity
        self.canonicalText = canonicalText
        self.deleted = deleted
        self.profileID = profileID
    }
}

public struct StoredObservation: Sendable {
    public var recordID: Int64
    public var connector: String
    public var features: ObservationFeatures
    public var profileID: String?

    public init(recordID: Int64, connector: String, features: ObservationFeatures, profileID: String?) {
        self.recordID = recordID
        self.connector = connector
        self.features = features
        self.profileID = profileID
    }
}

/// Why two observations are linked: a model score above the threshold, or an operator's forced merge.
public struct IdentityLink: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case model, forced }
    /// The smaller record id first.
    public var a: Int64
    public var b: Int64
    public var kind: Kind
    public var weight: Double
    /// Per comparison: `field=level:weight`, for explain.
    public var evidence: String

    public init(a: Int64, b: Int64, kind: Kind, weight: Double, evidence: String) {
        self.a = min(a, b)
        self.b = max(a, b)
        self.kind = kind
        self.weight = weight
        self.evidence = evidence
    }
}

/// An operator's decision the engine keeps to: two records apart (after an unmerge) or together (a forced merge).
public struct IdentityPin: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case apart, together }
    public var a: Int64
    public var b: Int64
    public var kind: Kind

    public init(a: Int64, b: Int64, kind: Kind) {
        self.a = min(a, b)
        self.b = max(a, b)
        self.kind = kind
    }
}

public struct TermKey: Sendable, Hashable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

public struct RecordPlacement: Sendable, Hashable {
    public var recordID: Int64
    public var connector: String
    public var stream: String
    public var sourceID: String
    public var profileID: String?

    public init(recordID: Int64, connector: String, stream: String, sourceID: String, profileID: String?) {
        self.recordID = recordID
        self.connector = connector
        self.stream = stream
        self.sourceID = sourceID
        self.profileID = profileID
    }
}

/// One entry of the merge and split history.
public struct IdentityEvent: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        /// `other` was merged into `profile` (and is now its alias).
        case merged
        /// `other` was split off `profile`.
        case split
        /// A merge the limits or a pin refused.
        case refused
        /// An operator's unmerge or forced merge.
        case unmerged
        case forcedMerge = "forced_merge"
    }

    public var at: Date
    public var action: Action
    public var profile: String
    public var other: String?
    public var detail: String

    public init(at: Date, action: Action, profile: String, other: String?, detail: String) {
        self.at = at
        self.action = action
        self.profile = profile
        self.other = other
        self.detail = detail
    }
}

/// Everything one resolve writes.
public struct ResolutionWrite: Sendable {
    /// Drop every observation, key, link and term count first (a resolve from scratch).
    public var replaceAll = false
    /// Observations to store (new or changed), with their blocking and deterministic keys.
    public var observations: [(recordID: Int64, features: String, keys: [UInt64])] = []
    /// Keys of changed observations' previous features, to drop.
    public var staleKeys: [(key: UInt64, recordID: Int64)] = []
    /// Observations of records that were deleted or no longer carry identity.
    public var removedObservations: [Int64] = []
    /// Links to drop (all links touching these records) before `links` are added.
    public var relinked: [Int64] = []
    public var links: [IdentityLink] = []
    /// Record id → profile id (nil: the record no longer has a profile).
    public var placements: [(recordID: Int64, profileID: String?)] = []
    /// Alias → the profile it now points to.
    public var aliases: [(alias: String, profile: String)] = []
    public var events: [IdentityEvent] = []
    public var termDeltas: [TermKey: Int] = [:]
    public var observationCountDelta = 0
    /// Pending records up to here are done.
    public var pendingThrough: Int64?
    public var resolvedPending: [Int64] = []

    public init() {}
}
