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
    /// In application order: by depth, then target, so `name` is set before `name.full` refines it, and
    /// identifiers are appended in a stable order (config objects carry no key order).
    var fields: [FieldMapping]

    static let keys = ["entity", "source_id", "fields", "unmapped"]

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

        guard problems.isEmpty, let entity else { throw MappingConfigurationError(violations: problems.violations) }
        self.entity = entity
        self.sourceIDField = sourceIDField
        self.keepsUnmapped = keepsUnmapped
        self.fields = fields.sorted { ($0.depth, $0.target) < ($1.depth, $1.target) }
    }
}
