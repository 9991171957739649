/// One stream's compiled mapping from a connector's raw fields to a canonical entity.
///
/// The mapping engine is hand-written rather than built on a generic templating or JSONata-style library:
/// it is the product's core, its error messages are what operators work from, and every rule here (identifiers
/// appended in order, empty values absent, unmapped fields kept) is a product decision.
///
/// Compiled once from config (`init(json:path:)`), checked completely at load time, then applied to every
/// record (`map(_:)`), which never throws.
public struct RecordMapping: Sendable {
    /// The canonical entity this stream's records become.
    public var entity: Entity
    /// Source field whose value replaces the connector's source id (`source_id:`).
    var sourceIDField: String?
    /// `unmapped: attributes` (default) keeps unconsumed source fields; `unmapped: drop` discards them.
    var keepsUnmapped: Bool
    /// `as_is: true`: the record's fields already are the canonical entity (a connector that maps with its own
    /// definitions, such as survey forms), so they are validated and stored as they are.
    var isAsIs: Bool
    /// In application order: by depth, then target, so `name` is set before `name.full` refines it, and
    /// identifiers are appended in a stable order (config objects carry no key order).
    var fields: [FieldMapping]

    /// Lower-case hex SHA-256 of `engineVersion` and the stream mapping's `canonicalText`.
    ///
    /// Equal for two mappings compiled from the same config (whatever its key order), different after any
    /// change to it. A sync that stores this next to a record can skip re-mapping an unchanged raw record while
    /// neither the config nor the engine changed.
    public let fingerprint: String

    /// Version of what mapping does to values, part of every `fingerprint`.
    ///
    /// Bump it whenever any transform, or the mapping itself, produces different output for the same input and
    /// config (a new rule in `phone`, a changed `split_name` split, different unmapped-field keys): records
    /// skipped as unchanged would otherwise keep their old canonical form.
    public static let engineVersion = "portrait-mapping-1"

    /// Everything `map(_:)` needs that can be worked out once: split paths, sizes, the compiled schema.
    let plan: MappingPlan

    /// Properties the entity's schema requires that no field maps (an `as_is` mapping: none): each record would go
    /// to quarantine for want of them. `portrait check` says so; the mapping still loads, as a draft may.
    public let unmappedRequiredProperties: [String]

    /// Whether the canonical path `path` is `target` or lies inside it (`lines[0].sku` inside `lines`).
    static func path(_ path: String, isWithin target: String) -> Bool {
        path == target || path.hasPrefix(target + ".") || path.hasPrefix(target + "[")
    }

    static let keys = ["entity", "source_id", "fields", "unmapped", "as_is"]

    /// Compiles a stream mapping (`{ entity, source_id, unmapped, fields }`).
    ///
    /// - Parameters:
    ///   - json: The stream's mapping as loaded from `portrait.yml`.
    ///   - path: Where it sits in the config (`connectors[0].mapping.contacts`), prefixed to every problem.
    /// - Throws: `MappingConfigurationError` with every problem found: unknown keys, entities, targets,
    ///   transforms and options, bad date formats, unknown time zones, unsupported phone countries.
    public init(json: JSONValue, path: JSONPath) throws(MappingConfigurationError) {
        var problems = ConfigurationProblems()
        guard case .object(let object) = json else {
            problems.add(path, "a stream mapping is a mapping with entity and fields")
            throw MappingConfigurationError(violations: problems.violations)
        }
        for key in object.keys.sorted() where !Self.keys.contains(key) {
            problems.add(path.appending(key), ConfigurationProblems.unknown("key", key, among: Self.keys))
        }

        var entity: Entity?
        switch object["entity"] {
        case nil:
            problems.add(
                path.appending("entity"), "required: one of \(Entity.allCases.map(\.rawValue).joined(separator: ", "))")
        case .string(let name)?:
            entity = Entity(rawValue: name)
            if entity == nil {
                problems.add(
                    path.appending("entity"),
                    ConfigurationProblems.unknown("entity", name, among: Entity.allCases.map(\.rawValue)))
            }
        case .some:
            problems.add(
                path.appending("entity"),
                "entity must be one of \(Entity.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        var sourceIDField: String?
        if let value = object["source_id"] {
            if case .string(let field) = value, !field.isEmpty {
                sourceIDField = field
            } else {
                problems.add(path.appending("source_id"), "source_id must be a source field name")
            }
        }

        var keepsUnmapped = true
        switch object["unmapped"] {
        case nil, .string("attributes")?: keepsUnmapped = true
        case .string("drop")?: keepsUnmapped = false
        case .some(let other):
            let word = other.stringValue ?? other.typeName
            problems.add(
                path.appending("unmapped"),
                ConfigurationProblems.unknown("unmapped mode", word, among: ["attributes", "drop"]))
        }

        var isAsIs = false
        switch object["as_is"] {
        case nil, .bool(false)?: break
        case .bool(true)?:
            isAsIs = true
            if object["fields"] != nil {
                problems.add(
                    path.appending("fields"),
                    "as_is: true takes each record as the canonical entity already; remove fields, or remove as_is")
            }
        case .some:
            problems.add(path.appending("as_is"), "as_is must be true or false")
        }

        var fields: [FieldMapping] = []
        switch object["fields"] {
        case nil: break
        case .object(let specs)?:
            let catalog = entity.map(TargetCatalog.catalog(for:))
            let fieldsPath = path.appending("fields")
            for target in specs.keys.sorted() {
                if let field = FieldMapping.compile(
                    target: target, spec: specs[target]!, at: fieldsPath.appending(target), catalog: catalog,
                    problems: &problems)
                {
                    fields.append(field)
                }
            }
        case .some:
            problems.add(path.appending("fields"), "fields must be a mapping from canonical path to source field")
        }

        MappingPlan.checkElementTargets(of: fields, at: path.appending("fields"), problems: &problems)

        guard problems.isEmpty, let entity else { throw MappingConfigurationError(violations: problems.violations) }
        let sorted = fields.sorted { ($0.depth, $0.target) < ($1.depth, $1.target) }
        let plan = MappingPlan(
            entity: entity, fields: sorted, sourceIDField: sourceIDField, keepsUnmapped: keepsUnmapped)
        self.entity = entity
        self.sourceIDField = sourceIDField
        self.keepsUnmapped = keepsUnmapped
        self.isAsIs = isAsIs
        self.fields = plan.fields
        self.plan = plan
        let required = SchemaRegistry.canonical.schema(named: entity.schemaName)?["required"]?.arrayValue ?? []
        unmappedRequiredProperties =
            isAsIs
            ? []
            : required.compactMap(\.stringValue).filter { property in
                !fields.contains { Self.path($0.target, isWithin: property) }
            }
        var fingerprinted = Array(Self.engineVersion.utf8)
        fingerprinted.append(0)
        fingerprinted.append(contentsOf: json.canonicalText.utf8)
        fingerprint = ContentHash.sha256(fingerprinted)
    }
}
