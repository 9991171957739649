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
/// A final class of constants: a record's mapping reads it through one reference, where copying a struct of
/// seven arrays out of the plan retained each of them per record.
///
/// A mapping the template cannot express has none and takes the general path: a target below another target
/// (`name` and `name.full`), a whole-list target where identifiers go, a target inside the unmapped bucket,
/// more than `maxFields` fields.
final class CanonicalTemplate: Sendable {
    enum Kind: Sendable {
        /// Children sorted by key as `canonicalText` sorts them.
        case object
        /// Elements by index (`lines[0]`, `lines[1]`); only elements with a value below them are written.
        case array
        /// The value of `MappingPlan.fields[field]`.
        case leaf
        /// The identifier list (`customer.identifiers`): `{type, value}` per identifier field with a value.
        case identifiers
        /// The unmapped bucket (`attributes`): source fields no field read.
        case unmapped
    }

    /// One node, with no references in it: walking the template per record retains nothing.
    struct Node: Sendable {
        let kind: Kind
        /// The field of a leaf.
        let field: Int
        /// The bits of every leaf at or below this node (`TemplateValues.present`).
        let mask: UInt64
        /// This node's children are `children[firstChild..<firstChild + childCount]`.
        let firstChild: Int
        let childCount: Int
    }

    /// Fields beyond this many take the general path (a leaf is one bit of a 64-bit mask).
    static let maxFields = 62
    static let identifiersBit: UInt64 = 1 << 62
    static let unmappedBit: UInt64 = 1 << 63

    /// `nodes[0]` is the root object.
    let nodes: [Node]
    /// Node indices, each node's children together, in key (or element) order.
    let children: [Int]
    /// Per entry of `children`: the member's key (empty for array elements)...
    let keys: [String]
    /// ...and `"key":` as `canonicalText` writes it (empty for array elements).
    private let keyBytes: PackedBytes

    /// The schema checks a record's values must pass, worked out from the schema once (see `Check`).
    let checks: [Check]
    /// `checks` as `accepts` walks them, holding the schema nodes unretained: copying a `Check` out of the array
    /// retained its node, a retain and release per check and record (`schema` keeps the nodes alive).
    private let steps: [Step]
    /// Owns the schema nodes the checks point into (`$ref` targets are not retained by their referrers).
    let schema: CompiledSchemaSet

    /// Per field: for a list mapped with `each`, the template of one element. Elements are then checked and
    /// written from their own values, with no object built per element, no schema walk over it and no key sort
    /// (an XML feed's order lines were a third of mapping an order). Nil for every other field, and for a list
    /// whose schema checks more than its items (`minItems`, `anyOf`, …): its value stays a `JSONValue`.
    let elementTemplates: [CanonicalTemplate?]

    /// The template for `fields`, or nil when the mapping needs the general path.
    convenience init?(
        fields: [FieldMapping], identifierSteps: [TargetStep], unmappedSteps: [TargetStep], keepsUnmapped: Bool,
        schema: CompiledSchemaSet
    ) {
        self.init(
            fields: fields, identifierSteps: identifierSteps, unmappedSteps: unmappedSteps,
            keepsUnmapped: keepsUnmapped, root: schema.root, schema: schema)
    }

    /// The template of one element of a list mapped with `each`: an object of `fields`, checked against `items`
    /// (nil: the list's schema says nothing of its items).
    private convenience init?(elementFields fields: [FieldMapping], items: CompiledSchema?, schema: CompiledSchemaSet) {
        self.init(
            fields: fields, identifierSteps: [], unmappedSteps: [], keepsUnmapped: false,
            root: items ?? CompiledSchema(kind: .acceptsAll), schema: schema)
    }

