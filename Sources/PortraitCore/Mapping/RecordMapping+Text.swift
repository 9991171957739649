/// A record mapped straight to canonical text (see `RecordMapping.mapToText(_:)`).
public struct MappedText: Sendable, Hashable {
    /// What `map(_:).canonical?.canonicalText` would be.
    public var canonicalText: String
    public var sourceID: String
}

extension RecordMapping {
    /// Maps a record that maps cleanly straight to its canonical text, without building the canonical tree.
    ///
    /// The ingest fast path: nil when the mapping has no `CanonicalTemplate`, or the record has any problem
    /// (a transform failure, a missing required field or `source_id`, a schema violation). The caller then
    /// uses `map(_:)`, which says what the problems are. Whenever this returns a value, `map(_:)` would have
    /// returned the same record as a tree (`CanonicalTemplateTests` checks both paths against each other).
    public func mapToText(_ record: SourceRecord) -> MappedText? {
        guard !isAsIs, let template = plan.template else { return nil }
        let view: RecordView
        let unmapped: [String: JSONValue]?
        if let row = record.row, let rowView = plan.view(ofRow: row.columns, row.values, keepsUnmapped: keepsUnmapped) {
            (view, unmapped) = rowView
        } else if let slotted = record.slots,
            let slotView = plan.view(
                ofSlots: slotted.columns, slotted.values, lists: slotted.lists, keepsUnmapped: keepsUnmapped)
        {
            (view, unmapped) = slotView
        } else {
            guard case .object(let fields) = record.fields else { return nil }
            (view, unmapped) = plan.view(of: fields, keepsUnmapped: keepsUnmapped)
        }
        let planFields = plan.unretainedFields
        var values = TemplateValues(fieldCount: planFields.count)
        for index in planFields.indices {
            let element = template.elementTemplates[index]
            let kept = planFields[index]._withUnsafeGuaranteedRef { field -> Bool in
                if let element {
                    guard let elements = field.elementValues(in: view, template: element) else { return false }
                    if !elements.isEmpty {
                        values.setList(elements, field: index)
                        return true
                    }
                    return !field.required
                }
                switch field.evaluate(view) {
                case .absent:
                    return !field.required
                case .failed:
                    return false
                case .value(let value):
                    switch field.destination {
                    case .path: values.set(value, field: index)
                    case .identifier(_, let type): values.appendIdentifier(type: type, value: value)
                    }
                    return true
                }
            }
            if !kept { return nil }
        }
        if keepsUnmapped { values.keepUnmapped(unmapped ?? plan.unmapped.leaves(of: record.fields.objectValue ?? [:])) }
        guard let sourceID = sourceID(of: record, in: view), template.accepts(values) else {
            return nil
        }
        return MappedText(canonicalText: template.render(values), sourceID: sourceID)
    }
}
