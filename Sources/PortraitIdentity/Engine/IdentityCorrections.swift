public import Foundation

/// An operator's corrections: they become pins the engine keeps to in every later resolve, then the profiles
/// involved are resolved again at once.
extension IdentityResolver {
    public enum CorrectionError: Error, CustomStringConvertible, Sendable {
        case unknownProfile(String)
        case unknownRecord(String)
        case recordNotInProfile(record: String, profile: String, actual: String?)
        case sameProfile(String)

        public var description: String {
            switch self {
            case .unknownProfile(let id):
                return "there is no profile \(id); `portrait identity history` lists merged ids, `portrait export` the current ones"
            case .unknownRecord(let record):
                return "there is no record \(record); name it as connector/stream/source_id (as `portrait identity explain` prints it)"
            case .recordNotInProfile(let record, let profile, let actual):
                return "record \(record) is not in profile \(profile)" + (actual.map { " (it is in \($0))" } ?? "")
            case .sameProfile(let id):
                return "both ids name profile \(id): nothing to merge"
            }
        }
    }

    /// Splits `record` (connector/stream/source_id) off `profile` and pins it apart from the profile's other
    /// records, so no later resolve merges them again.
    ///
    /// The id stays with the part that holds the profile's oldest record, as for any split: when that is the
    /// record itself, the rest moves to a new id. Both are returned, so the caller can say where each went.
    ///
    /// - Returns: The record's profile after the split, the profile of the records it was split from, and the
    ///   report of the resolve.
    public func unmerge(
        profile requested: String, record: String
    ) async throws -> (profile: String?, rest: String?, report: ResolveReport) {
        guard let profile = try await store.resolveProfileID(requested) else { throw CorrectionError.unknownProfile(requested) }
        let target = try await placement(of: record)
        guard target.profileID == profile else {
            throw CorrectionError.recordNotInProfile(record: record, profile: profile, actual: target.profileID)
        }
        let members = try await store.placements(ofProfile: profile)
        let pins = members.filter { $0.recordID != target.recordID }.map {
            IdentityPin(a: target.recordID, b: $0.recordID, kind: .apart)
        }
        try await store.addPins(pins)
        try await store.markPending(members.map(\.recordID))
        var report = try await resolvePending()
        var write = ResolutionWrite()
        let after = try await store.placement(connector: target.connector, stream: target.stream, sourceID: target.sourceID)
        var rest: String?
        if let other = members.first(where: { $0.recordID != target.recordID }) {
            rest = try await store.placement(connector: other.connector, stream: other.stream, sourceID: other.sourceID)?
                .profileID
        }
        write.events = [
            IdentityEvent(
                at: Date(), action: .unmerged, profile: profile, other: after?.profileID,
                detail: "record \(record) unmerged from \(profile) by an operator: it is in \(after?.profileID ?? "no profile"), "
                    + "the rest in \(rest ?? "no profile")")
        ]
        try await store.apply(write)
        report.affectedProfiles.insert(profile)
        return (after?.profileID, rest, report)
    }

    /// Merges two profiles (ids or aliases) and pins them together.
    public func merge(_ first: String, _ second: String) async throws -> (profile: String?, report: ResolveReport) {
        guard let a = try await store.resolveProfileID(first) else { throw CorrectionError.unknownProfile(first) }
        guard let b = try await store.resolveProfileID(second) else { throw CorrectionError.unknownProfile(second) }
        guard a != b else { throw CorrectionError.sameProfile(a) }
        let left = try await store.placements(ofProfile: a)
        let right = try await store.placements(ofProfile: b)
        guard let anchorA = left.first, let anchorB = right.first else { throw CorrectionError.unknownProfile(left.isEmpty ? a : b) }
        // Pins apart between the two sides are lifted: the newer decision wins.
        var pins = [IdentityPin(a: anchorA.recordID, b: anchorB.recordID, kind: .together)]
        let existing = try await store.pins(touching: left.map(\.recordID))
        let rightIDs = Set(right.map(\.recordID))
        for pin in existing where pin.kind == .apart && (rightIDs.contains(pin.a) || rightIDs.contains(pin.b)) {
            pins.append(IdentityPin(a: pin.a, b: pin.b, kind: .together))
        }
        try await store.addPins(pins)
        try await store.markPending((left + right).map(\.recordID))
        var report = try await resolvePending()
        let after = try await store.resolveProfileID(a)
        var write = ResolutionWrite()
        write.events = [
            IdentityEvent(
                at: Date(), action: .forcedMerge, profile: after ?? a, other: after == a ? b : a,
                detail: "\(a) and \(b) merged by an operator")
        ]
        try await store.apply(write)
        report.affectedProfiles.formUnion([a, b])
        return (after, report)
    }

    func placement(of record: String) async throws -> RecordPlacement {
        let parts = record.split(separator: "/", maxSplits: 2).map(String.init)
        guard parts.count == 3,
            let placement = try await store.placement(connector: parts[0], stream: parts[1], sourceID: parts[2])
        else { throw CorrectionError.unknownRecord(record) }
        return placement
    }
}