    /// - Parameter root: The schema node the record (or list element) is checked against; `schema` owns it.
    private init?(
        fields: [FieldMapping], identifierSteps: [TargetStep], unmappedSteps: [TargetStep], keepsUnmapped: Bool,
        root schemaRoot: CompiledSchema, schema: CompiledSchemaSet
    ) {
        guard fields.count <= Self.maxFields else { return nil }
        var root = Builder.object([:])
        for (index, field) in fields.enumerated() {
            guard case .path(let steps, _) = field.destination else { continue }
            guard root.insert(.leaf(index), at: steps[...]) else { return nil }
        }
        if fields.contains(where: { if case .identifier = $0.destination { true } else { false } }) {
            guard root.insert(.identifiers, at: identifierSteps[...]) else { return nil }
        }
        if keepsUnmapped {
            guard root.insert(.unmapped, at: unmappedSteps[...]) else { return nil }
        }
        var flat = Flattening()
        _ = flat.add(root)
        nodes = flat.nodes
        children = flat.children
        keys = flat.keys
        keyBytes = PackedBytes(flat.keyBytes)
        self.schema = schema
        var checks: [Check] = []
        withExtendedLifetime(schema) {
            Self.compile(0, schemaRoot, nodes: flat.nodes, children: flat.children, keys: flat.keys, into: &checks)
        }
        let elementTemplates = Self.elementTemplates(for: fields, checks: &checks, schema: schema)
        Self.specializeIdentifierChecks(&checks, nodes: flat.nodes, fields: fields)
        self.checks = checks
        self.steps = checks.indices.map { Step(checks[$0], at: $0) }
        self.elementTemplates = elementTemplates
    }

    /// The element template of each list mapped with `each` whose schema checks only its items, taking that
    /// list's check out of `checks` (each element is checked alone instead); nil for every other field.
    private static func elementTemplates(
        for fields: [FieldMapping], checks: inout [Check], schema: CompiledSchemaSet
    ) -> [CanonicalTemplate?] {
        var templates = [CanonicalTemplate?](repeating: nil, count: fields.count)
        for (index, field) in fields.enumerated() {
            guard let elements = field.elements, case .path = field.destination,
                !elements.fields.contains(where: { $0.elements != nil })
            else { continue }
            let listChecks = checks.indices.filter { position in
                if case .leaf(let checked, _) = checks[position] { return checked == index }
                return false
            }
            var items: CompiledSchema?
            if let position = listChecks.first {
                guard listChecks.count == 1, case .leaf(_, let list) = checks[position], checksOnlyItems(list)
                else { continue }
                items = list.items
            }
            guard let element = CanonicalTemplate(elementFields: elements.fields, items: items, schema: schema) else {
                continue
            }
            templates[index] = element
            if let position = listChecks.first { checks.remove(at: position) }
        }
        return templates
    }

    /// Turns the identifier list's whole-value check into one check per entry, worked out ahead for each
    /// identifier type the mapping writes (`SpecializedObjectCheck`); leaves it whole when that is not exact.
    private static func specializeIdentifierChecks(_ checks: inout [Check], nodes: [Node], fields: [FieldMapping]) {
        var types: [String] = []
        for field in fields {
            if case .identifier(_, let type) = field.destination, !types.contains(type) { types.append(type) }
        }
        for position in checks.indices {
            guard case .whole(let node, let list) = checks[position], nodes[node].kind == .identifiers,
                checksOnlyItems(list)
            else { continue }
            var byType: [(type: String, check: SpecializedObjectCheck)] = []
            for type in types {
                guard
                    let check = list.items.map({
                        $0.specialized(constants: ["type": .string(type)], others: ["value"])
                    }) ?? .acceptsAll
                else { break }
                byType.append((type, check))
            }
            if byType.count == types.count { checks[position] = .identifiers(node: node, byType: byType) }
        }
    }

    /// Whether `accepts` of a list against `schema` is exactly "every element is accepted by `schema.items`".
    private static func checksOnlyItems(_ schema: CompiledSchema) -> Bool {
        guard case .keywords = schema.kind else { return false }
        if let types = schema.types, !types.allows(.array([])) { return false }
        return schema.reference == nil && schema.constant == nil && schema.options == nil
            && schema.counts.minItems == nil && schema.allOf.isEmpty && schema.anyOf == nil && schema.oneOf == nil
            && schema.not == nil && schema.condition == nil
    }

