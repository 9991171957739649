extension RecordMapping {
    /// Maps one source record; never throws.
    ///
    /// Every problem becomes a reason, not just the first, so one look at quarantine shows everything to fix:
    /// transform failures and missing `required` fields (in field order), then the canonical record's schema
    /// violations (`path: message`). Schema violations at a target that already has a reason are left out, so
    /// one problem is reported once. Deletions are mapped like any other record: the store needs their key
    /// and, where the source still sends them, their fields.
    public func map(_ record: SourceRecord) -> MappingResult {
        guard case .object(let fields) = record.fields else {
            return MappingResult(
                canonical: .none, sourceID: record.sourceID, entity: entity,
                reasons: ["(root): the record's fields are \(record.fields.typeName), not a mapping of fields"])
        }
        if isAsIs { return mapAsIs(record) }
        var reasons: [String] = []
        var reportedTargets: [String] = []
        var canonical: JSONValue = .object(Dictionary(minimumCapacity: plan.rootCapacity))
        var identifiers = IdentifierList()

        // One pass over a record whose mapping reads top-level keys only: the values fields read, and the
        // fields none reads. Otherwise fields look their paths up, and unmapped fields are found afterwards.
        let (view, unmapped) = plan.view(of: fields, keepsUnmapped: keepsUnmapped)

        for field in plan.fields {
            switch field.evaluate(view) {
            case .absent:
                guard field.required else { continue }
                reasons.append("\(field.target): \(field.missingDescription)")
                reportedTargets.append(field.target)
            case .failed(let message):
                reasons.append("\(field.target): \(message)")
                reportedTargets.append(field.target)
            case .value(let value):
                switch field.destination {
                case .path(let steps, _):
                    canonical.withValue(at: steps[...]) { $0 = value }
                case .identifier(_, let type):
                    identifiers.append(type: type, value: value)
                }
            }
        }
        // Identifier targets all sit one level below the list, so no field after them can touch the list:
        // appending them here, at once, gives the list one-at-a-time appends would.
        if !identifiers.isEmpty {
            canonical.withValue(at: plan.identifierSteps[...]) { identifiers.merge(into: &$0) }
        }
        if keepsUnmapped { keepUnmapped(unmapped ?? plan.unmapped.leaves(of: fields), in: &canonical) }
        for list in plan.elementLists {
            canonical.withExistingValue(at: list[...]) { value in
                guard case .array(var elements) = value else { return }
                value = .null
                elements.removeAll { $0 == .object([:]) }  // An element none of whose fields had a value.
                value = .array(elements)
            }
        }

        let sourceID: String
        if let found = self.sourceID(of: record, in: view) {
            sourceID = found
        } else {
            sourceID = record.sourceID
            reasons.append("source_id: field '\(sourceIDField ?? "")' is missing, empty or not a single value")
        }

        let violations =
            plan.schema?.violations(of: canonical, at: .root)
            ?? SchemaRegistry.canonical.validate(canonical, against: entity.schemaName)
        for violation in violations {
            let path = violation.path.description
            let alreadyReported = reportedTargets.contains { Self.path(path, isWithin: $0) }
            if !alreadyReported { reasons.append(explained(violation)) }
        }

        // Spelled out: JSONValue is ExpressibleByNilLiteral, so a bare `nil` here would become `.some(.null)`.
        let output: JSONValue? = reasons.isEmpty ? .some(canonical) : .none
        return MappingResult(canonical: output, sourceID: sourceID, entity: entity, reasons: reasons)
    }

    /// The schema says only "required" of a property it requires; said here with its cause: the field that maps
    /// it had no value in this record, or no field maps it at all (then every record fails the same way).
    private func explained(_ violation: SchemaViolation) -> String {
        guard violation.message == "required", violation.path.components.count == 1 else {
            return violation.description
        }
        let target = violation.path.description
        let filling = plan.fields.filter { $0.target == target }
        if filling.count == 1 {
            return "\(target): \(filling[0].missingDescription) (the \(entity.rawValue) schema requires it)"
        }
        if unmappedRequiredProperties.contains(target) {
            return
                "\(target): required by the \(entity.rawValue) schema, and no field of the mapping fills it: add fields.\(target)"
        }
        return violation.description
    }

    /// `as_is: true`: the fields are the canonical record; only the schema (and `source_id:`) can object.
    private func mapAsIs(_ record: SourceRecord) -> MappingResult {
        var reasons: [String] = []
        let sourceID: String
        if let found = self.sourceID(of: record) {
            sourceID = found
        } else {
            sourceID = record.sourceID
            reasons.append("source_id: field '\(sourceIDField ?? "")' is missing, empty or not a single value")
        }
        let violations =
            plan.schema?.violations(of: record.fields, at: .root)
            ?? SchemaRegistry.canonical.validate(record.fields, against: entity.schemaName)
        reasons += violations.map(\.description)
        let output: JSONValue? = reasons.isEmpty ? .some(record.fields) : .none
        return MappingResult(canonical: output, sourceID: sourceID, entity: entity, reasons: reasons)
    }

    /// The source id `map(_:)` reports for `record`: the connector's id, or with `source_id:` the trimmed text
    /// of that field.
    ///
    /// Cheap enough to call before mapping, so a sync can look a record up by key and skip one it already has.
    ///
    /// - Returns: nil when the `source_id` field is missing, blank, or not a single value (a list, a mapping);
    ///   `map(_:)` then reports that as a reason and keeps the connector's id.
    public func sourceID(of record: SourceRecord) -> String? {
        guard let path = plan.sourceIDPath else { return record.sourceID }
        if let row = record.row, path.keys.count == 1, row.columns.areDistinct {
            return Self.sourceID(from: row.columns.position(of: path.text).map { .string(row.values[$0]) })
        }
        if let slotted = record.slots, path.keys.count == 1 {
            return Self.sourceID(from: slotted.columns.position(of: path.text).flatMap { slotted.values[$0] })
        }
        guard case .object(let fields) = record.fields else { return nil }
        return Self.sourceID(from: path.value(in: fields))
    }

    /// `sourceID(of:)`, reading the `source_id` field from the view's slots when it has them.
    func sourceID(of record: SourceRecord, in view: RecordView) -> String? {
        if let slot = plan.sourceIDSlot, let slots = view.slots { return Self.sourceID(from: slots[slot]) }
        return sourceID(of: record)
    }

    /// The trimmed text of a `source_id` field's value; nil when it is missing, blank or not a single value.
    private static func sourceID(from value: JSONValue?) -> String? {
        guard let value, !TextTransforms.isBlank(value), let text = value.textValue else { return nil }
        return TextTransforms.trimmed(text)
    }

    /// Copies every source leaf no field consumed into the entity's unmapped bucket (`attributes`, or
    /// `properties` for events), keyed by dotted path: nothing a source sends is silently thrown away. Keys the
    /// bucket already has (mapped to `attributes.x`) are kept.
    private func keepUnmapped(_ found: [String: JSONValue], in canonical: inout JSONValue) {
        guard !found.isEmpty else { return }
        canonical.withValue(at: plan.unmappedSteps[...]) { bucketValue in
            guard case .object(var bucket) = bucketValue else {
                bucketValue = .object(found)
                return
            }
            bucketValue = .null
            for (path, value) in found where bucket[path] == nil { bucket[path] = value }
            bucketValue = .object(bucket)
        }
    }
}

/// One record's identifiers in field order, each `{type, value}` once.
private struct IdentifierList {
    private var entries: [(type: String, value: JSONValue)] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func append(type: String, value: JSONValue) {
        if entries.contains(where: { $0.type == type && $0.value == value }) { return }
        entries.append((type, value))
    }

    /// Appends to the list at `target` (one a whole-list target set, or a new one), skipping entries it has.
    func merge(into target: inout JSONValue) {
        var list: [JSONValue]
        if case .array(let existing) = target {
            list = existing
            target = .null
        } else {
            list = []
        }
        let existingCount = list.count
        list.reserveCapacity(existingCount + entries.count)
        for entry in entries {
            let object: JSONValue = .object(["type": .string(entry.type), "value": entry.value])
            if existingCount > 0, list[..<existingCount].contains(object) { continue }
            list.append(object)
        }
        target = .array(list)
    }
}
