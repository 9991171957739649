/// What `RecordMapping.map(_:)` can work out once per mapping instead of once per record: target paths with the
/// size of every object on them, the identifier list's path, the rules for unmapped fields, the compiled schema.
///
/// Built when the mapping compiles. Before it existed, every record re-split every dotted path, rebuilt each
/// object on a target's path, and compared every source leaf with every consumed path as text: mapping was 57%
/// of a JSONL sync's CPU.
struct MappingPlan: Sendable {
    /// The stream's fields in application order, their target steps carrying object sizes.
    let fields: [FieldMapping]
    /// `fields` boxed, so walking them per record retains one reference per field instead of copying each
    /// struct (its strings, paths and transforms) out of the array.
    let boxedFields: [Box<FieldMapping>]
    /// The entity's schema, compiled once (the registry's cache is behind a lock).
    let schema: CompiledSchemaSet?
    /// Keys the canonical object can get, so it is allocated once at its final size.
    let rootCapacity: Int
    let sourceIDPath: SourcePath?
    /// Where identifiers go (`customer.identifiers`).
    let identifierSteps: [TargetStep]
    /// Where unmapped source fields go (`attributes`, or `properties` for events).
    let unmappedSteps: [TargetStep]
    let unmapped: UnmappedFields
    /// Lists that element targets (`lines[0].sku`) write, deepest first: elements left empty are removed.
    let elementLists: [[TargetStep]]

    init(entity: Entity, fields: [FieldMapping], sourceIDField: String?, keepsUnmapped: Bool) {
        let listPath = TargetCatalog.identifierListPath(for: entity)
        let identifierSteps = listPath.split(separator: ".").map { TargetStep.key(String($0), capacity: 0) }
        let unmappedSteps = [TargetStep.key(entity.unmappedFieldsKey, capacity: 0)]

        // Every path something may be written at, to count the keys each object on them can get.
        var paths: [[TargetStep]] = fields.compactMap { field in
            if case .path(let steps, _) = field.destination { return steps }
            return nil
        }
        if fields.contains(where: { if case .identifier = $0.destination { true } else { false } }) {
            paths.append(identifierSteps)
        }
        if keepsUnmapped { paths.append(unmappedSteps) }
        var children: [[TargetStep]: Set<String>] = [:]
        for path in paths {
            for (position, step) in path.enumerated() {
                if case .key(let key, _) = step { children[Self.shape(path[..<position]), default: []].insert(key) }
            }
        }
        func sized(_ path: [TargetStep]) -> [TargetStep] {
            path.enumerated().map { position, step in
                guard case .key(let key, _) = step else { return step }
                return .key(key, capacity: children[Self.shape(path[..<position])]?.count ?? 0)
            }
        }

        self.fields = fields.map { field in
            guard case .path(let steps, let expectsText) = field.destination else { return field }
            var field = field
            field.destination = .path(sized(steps), expectsText: expectsText)
            return field
        }
        boxedFields = self.fields.map(Box.init)
        self.identifierSteps = sized(identifierSteps)
        self.unmappedSteps = sized(unmappedSteps)
        rootCapacity = children[[]]?.count ?? 0
        schema = SchemaRegistry.canonical.compiledSchema(named: entity.schemaName)
        sourceIDPath = sourceIDField.map(SourcePath.init)

        var lists: Set<[TargetStep]> = []
        for path in paths {
            for (position, step) in path.enumerated() where position > 0 {
                if case .index = step { lists.insert(Array(path[..<position])) }
            }
        }
        elementLists = lists.sorted { $0.count > $1.count }

        var consumed = fields.flatMap(\.sourcePaths)
        if let sourceIDField { consumed.append(sourceIDField) }
        unmapped = UnmappedFields(consumed: consumed)
    }

    /// A path with its sizes left out, to compare paths.
    private static func shape(_ steps: ArraySlice<TargetStep>) -> [TargetStep] {
        steps.map { step in
            if case .key(let key, _) = step { return .key(key, capacity: 0) }
            return step
        }
    }

