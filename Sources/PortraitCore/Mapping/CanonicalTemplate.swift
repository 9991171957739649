/// The shape of a stream's canonical record, worked out once per mapping: a record is then checked against the
/// schema and written as canonical text straight from its field values, with no `JSONValue` tree built,
/// validated, written and freed per record.
///
/// Hand-written because it is the ingest hot path: building, validating, writing and freeing those trees was
/// the largest share of a CSV import's CPU. It is exact, not approximate: `render` writes the bytes
/// `canonicalText` writes for the tree `map(_:)` builds, and `accepts` gives the answer `CompiledSchema.accepts`
/// gives for that tree (where the schema uses `const`, `enum`, `anyOf`, `oneOf`, `not` or `if` on an object, that
/// subtree is built and handed to `accepts` itself). `CanonicalTemplateTests` compares both paths record by record.
///
/// A mapping the template cannot express has none and takes the general path: a target below another target
/// (`name` and `name.full`), a whole-list target where identifiers go, a target inside the unmapped bucket,
/// more than `maxFields` fields.
struct CanonicalTemplate: Sendable {
    indirect enum Node: Sendable {
        /// Children sorted by key as `canonicalText` sorts them; `mask` has the bit of every leaf below.
        case object(keys: [String], keyBytes: [[UInt8]], children: [Node], mask: UInt64)
        /// Elements by index (`lines[0]`, `lines[1]`); only elements with a value below them are written.
        case array(elements: [Node], mask: UInt64)
        /// The value of `MappingPlan.fields[field]`.
        case leaf(field: Int)
        /// The identifier list (`customer.identifiers`): `{type, value}` per identifier field with a value.
        case identifiers
        /// The unmapped bucket (`attributes`): source fields no field read.
        case unmapped
    }

    /// Fields beyond this many take the general path (a leaf is one bit of a 64-bit mask).
    static let maxFields = 62
    static let identifiersBit: UInt64 = 1 << 62
    static let unmappedBit: UInt64 = 1 << 63

    let root: Node

    /// The template for `fields`, or nil when the mapping needs the general path.
    init?(fields: [FieldMapping], identifierSteps: [TargetStep], unmappedSteps: [TargetStep], keepsUnmapped: Bool) {
        guard fields.count <= Self.maxFields else { return nil }
        var root = Builder.object([:])
        for (index, field) in fields.enumerated() {
            guard case .path(let steps, _) = field.destination else { continue }
            guard root.insert(.leaf(field: index), at: steps[...]) else { return nil }
        }
        if fields.contains(where: { if case .identifier = $0.destination { true } else { false } }) {
            guard root.insert(.identifiers, at: identifierSteps[...]) else { return nil }
        }
        if keepsUnmapped {
            guard root.insert(.unmapped, at: unmappedSteps[...]) else { return nil }
        }
        self.root = root.node
    }

    static func bit(of node: Node) -> UInt64 {
        switch node {
        case .object(_, _, _, let mask), .array(_, let mask): return mask
        case .leaf(let field): return 1 << UInt64(field)
        case .identifiers: return identifiersBit
        case .unmapped: return unmappedBit
        }
    }

