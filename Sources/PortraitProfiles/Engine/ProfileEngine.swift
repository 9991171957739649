public import Foundation
import PortraitCore

/// Builds profiles from the records identity resolution placed, keeps them current, and keeps segment membership
/// and the change feed with them.
///
/// A rebuild computes every profile; an update computes only the profiles queued since (new records, merges,
/// splits, late orders, deletions), scored against the RFM boundaries of the last rebuild. Either way a profile is
/// computed whole from its records, so merges and splits never leave a trait patched with numbers that cannot be
/// undone. Each write batch is one transaction: a profile, its fields, its version and its change events land
/// together or not at all.
public struct ProfileEngine: Sendable {
    public let store: any ProfileStore
    public let settings: ProfileSettings
    /// Profiles read and computed per batch.
    public var readBatch = 20_000
    /// Profiles per write transaction.
    public var writeBatch = 20_000
    /// Dirty profiles taken per update round.
    public var updateBatch = 20_000
    /// Buyers a rebuild computes before it estimates the RFM boundaries from them and stores buyers' fields
    /// right away (rewriting, at the end, only those the population's boundaries score differently).
    public var estimateAfter = 10_000

    /// The profile's fields under `settings`: the fields table's columns.
    public let layout: ProfileLayout

    public init(store: any ProfileStore, settings: ProfileSettings) {
        self.store = store
        self.settings = settings
        self.layout = ProfileLayout(traits: settings.traits)
    }

