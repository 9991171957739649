public import Foundation

/// A purchase, online or at a store till; matches `schemas/order.schema.json`.
public struct Order: Codable, Sendable, Hashable {
    public enum Channel: String, Codable, Sendable, Hashable, CaseIterable {
        case online
        case offline
    }

    public struct Line: Codable, Sendable, Hashable {
        public var sku: String?
        public var name: String?
        public var category: String?
        public var qty: Decimal?
        public var unitPrice: Decimal?
        public var total: Decimal?

        public init(
            sku: String? = nil, name: String? = nil, category: String? = nil, qty: Decimal? = nil,
            unitPrice: Decimal? = nil, total: Decimal? = nil
        ) {
            self.sku = sku
            self.name = name
            self.category = category
            self.qty = qty
            self.unitPrice = unitPrice
            self.total = total
        }

        enum CodingKeys: String, CodingKey {
            case sku, name, category, qty, total
            case unitPrice = "unit_price"
        }
    }

    public var id: String
    /// The customer block the source attached to the order (member card, phone, email, name).
    public var customer: Customer?
    /// RFC 3339 timestamp with its offset, as the source meant it.
    public var placedAt: String
    public var channel: Channel?
    public var storeID: String?
    public var lines: [Line]?
    public var total: Decimal?
    /// ISO 4217.
    public var currency: String?
    public var status: String?
    public var attributes: [String: JSONValue]?

    public init(
        id: String, customer: Customer? = nil, placedAt: String, channel: Channel? = nil, storeID: String? = nil,
        lines: [Line]? = nil, total: Decimal? = nil, currency: String? = nil, status: String? = nil,
        attributes: [String: JSONValue]? = nil
    ) {
        self.id = id
        self.customer = customer
        self.placedAt = placedAt
        self.channel = channel
        self.storeID = storeID
        self.lines = lines
        self.total = total
        self.currency = currency
        self.status = status
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case id, customer, channel, lines, total, currency, status, attributes
        case placedAt = "placed_at"
        case storeID = "store_id"
    }
}