    /// The path as config writes it: `lines[0].category`.
    static func text(of steps: some Collection<TargetStep>) -> String {
        var text = ""
        for step in steps {
            switch step {
            case .key(let key, _):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// The rules for element targets that need every target of the stream: indexes of one list run from 0
    /// without gaps, and a list is mapped either whole or by element.
    ///
    /// Contiguous indexes are the simplest rule that keeps `lines[1]` meaning the second line: a mapping cannot
    /// produce a list with a hole in it by construction.
    static func checkElementTargets(
        of fields: [FieldMapping], at path: JSONPath, problems: inout ConfigurationProblems
    ) {
        var indexes: [String: Set<Int>] = [:]
        var wholeLists: Set<String> = []
        for field in fields {
            guard case .path(let steps, _) = field.destination else { continue }
            wholeLists.insert(text(of: steps))
            for (position, step) in steps.enumerated() {
                if case .index(let index) = step { indexes[text(of: steps[..<position]), default: []].insert(index) }
            }
        }
        for field in fields.sorted(by: { $0.target < $1.target }) {
            guard case .path(let steps, _) = field.destination else { continue }
            for (position, step) in steps.enumerated() {
                guard case .index(let index) = step else { continue }
                let list = text(of: steps[..<position])
                if wholeLists.contains(list) {
                    problems.add(
                        path.appending(field.target),
                        "'\(list)' is mapped whole and by element; map either the whole list (\(list)) or its elements (\(list)[0]…)"
                    )
                } else if let missing = (0..<index).first(where: { !(indexes[list]?.contains($0) ?? false) }) {
                    problems.add(
                        path.appending(field.target),
                        "element indexes of '\(list)' must run from 0 without gaps; \(list)[\(index)] is mapped but \(list)[\(missing)] is not"
                    )
                }
            }
        }
    }
}

/// An immutable value behind a reference.
final class Box<Value: Sendable>: Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}

/// Which source leaves no field consumed, with the rules the mapping has always had: a leaf is consumed when a
/// field reads it, anything below it (its path is a prefix of the field's), or anything above it (a field that
/// reads an object consumes every leaf under it, and its parents are not copied whole).
struct UnmappedFields: Sendable {
    /// The paths fields read (and `source_id`).
    let consumed: [String]
    private let consumedSet: Set<String>
    /// Consumed paths and every dotted prefix of them (`a` and `a.b` for `a.b.c`): a leaf with one of these
    /// paths is consumed, and an object with one of them has consumed leaves below it.
    private let consumedOrAbove: Set<String>

    init(consumed: [String]) {
        self.consumed = consumed
        consumedSet = Set(consumed)
        var above = Set(consumed)
        for path in consumed {
            var prefix = ""
            for (index, part) in path.split(separator: ".", omittingEmptySubsequences: false).dropLast().enumerated() {
                prefix += index == 0 ? String(part) : "." + part
                above.insert(prefix)
            }
        }
        consumedOrAbove = above
    }

    /// Every unconsumed leaf of `fields`, by dotted path (arrays and empty objects count as leaves).
    ///
    /// Walks the record once, pruning subtrees a field consumed whole; a leaf costs one set look-up. Records
    /// with an empty key or a key containing a dot (where two leaves can share a dotted path, and the first in
    /// key order wins) take the original walk over the sorted leaves.
    func leaves(of fields: [String: JSONValue]) -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        if walk(fields, prefix: nil, checked: true, into: &found) { return found }
        found = [:]
        for (path, value) in JSONValue.object(fields).leaves() {
            let isConsumed = consumed.contains { from in
                path == from || path.hasPrefix(from + ".") || from.hasPrefix(path + ".")
            }
            guard !isConsumed, found[path] == nil else { continue }
            found[path] = value
        }
        return found
    }

    /// False when a key makes the walk's paths ambiguous (empty, or containing a dot).
    ///
    /// - Parameter checked: false below an object no consumed path reaches into: every leaf there is kept.
    private func walk(
        _ object: [String: JSONValue], prefix: String?, checked: Bool, into found: inout [String: JSONValue]
    ) -> Bool {
        for (key, value) in object {
            if key.isEmpty || key.utf8.contains(UInt8(ascii: ".")) { return false }
            let path = prefix.map { $0 + "." + key } ?? key
            if case .object(let child) = value, !child.isEmpty {
                if checked {
                    if consumedSet.contains(path) { continue }  // Read whole: everything below is consumed.
                    if !walk(child, prefix: path, checked: consumedOrAbove.contains(path), into: &found) {
                        return false
                    }
                } else if !walk(child, prefix: path, checked: false, into: &found) {
                    return false
                }
            } else if !checked || !consumedOrAbove.contains(path) {
                found[path] = value
            }
        }
        return true
    }
}
