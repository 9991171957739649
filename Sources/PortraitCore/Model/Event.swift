/// Something a customer did (a visit, a view, a click); matches `schemas/event.schema.json`.
public struct Event: Codable, Sendable, Hashable {
    public var id: String?
    public var type: String
    /// RFC 3339 timestamp.
    public var timestamp: String
    public var customer: Customer?
    public var properties: [String: JSONValue]?

    public init(
        id: String? = nil, type: String, timestamp: String, customer: Customer? = nil,
        properties: [String: JSONValue]? = nil
    ) {
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.customer = customer
        self.properties = properties
    }
}
