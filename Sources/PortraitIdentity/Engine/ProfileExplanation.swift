/// Why a profile's records are together: the identifiers they share and the model links with their per-field
/// weights, plus the profile's merge and split history.
public struct ProfileExplanation: Sendable {
    public struct Member: Sendable {
        public var placement: RecordPlacement
        public var features: ObservationFeatures?
    }

    public struct SharedIdentifier: Sendable {
        public var type: String
        public var value: String
        public var records: [Int64]
    }

    public var profile: String
    public var members: [Member]
    public var shared: [SharedIdentifier]
    public var links: [IdentityLink]
    public var history: [IdentityEvent]
    /// The comparisons the links' evidence lists, in order.
    public var comparisons: [ComparisonSpec] = []

    /// Reads what explains `profile` (an id or an alias) from the store.
    public static func load(profile requested: String, settings: IdentitySettings, store: any IdentityStore) async throws
        -> ProfileExplanation?
    {
        guard let profile = try await store.resolveProfileID(requested) else { return nil }
        let placements = try await store.placements(ofProfile: profile)
        let ids = placements.map(\.recordID)
        let observations = Dictionary(
            try await store.observations(ids: ids).map { ($0.recordID, $0.features) }, uniquingKeysWith: { a, _ in a })
        var holders: [String: [Int64]] = [:]
        for placement in placements {
            guard let features = observations[placement.recordID] else { continue }
            for rule in settings.identifiers where rule.deterministic {
                for (scoped, values) in features.identifierValues(ofType: rule.type) {
                    for value in values { holders["\(scoped)\u{1F}\(value)", default: []].append(placement.recordID) }
                }
            }
        }
        let shared = holders.filter { $0.value.count > 1 }.map { key, records in
            let parts = key.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
            return SharedIdentifier(type: parts[0], value: parts.count > 1 ? parts[1] : "", records: records)
        }.sorted { ($0.type, $0.value) < ($1.type, $1.value) }
        return ProfileExplanation(
            profile: profile,
            members: placements.map { Member(placement: $0, features: observations[$0.recordID]) },
            shared: shared,
            links: try await store.links(among: ids).sorted { $0.weight > $1.weight },
            history: try await store.history(profile: profile, limit: 50), comparisons: settings.comparisons)
    }

    /// The explanation as text for the terminal.
    public var text: String {
        var lines = ["profile \(profile): \(members.count) record(s)"]
        let label = Dictionary(members.map { ($0.placement.recordID, Self.label($0.placement)) }, uniquingKeysWith: { a, _ in a })
        for member in members {
            var line = "  [\(member.placement.recordID)] \(Self.label(member.placement))"
            if let features = member.features {
                var facts: [String] = []
                if let name = features.name { facts.append(name.full) }
                if let date = features.birthDate { facts.append(date.text) }
                for (type, values) in features.identifiers.sorted(by: { $0.key < $1.key }) {
                    facts.append("\(type) \(values.joined(separator: ", "))")
                }
                if !facts.isEmpty { line += ": " + facts.joined(separator: " · ") }
            } else {
                line += ": (not resolved yet)"
            }
            lines.append(line)
        }
        if !shared.isEmpty {
            lines.append("shared identifiers (deterministic):")
            for identifier in shared {
                lines.append("  \(identifier.type) \(identifier.value): records \(identifier.records.map(String.init).joined(separator: ", "))")
            }
        }
        if !links.isEmpty {
            lines.append("model links (match weight, probability, per field):")
            for link in links {
                let probability = MatchModel.probability(weight: link.weight)
                let who = "\(label[link.a] ?? String(link.a)) ~ \(label[link.b] ?? String(link.b))"
                let weight = (link.weight * 100).rounded() / 100
                if link.kind == .forced {
                    lines.append("  \(who): forced by an operator's merge")
                } else {
                    lines.append("  \(who): weight \(weight), p = \(Self.percent(probability))")
                    lines.append("    " + IdentityResolver.describe(evidence: link.evidence, comparisons: comparisons))
                }
            }
        }
        if !history.isEmpty {
            lines.append("history (newest first):")
            for event in history { lines.append("  \(event.at) \(event.action.rawValue): \(event.detail)") }
        }
        return lines.joined(separator: "\n")
    }

    static func label(_ placement: RecordPlacement) -> String {
        "\(placement.connector)/\(placement.stream)/\(placement.sourceID)"
    }

    static func percent(_ probability: Double) -> String {
        let value = (probability * 10000).rounded() / 10000
        return "\(value)"
    }
}