    /// The tree while it is built: a target may only end where nothing else is, and may not pass through a leaf.
    private indirect enum Builder {
        case object([String: Builder])
        case array([Int: Builder])
        case end(Node)

        mutating func insert(_ end: Node, at steps: ArraySlice<TargetStep>) -> Bool {
            guard let step = steps.first else { return false }
            let rest = steps.dropFirst()
            switch (self, step) {
            case (.object(var children), .key(let key, _)):
                if rest.isEmpty {
                    guard children[key] == nil else { return false }
                    children[key] = .end(end)
                } else {
                    var child = children[key] ?? (Self.startsArray(rest) ? .array([:]) : .object([:]))
                    guard child.insert(end, at: rest) else { return false }
                    children[key] = child
                }
                self = .object(children)
                return true
            case (.array(var elements), .index(let index)):
                guard !rest.isEmpty else { return false }  // An element is always an object of fields.
                var element = elements[index] ?? .object([:])
                guard element.insert(end, at: rest) else { return false }
                elements[index] = element
                self = .array(elements)
                return true
            default:
                return false
            }
        }

        private static func startsArray(_ steps: ArraySlice<TargetStep>) -> Bool {
            if case .index = steps.first { return true }
            return false
        }

        var node: Node {
            switch self {
            case .end(let node):
                return node
            case .object(let children):
                let keys = children.keys.sorted()
                let nodes = keys.map { children[$0]!.node }
                return .object(
                    keys: keys, keyBytes: keys.map(Self.memberPrefix), children: nodes,
                    mask: nodes.reduce(0) { $0 | CanonicalTemplate.bit(of: $1) })
            case .array(let elements):
                let nodes = elements.keys.sorted().map { elements[$0]!.node }
                return .array(elements: nodes, mask: nodes.reduce(0) { $0 | CanonicalTemplate.bit(of: $1) })
            }
        }

        /// `"key":` as `canonicalText` writes it.
        private static func memberPrefix(_ key: String) -> [UInt8] {
            var text = Array(JSONValue.string(key).canonicalText.utf8)
            text.append(UInt8(ascii: ":"))
            return text
        }
    }
}

/// One record's values for a `CanonicalTemplate`: what `map(_:)` would have placed in the tree.
struct TemplateValues {
    /// By field index; nil where the field had no value.
    var values: [JSONValue?]
    /// Identifiers in field order, each `{type, value}` once.
    var identifiers: [(type: String, value: JSONValue)] = []
    var unmapped: [String: JSONValue] = [:]
    /// Bits of the leaves with a value (`CanonicalTemplate.bit(of:)`).
    var present: UInt64 = 0

    init(fieldCount: Int) {
        values = [JSONValue?](repeating: nil, count: fieldCount)
    }

    mutating func set(_ value: JSONValue, field: Int) {
        values[field] = value
        present |= 1 << UInt64(field)
    }

    mutating func appendIdentifier(type: String, value: JSONValue) {
        if identifiers.contains(where: { $0.type == type && $0.value == value }) { return }
        identifiers.append((type, value))
        present |= CanonicalTemplate.identifiersBit
    }

    mutating func keepUnmapped(_ found: [String: JSONValue]) {
        guard !found.isEmpty else { return }
        unmapped = found
        present |= CanonicalTemplate.unmappedBit
    }
}

extension CanonicalTemplate {
    /// Whether the record `values` describe is valid: `schema.accepts` of the tree `map(_:)` would build.
    func accepts(_ values: TemplateValues, schema: CompiledSchemaSet) -> Bool {
        withExtendedLifetime(schema) { Self.accepts(root, schema.root, values) }
    }

