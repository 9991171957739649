/// The kinds of canonical record, each with its schema in `schemas/`.
public enum Entity: String, Codable, Sendable, Hashable, CaseIterable {
    case customer
    case order
    case event
    case feedback

    /// The schema file that defines this entity.
    public var schemaName: String { "\(rawValue).schema.json" }

    /// Where unmapped source fields go: `properties` for events, `attributes` for the rest.
    public var unmappedFieldsKey: String { self == .event ? "properties" : "attributes" }

    /// The path of the customer block inside a record of this entity (`""` for a customer itself).
    public var customerPath: String {
        switch self {
        case .customer: return ""
        case .order, .event: return "customer"
        case .feedback: return "respondent"
        }
    }
}
