public import Foundation
public import PortraitCore

/// What the profile engine needs from the store. `SQLiteStore` implements it; every write is one transaction.
public protocol ProfileStore: Sendable {
    /// Streams the placed, non-deleted records of every profile, `batchSize` profiles at a time, each profile's
    /// records together.
    func forEachProfileBatch(
        batchSize: Int, _ body: ([(profile: String, records: [ProfileSourceRecord])]) async throws -> Void
    ) async throws

    /// The placed, non-deleted records of `profiles` (a profile without records is absent).
    func records(ofProfiles profiles: [String]) async throws -> [String: [ProfileSourceRecord]]

    /// Profiles whose records changed, moved or were deleted since they were last computed, oldest first.
    func dirtyProfiles(limit: Int) async throws -> [DirtyProfile]

    /// The newest dirty mark (a rebuild clears everything up to the mark it started at).
    func dirtyMark() async throws -> Int64

    /// Whether the queue holds ``DirtyProfile/everyProfile``: the next update must be a rebuild.
    func rebuildQueued() async throws -> Bool

    /// The stored profiles among `ids`.
    func storedProfiles(ids: [String]) async throws -> [String: StoredProfile]

    /// Every stored profile id (a rebuild removes those that no longer have records).
    func storedProfileIDs() async throws -> Set<String>

    /// The last rebuild's state: RFM boundaries, the field layout's fingerprint, when.
    func profileState() async throws -> ProfileState?

    /// Where new and vanished profiles came from and went: splits recorded by identity resolution for `created`,
    /// aliases for `removed`.
    func identityOrigins(created: [String], removed: [String]) async throws -> (
        splitFrom: [String: String], mergedInto: [String: String]
    )

    /// Writes profiles, versions, field rows and change events, and clears the dirty marks written. All or
    /// nothing.
    func applyProfiles(_ write: ProfileWrite) async throws

    /// The profiles among `ids` (all when nil) whose fields satisfy `condition` (compiled SQL and its arguments).
    func profiles(matching condition: (sql: String, arguments: [SQLArgument]), among ids: [String]?) async throws
        -> Set<String>

    /// How many profiles satisfy `condition`, and the first `sample` of their ids.
    func countProfiles(matching condition: (sql: String, arguments: [SQLArgument]), sample: Int) async throws -> (
        count: Int, sample: [String]
    )

    /// Current members of `segment` among `ids` (all when nil).
    func segmentMembers(_ segment: String, among ids: [String]?) async throws -> Set<String>

    /// Stored segment definitions.
    func segmentDefinitions() async throws -> [SegmentDefinitionRow]

    /// Writes segment definitions, entries, exits and their change events, all or nothing; returns the entries and
    /// exits it made for the `evaluated` segments.
    @discardableResult
    func applySegments(_ write: SegmentWrite) async throws -> (entered: Int, exited: Int)
}

public struct DirtyProfile: Sendable, Hashable {
    /// Queued instead of each profile when every placement changed at once (a resolve from scratch): the next
    /// update rebuilds.
    public static let everyProfile = "*"

    public var profile: String
    /// The queue position: a later change to the same profile gets a higher one, so clearing up to this mark
    /// never drops a change made while the profile was being computed.
    public var mark: Int64

    public init(profile: String, mark: Int64) {
        self.profile = profile
        self.mark = mark
    }
}

public struct StoredProfile: Sendable, Hashable {
    public var id: String
    public var document: String
    public var version: Int
    public var createdAt: Date
    /// When the current version began.
    public var versionAt: Date

    public init(id: String, document: String, version: Int, createdAt: Date, versionAt: Date) {
        self.id = id
        self.document = document
        self.version = version
        self.createdAt = createdAt
        self.versionAt = versionAt
    }
}

public struct ProfileState: Sendable, Hashable, Codable {
    public var cutoffs: RFMCutoffs
    /// The field layout the fields table was built for.
    public var layoutFingerprint: String
    public var builtAt: Date

    public init(cutoffs: RFMCutoffs, layoutFingerprint: String, builtAt: Date) {
        self.cutoffs = cutoffs
        self.layoutFingerprint = layoutFingerprint
        self.builtAt = builtAt
    }
}

/// One write of computed profiles.
public struct ProfileWrite: Sendable {
    public struct Upsert: Sendable {
        public var id: String
        /// The document without its fields (``ProfileDocument/slim(_:)``); nil leaves the stored one as it is.
        public var slim: String?
        /// The field values, for the fields table; nil leaves its row as it is.
        public var values: [ProfileValue?]?
        /// True when the profile changed beyond its clock-driven fields: the stored profile becomes a version.
        public var newVersion: Bool

        public init(id: String, slim: String?, values: [ProfileValue?]?, newVersion: Bool) {
            self.id = id
            self.slim = slim
            self.values = values
            self.newVersion = newVersion
        }
    }

    /// Where field values go: the fields table, or (while a rebuild for a changed layout fills it) the staging
    /// table that replaces it at the end, so stored profiles read back with their old fields until then.
    public enum FieldsTable: String, Sendable {
        case current = "profile_fields"
        case staging = "profile_fields_next"
    }

    public var at: Date
    /// The fields table's columns.
    public var layout: ProfileLayout
    public var fieldsTable: FieldsTable
    /// Drops `fieldsTable` and builds it for `layout` before writing.
    public var createFieldsTable: Bool
    /// Replaces the fields table with the staging table, after everything else in this write.
    public var promoteStaging: Bool
    public var upserts: [Upsert]
    /// Profiles without records any more (merged away or deleted): their document becomes their last version.
    public var removals: [String]
    public var changes: [ProfileChange]
    public var clearDirty: [DirtyProfile]
    /// Clears every dirty mark up to this one (a rebuild).
    public var clearDirtyThrough: Int64?
    public var state: ProfileState?

