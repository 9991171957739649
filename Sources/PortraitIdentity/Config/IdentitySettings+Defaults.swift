extension IdentitySettings {
    /// The shipped model: what a config without an `identity` section gets.
    ///
    /// Identifiers: a CRM's id means one person within that CRM, and a profile may hold up to three ids of one CRM
    /// (CRMs hold duplicates of one person, which should merge; more is a chain of wrong links); national ids, member
    /// cards, WeChat open ids and emails link deterministically; phones do not (families and shops share them) and
    /// count as strong evidence in the model instead. Blocking follows the canonical schema: any one exact key a
    /// person's records are likely to share even with typos elsewhere.
    public static let standard = IdentitySettings(
        identifiers: [
            IdentifierRule(type: "crm_id", deterministic: true, scope: .connector, maxPerProfile: 3),
            IdentifierRule(type: "national_id", deterministic: true),
            IdentifierRule(type: "member_card", deterministic: true, maxPerProfile: 3),
            IdentifierRule(type: "wechat_openid", deterministic: true, maxPerProfile: 3),
            IdentifierRule(type: "email", deterministic: true, maxPerProfile: 5),
            IdentifierRule(type: "device_id", deterministic: false, maxPerProfile: 10),
            IdentifierRule(type: "phone", deterministic: false, maxPerProfile: 5),
        ],
        blockedValues: [
            BlockedValue(type: nil, match: .pattern("^0+$")),
            BlockedValue(type: nil, match: .pattern("^(null|none|nil|n/?a|unknown|undefined|test|-+)$")),
            BlockedValue(type: "email", match: .pattern("^(test|noreply|no-reply|donotreply|none|null)@")),
            BlockedValue(type: "phone", match: .pattern("^\\+?[0-9]{0,3}(\\d)\\1{6,}$")),
        ],
        blocking: [
            BlockingRule(fields: [.identifier("phone")]),
            BlockingRule(fields: [.name]),
            BlockingRule(fields: [.family, .birthDate]),
            BlockingRule(fields: [.given, .birthDate]),
            BlockingRule(fields: [.postcode, .family]),
            BlockingRule(fields: [.postcode, .given]),
            BlockingRule(fields: [.birthDate, .city]),
            BlockingRule(fields: [.identifier("national_id")]),
        ],
        comparisons: [
            ComparisonSpec(
                field: .given,
                levels: [.exact, .swapped, .damerauLevenshtein(1), .jaroWinkler(0.9), .jaroWinkler(0.8)],
                termFrequency: true, differentVetoes: true),
            ComparisonSpec(
                field: .family,
                levels: [.exact, .swapped, .damerauLevenshtein(1), .jaroWinkler(0.9), .jaroWinkler(0.8)],
                termFrequency: true),
            ComparisonSpec(
                field: .birthDate, levels: [.exact, .transposed, .withinMonth, .withinYear], termFrequency: false),
            ComparisonSpec(field: .identifier("phone"), levels: [.exact, .damerauLevenshtein(1)], termFrequency: true),
            // No fuzzy level: `richard.scott85@` and `richard.scott82@` are two people far more often than a typo.
            ComparisonSpec(field: .identifier("email"), levels: [.exact], termFrequency: false),
            ComparisonSpec(
                field: .identifier("national_id"), levels: [.exact, .damerauLevenshtein(1)], termFrequency: false),
            ComparisonSpec(field: .postcode, levels: [.exact, .damerauLevenshtein(1)], termFrequency: true),
            ComparisonSpec(field: .city, levels: [.exact, .jaroWinkler(0.9)], termFrequency: true),
            ComparisonSpec(
                field: .street, levels: [.exact, .jaroWinkler(0.9), .jaroWinkler(0.8)], termFrequency: false),
            ComparisonSpec(field: .gender, levels: [.exact], termFrequency: false),
        ],
        matchThreshold: 0.95,
        maxBlockSize: 200,
        trainingPairs: 1_000_000
    )
}
