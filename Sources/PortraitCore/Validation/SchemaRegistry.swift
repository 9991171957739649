import Foundation
import Synchronization

/// The JSON Schemas Portrait knows, by file name (`customer.schema.json`, `connectors/jsonl.schema.json`).
///
/// `canonical` holds the schemas embedded from the package's `schemas/` folder at build time.
/// Each schema is compiled on first use (see `CompiledSchema`) and the result kept for every later record; changing
/// the registry starts a fresh cache, so copies made before keep validating against what they hold.
public struct SchemaRegistry: Sendable {
    public private(set) var schemas: [String: JSONValue] {
        didSet { compiled = CompiledSchemaCache() }
    }
    private var compiled = CompiledSchemaCache()

    public init(schemas: [String: JSONValue] = [:]) {
        self.schemas = schemas
    }

    /// Every schema in the package's `schemas/` folder.
    public static let canonical: SchemaRegistry = {
        var registry = SchemaRegistry()
        for (name, text) in EmbeddedSchemas.files {
            do {
                registry.schemas[name] = try JSONValue(parsing: Data(text.utf8))
            } catch {
                // The embedded schemas are checked by tests; a broken one is a build defect.
                preconditionFailure("schemas/\(name) is not valid JSON: \(error)")
            }
        }
        return registry
    }()

    /// The embedded text of a schema file, as written in `schemas/`.
    public static func embeddedText(named name: String) -> String? { EmbeddedSchemas.files[name] }

    public static var embeddedNames: [String] { EmbeddedSchemas.files.keys.sorted() }

    public mutating func register(_ schema: JSONValue, named name: String) {
        schemas[name] = schema
    }

    public func schema(named name: String) -> JSONValue? { schemas[name] }

    /// Validates `value` against the schema called `name`, returning every violation (not only the first).
    public func validate(_ value: JSONValue, against name: String, at base: JSONPath = .root) -> [SchemaViolation] {
        guard let schema = compiledSchema(named: name) else {
            return [SchemaViolation(path: base, message: "no schema named \(name)")]
        }
        return schema.violations(of: value, at: base)
    }

    /// Validates against a schema given inline (a connector's config spec), resolving `$ref`s against this registry.
    ///
    /// The schema is compiled for this call only: it is used for connector options, once per config load.
    public func validate(_ value: JSONValue, againstSchema schema: JSONValue, at base: JSONPath = .root)
        -> [SchemaViolation]
    {
        SchemaCompiler.compile(schema, document: "", schemas: schemas).violations(of: value, at: base)
    }

    /// The schema called `name`, compiled once and shared by every later validation.
    func compiledSchema(named name: String) -> CompiledSchemaSet? {
        if let hit = compiled.entries.withLock({ $0[name] }) { return hit }
        guard let schema = schemas[name] else { return nil }
        // Compiled outside the lock; if two threads race, both results are equivalent and the first is kept.
        let made = SchemaCompiler.compile(schema, document: name, schemas: schemas)
        return compiled.entries.withLock { entries in
            if let first = entries[name] { return first }
            entries[name] = made
            return made
        }
    }
}

/// Compiled schemas by name, shared by the copies of one registry value.
final class CompiledSchemaCache: Sendable {
    let entries = Mutex<[String: CompiledSchemaSet]>([:])
}
