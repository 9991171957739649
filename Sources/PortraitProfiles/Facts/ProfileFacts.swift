public import PortraitCore

/// A stored record as the profile engine reads it: one of the records identity resolution placed in a profile.
public struct ProfileSourceRecord: Sendable {
    public var recordID: Int64
    public var connector: String
    public var entity: Entity
    public var canonicalText: String
    /// When Portrait last saw the record change (unix seconds): the time of a customer record's values.
    public var updatedAt: Double

    public init(recordID: Int64, connector: String, entity: Entity, canonicalText: String, updatedAt: Double) {
        self.recordID = recordID
        self.connector = connector
        self.entity = entity
        self.canonicalText = canonicalText
        self.updatedAt = updatedAt
    }
}

/// Where a value came from: the record, its connector, and the time the value was true at (an order's placement,
/// a response's submission, or when a customer record last changed).
public struct Provenance: Sendable, Hashable {
    public var recordID: Int64
    public var connector: String
    /// Unix seconds.
    public var at: Double

    public init(recordID: Int64, connector: String, at: Double) {
        self.recordID = recordID
        self.connector = connector
        self.at = at
    }
}

/// What one observation of the person says about them: a customer record, or the customer block of an order,
/// event or survey response.
public struct CustomerFacts: Sendable {
    public var source: Provenance
    public var identifiers: [(type: String, value: String)]
    public var fullName: String?
    public var givenName: String?
    public var familyName: String?
    public var birthDate: String?
    public var gender: String?
    public var occupation: String?
    public var incomeBand: String?
    /// The address as canonical JSON (line1, city, ...), compared and kept whole.
    public var address: JSONValue?
    public var city: String?
    public var country: String?
    public var consents: [ConsentFact]
    public var interests: [String]
}

public struct ConsentFact: Sendable, Hashable {
    public var channel: String
    public var purpose: String
    public var granted: Bool
    /// Unix seconds.
    public var at: Double
}

public struct OrderLineFacts: Sendable {
    public var sku: String?
    public var name: String?
    public var category: String?
    public var quantity: Double
    public var unitPrice: Double?
    public var total: Double?
}

public struct OrderFacts: Sendable {
    public var source: Provenance
    public var id: String
    /// Unix seconds.
    public var placedAt: Double
    public var channel: String?
    public var storeID: String?
    /// The order's total, else the sum of its lines (quantity × unit price where a line has no total).
    public var total: Double?
    public var currency: String?
    public var status: String?
    public var lines: [OrderLineFacts]
}

public struct EventFacts: Sendable {
    public var source: Provenance
    public var type: String
    /// Unix seconds.
    public var at: Double
    public var category: String?
    public var sku: String?
}

public struct FeedbackFacts: Sendable {
    public var source: Provenance
    public var formID: String
    /// Unix seconds.
    public var at: Double
    public var nps: Double?
    public var csat: Double?
    public var npsClass: String?
    public var topics: [String]
    public var sentiment: Double?
}

/// Everything a profile's records say, read once from their canonical text.
public struct ProfileFacts: Sendable {
    public var profileID: String
    public var customers: [CustomerFacts] = []
    public var orders: [OrderFacts] = []
    public var events: [EventFacts] = []
    public var feedback: [FeedbackFacts] = []
    /// Records per entity (every record of the profile, readable or not).
    public var recordCounts: [Entity: Int] = [:]
    /// Records whose canonical text could not be read (a store written by a broken build): counted, never skipped
    /// silently.
    public var unreadable: [Int64] = []

    public init(profileID: String) {
        self.profileID = profileID
    }
}