    /// The fields table's layout, fingerprinted: a changed trait list rebuilds the table.
    public var layoutFingerprint: String {
        let text = layout.fields.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",")
        return String(ContentHash.sha256(Data(text.utf8)).prefix(16))
    }

    // MARK: Rebuild

    /// Computes every profile, writes what changed, removes profiles without records, re-evaluates every segment
    /// and stores the new RFM boundaries. Also the daily refresh of time-window traits.
    ///
    /// RFM scores need every buyer's measures first, so the rebuild runs in two passes. The first computes every
    /// profile and already stores a new profile's document and its event, the fields of profiles without
    /// purchases, and, once `estimateAfter` buyers give an estimate of the boundaries, new buyers' fields scored
    /// against it. The second scores with the population's boundaries, writes the fields that were not stored or
    /// come out different, and compares profiles already stored with what they were.
    public func rebuild(now: Date = Date(), progress: @Sendable (String) -> Void = { _ in }) async throws -> ProfileReport {
        var report = ProfileReport(mode: .rebuild)
        var clock = ContinuousClock.now
        let mark = try await store.dirtyMark()
        let state = try await store.profileState()
        let fingerprint = layoutFingerprint
        let computer = ProfileComputer(settings: settings, now: now.timeIntervalSince1970)
        let existing = try await store.storedProfileIDs()
        // A changed layout fills a staging fields table that replaces the old one at the end: until then stored
        // profiles read back (and compare, and become versions) with the fields they were stored with.
        let restage = state?.layoutFingerprint != fingerprint
        var fields = FieldsTarget(table: restage ? .staging : .current, create: restage)

        // The store reads the next batch while the cores compute this one, and the writer stores the one before.
        var pending: [PendingProfile] = []
        var computed = 0
        var computing: Task<[PendingProfile], Never>?
        var writing: Task<Void, any Error>?
        // RFM boundaries estimated from the first buyers: new buyers after them are stored whole in this pass.
        var early: [(recency: Double, frequency: Double, monetary: Double)] = []
        var estimated: RFMCutoffs?
        func settle(_ batch: [PendingProfile]) async throws {
            computed += batch.count
            var fresh: [PendingProfile] = []
            for profile in batch {
                if existing.contains(profile.id) { pending.append(profile) } else { fresh.append(profile) }
                if estimated == nil, let rfm = profile.rfm { early.append(rfm) }
            }
            if estimated == nil, early.count >= estimateAfter {
                estimated = RFMCutoffs(early)
                early = []
            }
            guard !fresh.isEmpty else { return }
            let origins = try await store.identityOrigins(created: fresh.map(\.id), removed: [])
            var upserts: [ProfileWrite.Upsert] = []
            var changes: [ProfileChange] = []
            for var profile in fresh {
                report.count(profile.counts, unreadable: profile.unreadable)
                changes.append(creationEvent(profile.id, counts: profile.counts, splitFrom: origins.splitFrom, now: now, report: &report))
                if profile.rfm == nil {
                    // No purchase, no RFM score: the fields are final now.
                    upserts.append(.init(id: profile.id, slim: profile.slim, values: computer.finish(profile, cutoffs: .none).values, newVersion: false))
                } else {
                    let values = estimated.map { computer.finish(profile, cutoffs: $0).values }
                    upserts.append(.init(id: profile.id, slim: profile.slim, values: values, newVersion: false))
                    profile.slim = ""
                    profile.written = true
                    profile.scoredEarly = values != nil
                    pending.append(profile)
                }
            }
            if let writing { try await writing.value }
            let write = ProfileWrite(
                at: now, layout: layout, fieldsTable: fields.table, createFieldsTable: fields.take(), upserts: upserts,
                changes: changes)
            let store = self.store
            writing = Task { try await store.applyProfiles(write) }
        }
        try await store.forEachProfileBatch(batchSize: readBatch) { batch in
            let done = await computing?.value
            // The cores start on this batch before the one they finished is handed to the writer.
            computing = Task {
                await Parallel.offPool {
                    Parallel.map(batch) { item in computer.pending(FactExtractor.facts(profileID: item.profile, records: item.records)) }
                }
            }
            if let done { try await settle(done) }
            progress("computed \(computed) profiles")
        }
        if let computing { try await settle(await computing.value) }
        if let writing { try await writing.value }
        report.lap("read and compute", since: &clock)
        let cutoffs = RFMCutoffs(pending.compactMap(\.rfm))
        let removed = existing.subtracting(pending.map(\.id)).sorted()

        // The cores score the next chunk while the store writes this one. A buyer stored with estimated boundaries
        // is written again only when the population's boundaries give it other fields.
        let all = pending
        pending = []
        let estimate = estimated
        func finishing(from start: Int) -> Task<[FinishedProfile], Never>? {
            guard start < all.count else { return nil }
            let chunk = Array(all[start..<min(all.count, start + writeBatch)])
            return Task {
                await Parallel.offPool {
                    Parallel.map(chunk) { profile -> FinishedProfile? in
                        let finished = computer.finish(profile, cutoffs: cutoffs)
                        guard profile.scoredEarly, let estimate else { return finished }
                        // Scoring replaces every scored field, so rescoring the final values with the estimate
                        // gives what was stored.
                        var stored = finished.values
                        computer.score(&stored, cutoffs: estimate)
                        return stored == finished.values ? nil : finished
                    }.compactMap { $0 }
                }
            }
        }
        var next = finishing(from: 0)
        var scored = 0
        while let current = next {
            let finished = await current.value
            scored = min(all.count, scored + writeBatch)
            next = finishing(from: scored)
            try await write(finished, removed: [], now: now, fields: &fields, allFields: restage, report: &report, existing: existing)
            progress("scored \(scored) of \(all.count) profiles")
        }
        if !removed.isEmpty {
            try await write([], removed: removed, now: now, fields: &fields, allFields: false, report: &report)
        }
        if restage {
            try await store.applyProfiles(ProfileWrite(at: now, layout: layout, promoteStaging: true))
        }
        report.computed = computed
        report.lap("score and write", since: &clock)

        try await evaluateSegments(among: nil, now: now, report: &report)
        report.lap("segments", since: &clock)

        try await store.applyProfiles(
            ProfileWrite(
                at: now, layout: layout, clearDirtyThrough: mark,
                state: ProfileState(cutoffs: cutoffs, layoutFingerprint: fingerprint, builtAt: now)))
        return report
    }

    /// The fields table a run writes to, and whether its first write builds it.
    struct FieldsTarget {
        var table: ProfileWrite.FieldsTable
        var create: Bool

        mutating func take() -> Bool {
            defer { create = false }
            return create
        }
    }

    /// The event of a profile new to the store: split off another, or created.
    private func creationEvent(
        _ id: String, counts: RecordCounts, splitFrom: [String: String], now: Date, report: inout ProfileReport
    ) -> ProfileChange {
        if let parent = splitFrom[id] {
            report.split += 1
            return ProfileChange(at: now, kind: .split, profile: id, other: parent, detail: .object(["records": counts.json]))
        }
        report.created += 1
        return ProfileChange(at: now, kind: .created, profile: id, detail: .object(["records": counts.json]))
    }

    // MARK: Update

    /// Computes the queued profiles only. Without a previous rebuild, when the declared traits changed the fields,
    /// or when every profile is queued (after a resolve from scratch), it rebuilds instead.
    public func update(now: Date = Date(), progress: @Sendable (String) -> Void = { _ in }) async throws -> ProfileReport {
        guard let state = try await store.profileState(), state.layoutFingerprint == layoutFingerprint,
            try await !store.rebuildQueued()
        else {
            return try await rebuild(now: now, progress: progress)
        }
        var report = ProfileReport(mode: .update)
        var clock = ContinuousClock.now
        let computer = ProfileComputer(settings: settings, now: now.timeIntervalSince1970)
        var fields = FieldsTarget(table: .current, create: false)
        // Segments whose definition is new or changed are evaluated over every profile first.
        try await evaluateChangedDefinitions(now: now, report: &report)
        while true {
            let dirty = try await store.dirtyProfiles(limit: updateBatch)
            if dirty.isEmpty { break }
            let ids = dirty.map(\.profile)
            let records = try await store.records(ofProfiles: ids)
            let items = ids.compactMap { id in records[id].map { (profile: id, records: $0) } }
            let finished = Parallel.map(items) { item in
                computer.finish(
                    computer.pending(FactExtractor.facts(profileID: item.profile, records: item.records)), cutoffs: state.cutoffs)
            }
            let removed = ids.filter { records[$0] == nil }
            try await write(finished, removed: removed, now: now, fields: &fields, allFields: false, report: &report, clearing: dirty)
            try await evaluateSegments(among: ids, now: now, report: &report)
            report.computed += finished.count
            progress("updated \(report.computed) profiles")
        }
        report.lap("update", since: &clock)
        return report
    }

    // MARK: Writing

    /// Compares with the stored documents and writes what changed, with the change events.
    private func write(
        _ finished: [FinishedProfile], removed: [String], now: Date, fields: inout FieldsTarget, allFields: Bool,
        report: inout ProfileReport, clearing dirty: [DirtyProfile] = [], existing: Set<String>? = nil
    ) async throws {
        // A rebuild knows which ids are stored: it reads only those documents (none on a first build).
        let wanted = (finished.filter { !$0.written }.map(\.id) + removed).filter { existing?.contains($0) ?? true }
        let stored = try await store.storedProfiles(ids: wanted)
        let created = finished.filter { !$0.written && stored[$0.id] == nil }.map(\.id)
        let removedStored = removed.filter { stored[$0] != nil }
        let origins = try await store.identityOrigins(created: created, removed: removedStored)
        var upserts: [ProfileWrite.Upsert] = []
        var changes: [ProfileChange] = []
        for profile in finished {
            if profile.written {
                // Stored in the first pass but for the fields that waited for the RFM boundaries.
                upserts.append(.init(id: profile.id, slim: nil, values: profile.values, newVersion: false))
                continue
            }
            report.count(profile.counts, unreadable: profile.unreadable)
            guard let old = stored[profile.id] else {
                upserts.append(.init(id: profile.id, slim: profile.slim, values: profile.values, newVersion: false))
                changes.append(creationEvent(profile.id, counts: profile.counts, splitFrom: origins.splitFrom, now: now, report: &report))
                continue
            }
            let document = ProfileDocument.composed(profile.slim, fields: ProfileDocument.fields(profile.values, layout: layout))
            if old.document == document {
                report.unchanged += 1
                if allFields { upserts.append(.init(id: profile.id, slim: profile.slim, values: profile.values, newVersion: false)) }
                continue
            }
            let before = (try? JSONValue(parsing: old.document)) ?? .object([:])
            let after = (try? JSONValue(parsing: document)) ?? .object([:])
            let differences = ProfileDocument.changes(from: before, to: after).filter { change in
                guard let field = change["field"]?.stringValue, field.hasPrefix("fields.") else { return true }
                return !ProfileFields.clockDriven.contains(String(field.dropFirst("fields.".count)))
            }
            if differences.isEmpty {
                report.refreshed += 1
                upserts.append(.init(id: profile.id, slim: profile.slim, values: profile.values, newVersion: false))
            } else {
                report.updated += 1
                upserts.append(.init(id: profile.id, slim: profile.slim, values: profile.values, newVersion: true))
                changes.append(
                    ProfileChange(at: now, kind: .updated, profile: profile.id, detail: .object(["changes": .array(differences)])))
            }
        }
        for id in removedStored {
            if let target = origins.mergedInto[id] {
                report.merged += 1
                changes.append(ProfileChange(at: now, kind: .merged, profile: id, other: target))
            } else {
                report.deleted += 1
                changes.append(ProfileChange(at: now, kind: .deleted, profile: id))
            }
        }
        try await store.applyProfiles(
            ProfileWrite(
                at: now, layout: layout, fieldsTable: fields.table, createFieldsTable: fields.take(), upserts: upserts,
                removals: removedStored, changes: changes, clearDirty: dirty))
    }

    // MARK: Segments

    /// The SQL column of a field in the fields table.
    public static func column(_ field: String) -> String { "\"f_\(field)\"" }

    /// Evaluates every configured segment over `ids` (all profiles when nil) and writes entries and exits; saves
    /// new and changed definitions and retires segments no longer configured.
    private func evaluateSegments(among ids: [String]?, now: Date, report: inout ProfileReport) async throws {
        let stored = try await store.segmentDefinitions()
        let configured = Set(settings.segments.map(\.name))
        var write = SegmentWrite(at: now)
        write.removedSegments = stored.map(\.name).filter { !configured.contains($0) }
        for segment in settings.segments {
            let expression = segment.condition.description
            let definition = stored.first { $0.name == segment.name }
            let changed = definition?.expression != expression || definition?.description != segment.description
            if changed { write.definitions.append((segment.name, expression, segment.description)) }
            // A new or changed definition is evaluated over everyone, whatever `ids` says: by the store, in SQL.
            guard let scope = definition?.expression == expression ? ids : nil else {
                write.evaluated.append((segment.name, segment.condition.sql(column: Self.column)))
                continue
            }
            let now = try await store.profiles(matching: segment.condition.sql(column: Self.column), among: scope)
            let before = try await store.segmentMembers(segment.name, among: scope)
            for profile in now.subtracting(before).sorted() { write.entered.append((segment.name, profile)) }
            for profile in before.subtracting(now).sorted() { write.exited.append((segment.name, profile)) }
        }
        report.entered += write.entered.count
        report.exited += write.exited.count
        if write.definitions.isEmpty && write.removedSegments.isEmpty && write.entered.isEmpty && write.exited.isEmpty
            && write.evaluated.isEmpty
        {
            return
        }
        let evaluated = try await store.applySegments(write)
        report.entered += evaluated.entered
        report.exited += evaluated.exited
    }

    private func evaluateChangedDefinitions(now: Date, report: inout ProfileReport) async throws {
        let stored = try await store.segmentDefinitions()
        let current = Dictionary(stored.map { ($0.name, $0.expression) }, uniquingKeysWith: { a, _ in a })
        let changed = settings.segments.contains { current[$0.name] != $0.condition.description }
            || Set(current.keys) != Set(settings.segments.map(\.name))
        if changed { try await evaluateSegments(among: [], now: now, report: &report) }
    }

    // MARK: Preview

    /// How many profiles `expression` selects now, with a sample of their ids, without saving anything.
    public func preview(_ expression: SegmentExpression, sample: Int = 10) async throws -> (count: Int, sample: [String]) {
        try await store.countProfiles(matching: expression.sql(column: Self.column), sample: sample)
    }
}
