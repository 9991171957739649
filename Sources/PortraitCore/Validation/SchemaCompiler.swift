/// Compiles a schema, and every `$ref` target it can reach, into `CompiledSchema` nodes.
///
/// References are collected while compiling and linked afterwards, each target compiled once per
/// document and pointer, so recursive schemas (a `$ref` to an enclosing node) compile in finite time.
struct SchemaCompiler {
    private struct TargetKey: Hashable {
        let document: String
        let pointer: String
    }

    private static let acceptsAll = CompiledSchema(kind: .acceptsAll)
    private static let rejectsAll = CompiledSchema(kind: .rejectsAll)

    private let schemas: [String: JSONValue]
    private var targets: [TargetKey: CompiledSchema] = [:]
    private var unresolved: Set<TargetKey> = []
    private var pending: [SchemaReference] = []

    private init(schemas: [String: JSONValue]) {
        self.schemas = schemas
    }

    /// Compiles `schema`, read as part of `document` (local `$ref`s resolve against `schemas[document]`).
    ///
    /// - Parameters:
    ///   - schemas: the registry's documents by name, for `$ref`s.
    static func compile(_ schema: JSONValue, document: String, schemas: [String: JSONValue]) -> CompiledSchemaSet {
        var compiler = SchemaCompiler(schemas: schemas)
        let root = compiler.compile(schema, document: document)
        compiler.link()
        return CompiledSchemaSet(root: root, targets: Array(compiler.targets.values))
    }

    mutating func compile(_ schema: JSONValue, document: String) -> CompiledSchema {
        switch schema {
        case .bool(false): return Self.rejectsAll
        case .object(let keywords): return CompiledSchema(keywords: keywords, document: document, compiler: &self)
        default: return Self.acceptsAll  // `true`; other non-object schemas are ignored, as they always were.
        }
    }

    /// Records a `$ref` written in `document`, to be linked once the tree is compiled.
    mutating func reference(_ text: String, from document: String) -> SchemaReference {
        let parts = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = parts.first.map(String.init) ?? ""
        let pointer = parts.count > 1 ? String(parts[1]) : ""
        let reference = SchemaReference(text: text, document: file.isEmpty ? document : file, pointer: pointer)
        pending.append(reference)
        return reference
    }

    private mutating func link() {
        while let reference = pending.popLast() {
            let key = TargetKey(document: reference.document, pointer: reference.pointer)
            if let target = targets[key] {
                reference.target = target
                continue
            }
            guard !unresolved.contains(key), let root = schemas[key.document],
                let node = SchemaValidator.resolve(pointer: key.pointer, in: root)
            else {
                unresolved.insert(key)
                continue
            }
            // Compiling the target may queue references back to it; they find it in `targets`.
            let target = compile(node, document: key.document)
            targets[key] = target
            reference.target = target
        }
    }
}

/// A compiled schema together with the `$ref` targets it reaches, which it keeps alive.
final class CompiledSchemaSet: Sendable {
    let root: CompiledSchema
    /// Owns the nodes `SchemaReference.target` points at without retaining.
    private let targets: [CompiledSchema]

    init(root: CompiledSchema, targets: [CompiledSchema]) {
        self.root = root
        self.targets = targets
    }

    /// Every violation of `value`, in the order the schema's keywords report them.
    ///
    /// Most records are valid: they are checked by the allocation-free `accepts` walk, and only a record that
    /// fails is walked again to say where and why.
    func violations(of value: JSONValue, at base: JSONPath) -> [SchemaViolation] {
        if withExtendedLifetime(self, { root.accepts(value) }) { return [] }
        var validator = SchemaValidator(base: base)
        withExtendedLifetime(self) { validator.validate(value, schema: root) }
        assert(!validator.violations.isEmpty, "accepts(_:) and SchemaValidator disagree")
        return validator.violations
    }
}
