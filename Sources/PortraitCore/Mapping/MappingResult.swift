/// What mapping one source record produced: the canonical record, or every reason it could not be made.
public struct MappingResult: Sendable, Hashable {
    /// The canonical JSON, valid against the entity's schema; nil whenever `reasons` is not empty.
    public var canonical: JSONValue?
    /// The record's key in the store: the connector's id, or the `source_id` field's value.
    public var sourceID: String
    public var entity: Entity
    /// Every problem found (transform failures, missing required fields, schema violations), one line each,
    /// each starting with the canonical path it concerns. Quarantine shows these to the operator.
    public var reasons: [String]

    public init(canonical: JSONValue?, sourceID: String, entity: Entity, reasons: [String]) {
        self.canonical = canonical
        self.sourceID = sourceID
        self.entity = entity
        self.reasons = reasons
    }

    /// True when the record mapped cleanly.
    public var isValid: Bool {
        guard case .some = canonical else { return false }
        return reasons.isEmpty
    }
}