    /// The tree while it is built: a target may only end where nothing else is, and may not pass through a leaf.
    private indirect enum Builder {
        enum End {
            case leaf(Int)
            case identifiers
            case unmapped
        }

        case object([String: Builder])
        case array([Int: Builder])
        case end(End)

        mutating func insert(_ end: End, at steps: ArraySlice<TargetStep>) -> Bool {
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
    }

    /// Lays a built tree out in arrays, parents before children.
    private struct Flattening {
        var nodes: [Node] = []
        var children: [Int] = []
        var keys: [String] = []
        var keyBytes: [[UInt8]] = []

        /// Adds `builder` and everything below it; returns its node index.
        mutating func add(_ builder: Builder) -> Int {
            let index = nodes.count
            nodes.append(Node(kind: .leaf, field: 0, mask: 0, firstChild: 0, childCount: 0))  // Filled below.
            switch builder {
            case .end(.leaf(let field)):
                nodes[index] = Node(kind: .leaf, field: field, mask: 1 << UInt64(field), firstChild: 0, childCount: 0)
            case .end(.identifiers):
                nodes[index] = Node(
                    kind: .identifiers, field: 0, mask: CanonicalTemplate.identifiersBit, firstChild: 0, childCount: 0)
            case .end(.unmapped):
                nodes[index] = Node(
                    kind: .unmapped, field: 0, mask: CanonicalTemplate.unmappedBit, firstChild: 0, childCount: 0)
            case .object(let members):
                let sortedKeys = members.keys.sorted()
                addChildren(of: index, kind: .object, sortedKeys.map { ($0, members[$0]!) })
            case .array(let elements):
                addChildren(of: index, kind: .array, elements.keys.sorted().map { ("", elements[$0]!) })
            }
            return index
        }

        private mutating func addChildren(of index: Int, kind: Kind, _ members: [(key: String, builder: Builder)]) {
            // Reserve this node's run of `children` first, so its children sit together.
            let first = children.count
            for (key, _) in members {
                children.append(0)
                keys.append(key)
                keyBytes.append(kind == .object ? ByteSink.memberPrefix(key) : [])
            }
            var mask: UInt64 = 0
            for (offset, member) in members.enumerated() {
                let child = add(member.builder)
                children[first + offset] = child
                mask |= nodes[child].mask
            }
            nodes[index] = Node(kind: kind, field: 0, mask: mask, firstChild: first, childCount: members.count)
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
    /// Bits of the leaves with a value (`CanonicalTemplate.Node.mask`).
    var present: UInt64 = 0
    /// Lists mapped with an element template (`CanonicalTemplate.elementTemplates`): each element's values,
    /// already checked. Their fields have no entry in `values`.
    var lists: [(field: Int, elements: [TemplateValues])] = []

    init(fieldCount: Int) {
        values = [JSONValue?](repeating: nil, count: fieldCount)
    }

    mutating func set(_ value: JSONValue, field: Int) {
        values[field] = value
        present |= 1 << UInt64(field)
    }

    mutating func setList(_ elements: [TemplateValues], field: Int) {
        lists.append((field, elements))
        present |= 1 << UInt64(field)
    }

    /// The elements of the list `field`, set with `setList`.
    func elements(of field: Int) -> [TemplateValues] {
        for list in lists where list.field == field { return list.elements }
        return []
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
    func accepts(_ values: TemplateValues) -> Bool {
        let present = values.present
        return withExtendedLifetime(schema) {
            for step in steps {
                switch step {
                case .leaf(let field, let schema):
                    guard present & (1 << UInt64(field)) != 0 else { continue }
                    if !schema._withUnsafeGuaranteedRef({ $0.accepts(values.values[field]!) }) { return false }
                case .require(let when, let child):
                    if (when == 0 || present & when != 0) && present & child == 0 { return false }
                case .never(let when):
                    if when == 0 || present & when != 0 { return false }
                case .whole(let node, let schema):
                    guard node == 0 || isPresent(node, values) else { continue }
                    let value = materialize(node, values)
                    if !schema._withUnsafeGuaranteedRef({ $0.accepts(value) }) { return false }
                case .identifiers(let check):
                    guard case .identifiers(let node, let byType) = checks[check], isPresent(node, values) else {
                        continue
                    }
                    for identifier in values.identifiers {
                        guard let check = byType.first(where: { $0.type == identifier.type })?.check,
                            check.accepts({ $0 == "value" ? identifier.value : nil })
                        else { return false }
                    }
                }
            }
            return true
        }
    }

    /// The canonical text of the record `values` describe.
    func render(_ values: TemplateValues) -> String {
        ByteSink.string { render(0, values, into: &$0) }
    }

    private func render(_ index: Int, _ values: TemplateValues, into sink: inout ByteSink) {
        let node = nodes[index]
        switch node.kind {
        case .object, .array:
            sink.append(UInt8(ascii: node.kind == .object ? "{" : "["))
            var first = true
            for slot in node.firstChild..<(node.firstChild + node.childCount) where isPresent(children[slot], values) {
                if !first { sink.append(UInt8(ascii: ",")) }
                first = false
                sink.append(keyBytes[slot])
                render(children[slot], values, into: &sink)
            }
            sink.append(UInt8(ascii: node.kind == .object ? "}" : "]"))
        case .leaf:
            if let value = values.values[node.field] {
                sink.write(value)
            } else {
                let element = elementTemplates[node.field]!
                sink.append(UInt8(ascii: "["))
                for (position, elementValues) in values.elements(of: node.field).enumerated() {
                    if position > 0 { sink.append(UInt8(ascii: ",")) }
                    element.render(0, elementValues, into: &sink)
                }
                sink.append(UInt8(ascii: "]"))
            }
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

    private func isPresent(_ index: Int, _ values: TemplateValues) -> Bool { nodes[index].mask & values.present != 0 }

    /// The subtree as the `JSONValue` `map(_:)` would have built, for schema keywords that need the whole value.
    private func materialize(_ index: Int, _ values: TemplateValues) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .object:
            var object: [String: JSONValue] = [:]
            for slot in node.firstChild..<(node.firstChild + node.childCount) where isPresent(children[slot], values) {
                object[keys[slot]] = materialize(children[slot], values)
            }
            return .object(object)
        case .array:
            var elements: [JSONValue] = []
            for slot in node.firstChild..<(node.firstChild + node.childCount) where isPresent(children[slot], values) {
                elements.append(materialize(children[slot], values))
            }
            return .array(elements)
        case .leaf:
            if let value = values.values[node.field] { return value }
            let element = elementTemplates[node.field]!
            return .array(values.elements(of: node.field).map { element.materialize(0, $0) })
        case .identifiers:
            return .array(values.identifiers.map { .object(["type": .string($0.type), "value": $0.value]) })
        case .unmapped:
            return .object(values.unmapped)
        }
    }

}

extension CanonicalTemplate {
    /// A `Check` as `accepts` walks it: schema nodes unretained, the identifier check by its index in `checks`.
    private enum Step {
        case leaf(field: Int, schema: Unmanaged<CompiledSchema>)
        case require(when: UInt64, child: UInt64)
        case never(when: UInt64)
        case whole(node: Int, schema: Unmanaged<CompiledSchema>)
        case identifiers(check: Int)

        init(_ check: Check, at index: Int) {
            switch check {
            case .leaf(let field, let schema): self = .leaf(field: field, schema: .passUnretained(schema))
            case .require(let when, let child): self = .require(when: when, child: child)
            case .never(let when): self = .never(when: when)
            case .whole(let node, let schema): self = .whole(node: node, schema: .passUnretained(schema))
            case .identifiers: self = .identifiers(check: index)
            }
        }
    }

    /// One schema check of a record, with the template's shape already taken into account.
    ///
    /// `CompiledSchema.accepts` on the tree is partially evaluated over the template once: type and
    /// `additionalProperties` checks on objects are decided when the template is built, `required` becomes a test
    /// on the presence bits, and what is left per record is each leaf's own schema. A node whose schema compares
    /// or branches on the whole value (`const`, `enum`, `anyOf`, `oneOf`, `not`, `if`, property counts,
    /// `minItems`), and the identifier list and unmapped bucket, are checked whole, as `accepts` checks them.
    /// A mask of 0 means the root, which is always present.
    enum Check: Sendable {
        /// The field's value, when it has one, must pass the schema.
        case leaf(field: Int, schema: CompiledSchema)
        /// When `when` is present, `child` must be too (`required`).
        case require(when: UInt64, child: UInt64)
        /// `when` must not be present (a wrong type, a forbidden or impossible key).
        case never(when: UInt64)
        /// The node, when present, must pass the schema as a value.
        case whole(node: Int, schema: CompiledSchema)
        /// The identifier list, when present: each `{type, value}` entry must pass its type's check.
        case identifiers(node: Int, byType: [(type: String, check: SpecializedObjectCheck)])
    }

    /// Appends the checks that stand for `accepts(node, schema)`, mirroring `CompiledSchema.accepts` keyword for
    /// keyword (`CanonicalTemplateTests` compares both on many records, valid and not).
    private static func compile(
        _ index: Int, _ schema: CompiledSchema, nodes: [Node], children: [Int], keys: [String],
        into checks: inout [Check]
    ) {
        let node = nodes[index]
        let when = index == 0 ? 0 : node.mask
        switch schema.kind {
        case .acceptsAll: return
        case .rejectsAll:
            checks.append(.never(when: when))
            return
        case .keywords: break
        }
        switch node.kind {
        case .leaf:
            checks.append(.leaf(field: node.field, schema: schema))
            return
        case .identifiers, .unmapped:
            checks.append(.whole(node: index, schema: schema))
            return
        case .object, .array:
            break
        }
        let counts = schema.counts
        if schema.constant != nil || schema.options != nil || schema.anyOf != nil || schema.oneOf != nil
            || schema.not != nil || schema.condition != nil || counts.minProperties != nil
            || counts.maxProperties != nil || counts.minItems != nil
        {
            checks.append(.whole(node: index, schema: schema))
            return
        }
        if let reference = schema.reference {
            guard let target = reference.target else {
                checks.append(.never(when: when))
                return
            }
            compile(index, target, nodes: nodes, children: children, keys: keys, into: &checks)
        }
        let slots = node.firstChild..<(node.firstChild + node.childCount)
        if node.kind == .object {
            if let types = schema.types, !types.contains(.object) {
                checks.append(.never(when: when))
                return
            }
            func slot(named name: String) -> Int? { slots.first { keys[$0] == name } }
            for name in schema.requiredElsewhere {
                if let slot = slot(named: name) {
                    checks.append(.require(when: when, child: nodes[children[slot]].mask))
                } else {
                    checks.append(.never(when: when))
                }
            }
            if schema.checksEntries {
                let table = schema.propertyTable
                for slot in slots {
                    let child = children[slot]
                    if let property = table.index(of: keys[slot]) {
                        compile(child, table.entries[property].schema, nodes: nodes, children: children, keys: keys, into: &checks)
                        continue
                    }
                    switch schema.additional {
                    case .unconstrained: break
                    case .forbidden: checks.append(.never(when: nodes[child].mask))
                    case .schema(let additional):
                        compile(child, additional, nodes: nodes, children: children, keys: keys, into: &checks)
                    }
                }
                for entry in table.entries where entry.isRequired {
                    if let slot = slot(named: entry.name) {
                        checks.append(.require(when: when, child: nodes[children[slot]].mask))
                    } else {
                        checks.append(.never(when: when))
                    }
                }
            } else if schema.propertyTable.requiredCount != 0 {
                checks.append(.never(when: when))
            }
        } else {
            if let types = schema.types, !types.contains(.array) {
                checks.append(.never(when: when))
                return
            }
            if let items = schema.items {
                for slot in slots {
                    compile(children[slot], items, nodes: nodes, children: children, keys: keys, into: &checks)
                }
            }
        }
        for branch in schema.allOf {
            compile(index, branch, nodes: nodes, children: children, keys: keys, into: &checks)
        }
    }
}