    /// The canonical text of the record `values` describe.
    func render(_ values: TemplateValues) -> String {
        var capacity = 1024
        while true {
            var fitted = false
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                var sink = ByteSink(buffer)
                Self.render(root, values, into: &sink)
                fitted = !sink.overflowed
                count = fitted ? sink.count : 0
            }
            if fitted { return String(decoding: bytes, as: UTF8.self) }
            capacity *= 4
        }
    }

    private static func render(_ node: Node, _ values: TemplateValues, into sink: inout ByteSink) {
        switch node {
        case .object(_, let keyBytes, let children, _):
            sink.append(UInt8(ascii: "{"))
            var first = true
            for index in children.indices where bit(of: children[index]) & values.present != 0 {
                if !first { sink.append(UInt8(ascii: ",")) }
                first = false
                keyBytes[index].withUnsafeBufferPointer { sink.append($0) }
                render(children[index], values, into: &sink)
            }
            sink.append(UInt8(ascii: "}"))
        case .array(let elements, _):
            sink.append(UInt8(ascii: "["))
            var first = true
            for element in elements where bit(of: element) & values.present != 0 {
                if !first { sink.append(UInt8(ascii: ",")) }
                first = false
                render(element, values, into: &sink)
            }
            sink.append(UInt8(ascii: "]"))
        case .leaf(let field):
            sink.write(values.values[field]!)
        case .identifiers:
            sink.append(UInt8(ascii: "["))
            for (index, identifier) in values.identifiers.enumerated() {
                sink.append(index == 0 ? "{\"type\":" : ",{\"type\":")
                sink.writeString(identifier.type)
                sink.append(",\"value\":")
                sink.write(identifier.value)
                sink.append(UInt8(ascii: "}"))
            }
            sink.append(UInt8(ascii: "]"))
        case .unmapped:
            sink.write(.object(values.unmapped))
        }
    }

    /// The subtree as the `JSONValue` `map(_:)` would have built, for schema keywords that need the whole value.
    private static func materialize(_ node: Node, _ values: TemplateValues) -> JSONValue {
        switch node {
        case .object(let keys, _, let children, _):
            var object: [String: JSONValue] = [:]
            for index in children.indices where bit(of: children[index]) & values.present != 0 {
                object[keys[index]] = materialize(children[index], values)
            }
            return .object(object)
        case .array(let elements, _):
            return .array(elements.filter { bit(of: $0) & values.present != 0 }.map { materialize($0, values) })
        case .leaf(let field):
            return values.values[field]!
        case .identifiers:
            return .array(values.identifiers.map { .object(["type": .string($0.type), "value": $0.value]) })
        case .unmapped:
            return .object(values.unmapped)
        }
    }

    /// `CompiledSchema.accepts`, keyword for keyword, on a present node of the template.
    private static func accepts(_ node: Node, _ schema: CompiledSchema, _ values: TemplateValues) -> Bool {
        switch schema.kind {
        case .acceptsAll: return true
        case .rejectsAll: return false
        case .keywords: break
        }
        switch node {
        case .leaf(let field):
            return schema.accepts(values.values[field]!)
        case .identifiers, .unmapped:
            return schema.accepts(materialize(node, values))
        case .object, .array:
            break
        }
        // Keywords that compare or branch on the whole value: let the schema see the value itself.
        if schema.constant != nil || schema.options != nil || schema.anyOf != nil || schema.oneOf != nil
            || schema.not != nil || schema.condition != nil
        {
            return schema.accepts(materialize(node, values))
        }
        if let reference = schema.reference {
            guard let target = reference.target, accepts(node, target, values) else { return false }
        }
        switch node {
        case .object(let keys, _, let children, _):
            if let types = schema.types, !types.contains(.object) { return false }
            guard acceptsObject(keys: keys, children: children, schema, values) else { return false }
        case .array(let elements, _):
            if let types = schema.types, !types.contains(.array) { return false }
            let present = elements.filter { bit(of: $0) & values.present != 0 }
            if let minItems = schema.counts.minItems, present.count < minItems { return false }
            if let items = schema.items {
                for element in present where !accepts(element, items, values) { return false }
            }
        default:
            break
        }
        for branch in schema.allOf where !accepts(node, branch, values) { return false }
        return true
    }

    private static func acceptsObject(
        keys: [String], children: [Node], _ schema: CompiledSchema, _ values: TemplateValues
    ) -> Bool {
        let counts = schema.counts
        if counts.minProperties != nil || counts.maxProperties != nil {
            let present = children.count { bit(of: $0) & values.present != 0 }
            if let minProperties = counts.minProperties, present < minProperties { return false }
            if let maxProperties = counts.maxProperties, present > maxProperties { return false }
        }
        for name in schema.requiredElsewhere {
            guard let index = keys.firstIndex(of: name), bit(of: children[index]) & values.present != 0 else {
                return false
            }
        }
        guard schema.checksEntries else { return schema.propertyTable.requiredCount == 0 }
        let entries = schema.propertyTable.entries
        var requiredSeen = 0
        for index in children.indices where bit(of: children[index]) & values.present != 0 {
            if let property = schema.propertyTable.index(of: keys[index]) {
                if entries[property].isRequired { requiredSeen += 1 }
                guard accepts(children[index], entries[property].schema, values) else { return false }
                continue
            }
            switch schema.additional {
            case .unconstrained: break
            case .forbidden: return false
            case .schema(let additional): guard accepts(children[index], additional, values) else { return false }
            }
        }
        return requiredSeen == schema.propertyTable.requiredCount
    }
}
