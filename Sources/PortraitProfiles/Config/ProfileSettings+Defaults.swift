extension ProfileSettings {
    /// The shipped tiers, first match wins. RFM scores are quintiles, so `vip` is the top fifth by spend in the
    /// window, whatever the currency.
    public static let standardTiers: [(String, String)] = [
        ("vip", "m_score = 5 and recency_days <= 180"),
        ("dormant", "recency_days > 365"),
        ("at_risk", "order_count >= 2 and recency_days > 90"),
        ("regular", "order_count >= 1"),
    ]

    /// The shipped segments (a `segments` list in config replaces them).
    public static let standardSegments: [(String, String, String)] = [
        ("vip_active", "tier = 'vip' and recency_days <= 90", "Top spenders who bought in the last 90 days"),
        ("churn_risk", "lifecycle = 'at_risk'", "Bought before, but not in the last 90 days"),
        ("detractors", "nps_class = 'detractor'", "Their latest NPS answer was 0 to 6"),
        ("new_customers", "lifecycle = 'new'", "First purchase in the last 30 days"),
    ]

    /// The defaults: names and birth dates by how often sources agree, contact points and addresses by recency.
    public static let standard: ProfileSettings = {
        let catalog = ProfileFields.catalog([])
        let tierCatalog = FieldCatalog(catalog.types.filter { $0.key != "tier" })
        return ProfileSettings(
            survivorship: [
                .name: .mostFrequent, .birthDate: .mostFrequent, .gender: .mostFrequent, .email: .mostRecent,
                .phone: .mostRecent, .address: .mostRecent, .occupation: .mostRecent, .incomeBand: .mostRecent,
            ],
            rfmWindowDays: 365, excludedStatuses: ["cancelled", "canceled", "refunded", "returned", "void"],
            interestHalfLifeDays: 180, currency: nil, lifecycle: Lifecycle(), traits: [],
            tiers: standardTiers.map { Tier(name: $0.0, condition: try! SegmentExpression.parse($0.1, fields: tierCatalog)) },
            segments: standardSegments.map {
                Segment(name: $0.0, condition: try! SegmentExpression.parse($0.1, fields: catalog), description: $0.2)
            })
    }()
}
