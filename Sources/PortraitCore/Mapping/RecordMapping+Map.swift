extension RecordMapping {
    /// Maps one source record; never throws.
    ///
    /// Every problem becomes a reason, not just the first, so one look at quarantine shows everything to fix:
    /// transform failures and missing `required` fields (in field order), then the canonical record's schema
    /// violations (`path: message`). Schema violations at a target that already has a reason are left out, so
    /// one problem is reported once. Deletions are mapped like any other record: the store needs their key
    /// and, where the source still sends them, their fields.
    public func map(_ record: SourceRecord) -> MappingResult {
        var reasons: [String] = []
        var reportedTargets: [String] = []
        var canonical: JSONValue = .object([:])

        guard case .object = record.fields else {
            return MappingResult(
                canonical: .none, sourceID: record.sourceID, entity: entity,
                reasons: ["(root): the record's fields are \(record.fields.typeName), not a mapping of fields"])
        }

        for field in fields {
            switch field.evaluate(record.fields) {
            case .absent:
                guard field.required else { continue }
                reasons.append("\(field.target): \(field.missingDescription)")
                reportedTargets.append(field.target)
            case .failed(let message):
                reasons.append("\(field.target): \(message)")
                reportedTargets.append(field.target)
            case .value(let value):
                Self.place(value, at: field.destination, in: &canonical)
            }
        }

        if keepsUnmapped { keepUnmapped(of: record.fields, in: &canonical) }

        var sourceID = record.sourceID
        if let sourceIDField {
            if let value = record.fields.value(atPath: sourceIDField), !TextTransforms.isBlank(value),
                let text = value.textValue
            {
                sourceID = TextTransforms.trimmed(text)
            } else {
                reasons.append("source_id: field '\(sourceIDField)' is missing, empty or not a single value")
            }
        }

        for violation in SchemaRegistry.canonical.validate(canonical, against: entity.schemaName) {
            let path = violation.path.description
            let alreadyReported = reportedTargets.contains { target in
                path == target || path.hasPrefix(target + ".") || path.hasPrefix(target + "[")
            }
            if !alreadyReported { reasons.append(violation.description) }
        }

        // Spelled out: JSONValue is ExpressibleByNilLiteral, so a bare `nil` here would become `.some(.null)`.
        let output: JSONValue? = reasons.isEmpty ? .some(canonical) : .none
        return MappingResult(canonical: output, sourceID: sourceID, entity: entity, reasons: reasons)
    }

    private static func place(
        _ value: JSONValue, at destination: TargetCatalog.Destination, in canonical: inout JSONValue
    ) {
        switch destination {
        case .path(let path, _):
            canonical.setValue(value, atPath: path)
        case .identifier(let listPath, let type):
            var list = canonical.value(atPath: listPath)?.arrayValue ?? []
            let entry: JSONValue = .object(["type": .string(type), "value": value])
            if !list.contains(entry) { list.append(entry) }
            canonical.setValue(.array(list), atPath: listPath)
        }
    }

    /// Copies every source leaf no field consumed into the entity's unmapped bucket (`attributes`, or
    /// `properties` for events), keyed by dotted path: nothing a source sends is silently thrown away.
    private func keepUnmapped(of fields: JSONValue, in canonical: inout JSONValue) {
        var consumed = self.fields.flatMap(\.sourcePaths)
        if let sourceIDField { consumed.append(sourceIDField) }
        var bucket = canonical[entity.unmappedFieldsKey]?.objectValue ?? [:]
        var added = false
        for (path, value) in fields.leaves() {
            let isConsumed = consumed.contains { from in
                path == from || path.hasPrefix(from + ".") || from.hasPrefix(path + ".")
            }
            guard !isConsumed, bucket[path] == nil else { continue }
            bucket[path] = value
            added = true
        }
        if added { canonical.setValue(.object(bucket), atPath: entity.unmappedFieldsKey) }
    }
}