    public init(
        at: Date, layout: ProfileLayout, fieldsTable: FieldsTable = .current, createFieldsTable: Bool = false,
        promoteStaging: Bool = false, upserts: [Upsert] = [], removals: [String] = [], changes: [ProfileChange] = [],
        clearDirty: [DirtyProfile] = [], clearDirtyThrough: Int64? = nil, state: ProfileState? = nil
    ) {
        self.at = at
        self.layout = layout
        self.fieldsTable = fieldsTable
        self.createFieldsTable = createFieldsTable
        self.promoteStaging = promoteStaging
        self.upserts = upserts
        self.removals = removals
        self.changes = changes
        self.clearDirty = clearDirty
        self.clearDirtyThrough = clearDirtyThrough
        self.state = state
    }
}

/// One entry of the change feed.
public struct ProfileChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case created = "profile.created"
        case updated = "profile.updated"
        case merged = "profile.merged"
        case split = "profile.split"
        case deleted = "profile.deleted"
        case entered = "segment.entered"
        case exited = "segment.exited"
    }

    public var id: Int64?
    public var at: Date
    public var kind: Kind
    public var profile: String
    /// The profile merged into (merged) or split from (split).
    public var other: String?
    public var segment: String?
    /// What changed, as canonical JSON.
    public var detail: JSONValue

    public init(
        id: Int64? = nil, at: Date, kind: Kind, profile: String, other: String? = nil, segment: String? = nil,
        detail: JSONValue = .object([:])
    ) {
        self.id = id
        self.at = at
        self.kind = kind
        self.profile = profile
        self.other = other
        self.segment = segment
        self.detail = detail
    }

    /// The JSON Lines form of `portrait changes` and webhooks.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(kind.rawValue), "at": .string(Timestamps.text(at.timeIntervalSince1970)),
            "profile_id": .string(profile), "detail": detail,
        ]
        if let id { object["id"] = .number(Int(id)) }
        if let other { object[kind == .merged ? "into" : "from"] = .string(other) }
        if let segment { object["segment"] = .string(segment) }
        return .object(object)
    }
}

public struct SegmentDefinitionRow: Sendable, Hashable {
    public var name: String
    public var expression: String
    public var description: String?
    public var definedAt: Date
    public var members: Int

    public init(name: String, expression: String, description: String?, definedAt: Date, members: Int) {
        self.name = name
        self.expression = expression
        self.description = description
        self.definedAt = definedAt
        self.members = members
    }
}

public struct SegmentWrite: Sendable {
    public var at: Date
    /// Definitions to save (name, normalised expression, description); a changed expression replaces the stored one.
    public var definitions: [(name: String, expression: String, description: String?)]
    /// Segments no longer configured: their open memberships end (each an exit event) and the definition goes.
    public var removedSegments: [String]
    public var entered: [(segment: String, profile: String)]
    public var exited: [(segment: String, profile: String)]
    /// Memberships of profiles that no longer exist end without an event of their own (their removal is one).
    public var closedWithProfiles: [String]
    /// Segments evaluated over every profile by the store itself, each with its condition as SQL over the fields
    /// table: entries and exits are worked out and written there, with their events, without a round trip of
    /// every member's id. Their events come after `entered`'s and `exited`'s own, entries before exits.
    public var evaluated: [(segment: String, condition: (sql: String, arguments: [SQLArgument]))] = []

    public init(
        at: Date, definitions: [(name: String, expression: String, description: String?)] = [],
        removedSegments: [String] = [], entered: [(segment: String, profile: String)] = [],
        exited: [(segment: String, profile: String)] = [], closedWithProfiles: [String] = []
    ) {
        self.at = at
        self.definitions = definitions
        self.removedSegments = removedSegments
        self.entered = entered
        self.exited = exited
        self.closedWithProfiles = closedWithProfiles
    }
}

/// What `portrait profiles`, `portrait segments`, `portrait changes` and the export read.
public protocol ProfileReader: Sendable {
    /// The profile as it is now.
    func storedProfile(id: String) async throws -> StoredProfile?

    /// The profile's document as it was at `date`: the version valid then, or nil when it did not exist yet (or
    /// no more).
    func profileDocument(id: String, asOf date: Date) async throws -> (document: String, version: Int)?

    /// Every version of a profile: (version, valid from, valid to (nil for the current one)).
    func profileVersions(id: String) async throws -> [(version: Int, from: Date, to: Date?)]

    /// Change events after the event `afterID`, or at or after `since`, oldest first, at most `limit`.
    func changes(afterID: Int64?, since: Date?, profile: String?, limit: Int) async throws -> [ProfileChange]

    /// A profile's memberships, current and past, as of `date` when given (current ones only then).
    func memberships(profile: String, asOf date: Date?) async throws -> [(segment: String, entered: Date, exited: Date?)]

    /// Current members of a segment in id order, after `afterID`, at most `limit`, with their entry times.
    func members(segment: String, after afterID: String?, limit: Int) async throws -> [(profile: String, entered: Date)]

    /// Profiles whose email, phone, name or any alternate or identifier equals `query` (or whose name starts
    /// with it), at most `limit`.
    func searchProfiles(_ query: String, limit: Int) async throws -> [String]

    /// (connector, stream, source id) of records by id, for showing provenance.
    func recordKeys(_ ids: [Int64]) async throws -> [Int64: (connector: String, stream: String, sourceID: String)]

    /// Streams current profiles (all, or one segment's members) in id order, `pageSize` at a time.
    func forEachProfileDocument(segment: String?, _ body: (StoredProfile) throws -> Void) async throws
}
