/// The keys an observation is filed under: one set per blocking rule, and one per deterministic identifier value.
///
/// Keys are 64-bit hashes (FNV-1a over the rule's number and the values): the store indexes them as integers, and a
/// collision only adds a candidate pair that the model then scores.
public struct BlockingKeys: Sendable {
    /// Per blocking rule: the observation's keys (none when a field of the rule is missing).
    public var rules: [[UInt64]]
    /// Deterministic identifier keys with the type's priority (index into `IdentitySettings.identifiers`).
    public var deterministic: [(key: UInt64, priority: Int)]

    /// Every key, for the store's index.
    public var all: [UInt64] { rules.flatMap { $0 } + deterministic.map(\.key) }

    public init(_ features: ObservationFeatures, settings: IdentitySettings) {
        rules = settings.blocking.enumerated().map { index, rule in
            Self.keys(features, rule: rule, salt: UInt64(index + 1))
        }
        var deterministic: [(UInt64, Int)] = []
        for (priority, rule) in settings.identifiers.enumerated() where rule.deterministic {
            for (scopedType, values) in features.identifierValues(ofType: rule.type) {
                for value in values {
                    deterministic.append((Self.hash(["id", scopedType, value], salt: 0), priority))
                }
            }
        }
        self.deterministic = deterministic
    }

    static func keys(_ features: ObservationFeatures, rule: BlockingRule, salt: UInt64) -> [UInt64] {
        var combinations: [[String]] = [[]]
        for field in rule.fields {
            let values = features.values(of: field)
            if values.isEmpty { return [] }
            combinations = combinations.flatMap { prefix in values.map { prefix + [$0] } }
        }
        return combinations.map { hash($0, salt: salt) }
    }

    /// FNV-1a, 64 bits, over the UTF-8 of the parts with a separator, seeded by `salt`.
    static func hash(_ parts: [String], salt: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (salt &* 0x9E37_79B9_7F4A_7C15)
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0x1F
            hash = hash &* 0x100_0000_01b3
        }
        // SQLite integers are signed: keep the top bit clear so keys sort the same in both.
        return hash & 0x7FFF_FFFF_FFFF_FFFF
    }
}
