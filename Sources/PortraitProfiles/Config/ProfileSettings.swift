/// How profiles are built: survivorship per golden attribute, the traits, the value tiers, the lifecycle stages and
/// the segments (the `profiles` section of `portrait.yml` over the shipped defaults; docs/PROFILES.md).
public struct ProfileSettings: Sendable, Hashable {
    /// Which value of an attribute wins when records disagree. Ties fall to the most recent value, then the
    /// lowest record id, so a rebuild always picks the same one.
    public enum Survivorship: Sendable, Hashable, CustomStringConvertible {
        /// The first connector of the list that has a value; connectors not listed come after, most recent first.
        case sourcePriority([String])
        case mostRecent
        case mostFrequent
        case longest
        case firstSeen

        public var description: String {
            switch self {
            case .sourcePriority(let connectors): return "source_priority(\(connectors.joined(separator: ", ")))"
            case .mostRecent: return "most_recent"
            case .mostFrequent: return "most_frequent"
            case .longest: return "longest"
            case .firstSeen: return "first_seen"
            }
        }
    }

    /// The golden record's attributes.
    public enum Attribute: String, Sendable, Hashable, CaseIterable {
        case name, email, phone, birthDate = "birth_date", gender, address, occupation, incomeBand = "income_band"
    }

    public struct Tier: Sendable, Hashable {
        public var name: String
        public var condition: SegmentExpression
        public init(name: String, condition: SegmentExpression) {
            self.name = name
            self.condition = condition
        }
    }

    public struct Segment: Sendable, Hashable {
        public var name: String
        public var condition: SegmentExpression
        public var description: String?
        public init(name: String, condition: SegmentExpression, description: String? = nil) {
            self.name = name
            self.condition = condition
            self.description = description
        }
    }

    /// Days since the last purchase at which the lifecycle stage changes.
    public struct Lifecycle: Sendable, Hashable {
        /// A first purchase this recent makes the customer `new`.
        public var newDays = 30
        /// A last purchase this recent makes them `active`; older, `at_risk`, until `lapsedDays`.
        public var activeDays = 90
        public var lapsedDays = 365
        public init() {}
    }

    /// Order totals in other currencies are converted to `base` with `rates` (units of base per unit).
    public struct Currency: Sendable, Hashable {
        public var base: String
        public var rates: [String: Double]
        public init(base: String, rates: [String: Double]) {
            self.base = base
            self.rates = rates
        }
    }

    public var survivorship: [Attribute: Survivorship]
    /// The window of RFM frequency and monetary value.
    public var rfmWindowDays: Int
    /// Order statuses that are not purchases (they count in no purchase trait; `cancelled_orders` counts them).
    public var excludedStatuses: Set<String>
    /// How fast a purchase's weight in favourite category and interests halves with its age.
    public var interestHalfLifeDays: Double
    public var currency: Currency?
    public var lifecycle: Lifecycle
    public var traits: [TraitDefinition]
    /// Value tiers, first match wins; a profile matching none has no tier.
    public var tiers: [Tier]
    public var segments: [Segment]
    /// When `portrait run` rebuilds every profile (a schedule: cron or an interval; checked by the service).
    public var refresh = "0 3 * * *"
    /// How often `portrait run` resolves and updates what arrived without a sync (form posts).
    public var catchUpSeconds = 30

    public init(
        survivorship: [Attribute: Survivorship], rfmWindowDays: Int, excludedStatuses: Set<String>,
        interestHalfLifeDays: Double, currency: Currency?, lifecycle: Lifecycle, traits: [TraitDefinition],
        tiers: [Tier], segments: [Segment]
    ) {
        self.survivorship = survivorship
        self.rfmWindowDays = rfmWindowDays
        self.excludedStatuses = excludedStatuses
        self.interestHalfLifeDays = interestHalfLifeDays
        self.currency = currency
        self.lifecycle = lifecycle
        self.traits = traits
        self.tiers = tiers
        self.segments = segments
    }

    public func rule(for attribute: Attribute) -> Survivorship { survivorship[attribute] ?? .mostRecent }
}

/// A trait declared in config: an aggregation over a filtered stream of a profile's orders, order lines, events or
/// feedback, optionally in a time window.
public struct TraitDefinition: Sendable, Hashable {
    public enum Stream: String, Sendable, Hashable, CaseIterable {
        case orders, orderLines = "order_lines", events, feedback
    }

    public enum Aggregate: String, Sendable, Hashable, CaseIterable {
        case count, sum, avg, min, max, first, last, mostFrequent = "most_frequent", uniqueList = "unique_list"
    }

    public var name: String
    public var aggregate: Aggregate
    public var stream: Stream
    /// The item field aggregated (none for count).
    public var field: String?
    public var filter: SegmentExpression?
    /// Only items of the last so many days count.
    public var windowDays: Int?

    public init(
        name: String, aggregate: Aggregate, stream: Stream, field: String? = nil, filter: SegmentExpression? = nil,
        windowDays: Int? = nil
    ) {
        self.name = name
        self.aggregate = aggregate
        self.stream = stream
        self.field = field
        self.filter = filter
        self.windowDays = windowDays
    }

    /// The type of the trait's value, given the field's type.
    public func valueType(fieldType: ProfileFieldType?) -> ProfileFieldType {
        switch aggregate {
        case .count, .sum, .avg: return .number
        case .min, .max, .first, .last: return fieldType ?? .number
        case .mostFrequent: return .text
        case .uniqueList: return .list
        }
    }
}
