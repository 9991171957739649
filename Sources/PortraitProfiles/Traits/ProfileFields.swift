/// The fields of a profile that segments, tiers and exports name, with their types: the golden record's flat
/// values, the shipped traits, the declared traits, the tier and the lifecycle stage.
public enum ProfileFields {
    /// Golden-record fields, in display order.
    public static let golden: [(String, ProfileFieldType)] = [
        ("name", .text), ("given_name", .text), ("family_name", .text), ("email", .text), ("phone", .text),
        ("birth_date", .date), ("age", .number), ("gender", .text), ("city", .text), ("country", .text),
        ("occupation", .text), ("income_band", .text), ("email_opt_in", .bool), ("sms_opt_in", .bool),
        ("interests", .list), ("sources", .list), ("record_count", .number),
    ]

    /// The shipped traits, in display order (docs/PROFILES.md defines each).
    public static let shipped: [(String, ProfileFieldType)] = [
        ("recency_days", .number), ("frequency", .number), ("monetary", .number),
        ("r_score", .number), ("f_score", .number), ("m_score", .number), ("rfm", .text),
        ("order_count", .number), ("total_spend", .number), ("average_order_value", .number),
        ("first_purchase", .date), ("last_purchase", .date),
        ("purchases_30d", .number), ("purchases_90d", .number), ("purchases_365d", .number),
        ("online_orders", .number), ("offline_orders", .number), ("online_share", .number), ("channel_mix", .text),
        ("cancelled_orders", .number),
        ("favourite_category", .text), ("top_interests", .list),
        ("nps", .number), ("nps_class", .text), ("nps_at", .date), ("feedback_count", .number),
        ("event_count", .number), ("last_event", .date),
        ("tier", .text), ("lifecycle", .text),
    ]

    /// Fields whose value moves with the clock alone: a change in them is written to the current profile but
    /// makes no new version or change event.
    public static let clockDriven: Set<String> = ["recency_days", "age"]

    /// The fields of an order, as trait filters and aggregations name them.
    public static let orderItem = FieldCatalog([
        "id": .text, "total": .number, "channel": .text, "store_id": .text, "currency": .text, "status": .text,
        "categories": .list, "skus": .list, "line_count": .number, "placed_at": .date, "connector": .text,
    ])
    public static let orderLineItem = FieldCatalog([
        "sku": .text, "name": .text, "category": .text, "qty": .number, "unit_price": .number, "total": .number,
        "channel": .text, "store_id": .text, "status": .text, "placed_at": .date, "connector": .text,
    ])
    public static let eventItem = FieldCatalog([
        "type": .text, "category": .text, "sku": .text, "timestamp": .date, "connector": .text,
    ])
    public static let feedbackItem = FieldCatalog([
        "form_id": .text, "nps": .number, "csat": .number, "nps_class": .text, "topics": .list, "sentiment": .number,
        "submitted_at": .date, "connector": .text,
    ])

    public static func itemCatalog(_ stream: TraitDefinition.Stream) -> FieldCatalog {
        switch stream {
        case .orders: return orderItem
        case .orderLines: return orderLineItem
        case .events: return eventItem
        case .feedback: return feedbackItem
        }
    }

    /// Every profile field under `settings`, in display order: golden, shipped traits, declared traits.
    public static func all(_ traits: [TraitDefinition]) -> [(name: String, type: ProfileFieldType)] {
        var fields = (golden + shipped).map { (name: $0.0, type: $0.1) }
        for trait in traits {
            let fieldType = trait.field.flatMap { itemCatalog(trait.stream).types[$0] }
            fields.append((trait.name, trait.valueType(fieldType: fieldType)))
        }
        return fields
    }

    /// What a segment or tier expression may name.
    public static func catalog(_ traits: [TraitDefinition]) -> FieldCatalog {
        FieldCatalog(Dictionary(all(traits).map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first }))
    }
}
