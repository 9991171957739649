/// What `RecordMapping.map(_:)` can work out once per mapping instead of once per record: target paths with the
/// size of every object on them, the identifier list's path, the rules for unmapped fields, the compiled schema.
///
/// A class of constants, so copying a `RecordMapping` (once per record in a sync) retains one reference.
///
/// Built when the mapping compiles. Before it existed, every record re-split every dotted path, rebuilt each
/// object on a target's path, and compared every source leaf with every consumed path as text: mapping was 57%
/// of a JSONL sync's CPU.
final class MappingPlan: Sendable {
    /// The stream's fields in application order, their target steps carrying object sizes.
    let fields: [FieldMapping]
    /// `fields` unretained, for the per-record loop (`fields` keeps them alive): a counted reference per field
    /// and record was a tenth of the retains in mapping an order.
    let unretainedFields: [Unmanaged<FieldMapping>]
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
    /// Lists that element targets write beyond `[0]` (`lines[1].sku`), deepest first: elements left empty are
    /// removed after placing.
    let elementLists: [[TargetStep]]
    /// When every source path (and `source_id`) is one top-level key, the keys read: `map(_:)` then walks the
    /// record once, filling `RecordView.slots` and collecting unmapped fields in the same pass, instead of one
    /// hash look-up per field and another per unmapped check. Nil for mappings with dotted source paths.
    let topLevelKeys: StringTable?
    /// Where `source_id`'s value is in `RecordView.slots`.
    let sourceIDSlot: Int?
    /// The canonical record's shape, for writing valid records straight to text; nil when the mapping needs
    /// the general path (see `CanonicalTemplate`).
    let template: CanonicalTemplate?
    /// Per slot of `topLevelKeys`: only fields with an element template read it, each from this slot alone, so a
    /// list held by slot can be handed to them as it is (`RecordView.lists`).
    let listsReadInPlace: [Bool]

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

        let sourcePaths = fields.flatMap { field -> [SourcePath] in
            if case .fields(let paths) = field.source { return paths }
            return []
        }
        let sourceIDPath = sourceIDField.map(SourcePath.init)
        let allPaths = sourcePaths + (sourceIDPath.map { [$0] } ?? [])
        let topLevelKeys = allPaths.allSatisfy({ $0.keys.count == 1 }) ? StringTable(allPaths.map(\.text)) : nil
        self.topLevelKeys = topLevelKeys
        sourceIDSlot = sourceIDField.flatMap { topLevelKeys?.index(of: $0) }
        self.sourceIDPath = sourceIDPath

        let sizedFields = fields.map { field in
            var destination = field.destination
            if case .path(let steps, let expectsText) = destination {
                destination = .path(sized(steps), expectsText: expectsText)
            }
            var slots: [Int]?
            if let topLevelKeys, case .fields(let paths) = field.source {
                slots = paths.map { topLevelKeys.index(of: $0.text)! }
            }
            return field.with(destination, slots: slots)
        }
        self.fields = sizedFields
        unretainedFields = sizedFields.map { .passUnretained($0) }
        let sizedIdentifierSteps = sized(identifierSteps)
        let sizedUnmappedSteps = sized(unmappedSteps)
        self.identifierSteps = sizedIdentifierSteps
        self.unmappedSteps = sizedUnmappedSteps
        rootCapacity = children[[]]?.count ?? 0
        let schema = SchemaRegistry.canonical.compiledSchema(named: entity.schemaName)
        self.schema = schema

        // Only a list written beyond element 0 can get an empty element (created to reach a later one).
        var lists: Set<[TargetStep]> = []
        for path in paths {
            for (position, step) in path.enumerated() where position > 0 {
                if case .index(let index) = step, index > 0 { lists.insert(Self.shape(path[..<position])) }
            }
        }
        elementLists = lists.sorted { $0.count > $1.count }

        var consumed = fields.flatMap(\.sourcePaths)
        if let sourceIDField { consumed.append(sourceIDField) }
        unmapped = UnmappedFields(consumed: consumed)
        let template = schema.flatMap { schema in
            CanonicalTemplate(
                fields: sizedFields, identifierSteps: sizedIdentifierSteps, unmappedSteps: sizedUnmappedSteps,
                keepsUnmapped: keepsUnmapped, schema: schema)
        }
        self.template = template
        var inPlace = [Bool](repeating: false, count: topLevelKeys?.count ?? 0)
        var readOtherwise = inPlace
        if let sourceIDSlot { readOtherwise[sourceIDSlot] = true }
        for (index, field) in sizedFields.enumerated() {
            guard let slots = field.slots else { continue }
            if template?.elementTemplates[index] != nil, slots.count == 1 {
                inPlace[slots[0]] = true
            } else {
                for slot in slots { readOtherwise[slot] = true }
            }
        }
        listsReadInPlace = zip(inPlace, readOtherwise).map { $0 && !$1 }
    }

    /// `view(of:keepsUnmapped:)` for a row of a tabular source, read from its columns without building the
    /// object; nil when the mapping reads dotted paths or the row repeats a column name.
    func view(ofRow columns: SourceColumns, _ values: [String], keepsUnmapped: Bool) -> (
        RecordView, [String: JSONValue]?
    )? {
        guard let keys = topLevelKeys, columns.areDistinct else { return nil }
        let entries = zip(columns.names, values.lazy.map(JSONValue.string))
        let (slots, found) = read(entries, keys: keys, keepsUnmapped: keepsUnmapped)
        return (RecordView(object: [:], slots: slots), found)
    }

    /// `view(of:keepsUnmapped:)` for a record held by slots (`SourceRecord.slots`), read in place; nil when the
    /// mapping reads dotted paths. A list held by slot stays one where only `each` fields with an element
    /// template read it (`listsReadInPlace`), and becomes its JSON value anywhere else.
    ///
    /// `read(_:keys:keepsUnmapped:)`'s loop written out for slots: feeding it the slots as a lazy sequence of
    /// entries cost an XML feed import 0.1 to 0.2 s more CPU per 150,000 orders (measured).
    func view(ofSlots columns: SourceColumns, _ values: [JSONValue?], lists: [SlotList?], keepsUnmapped: Bool)
        -> (RecordView, [String: JSONValue]?)?
    {
        guard let keys = topLevelKeys else { return nil }
        var slots = [JSONValue?](repeating: .none, count: keys.count)
        var viewLists: [SlotList?] = []
        var found: [String: JSONValue]? = keepsUnmapped ? [:] : nil
        for index in columns.names.indices {
            let name = columns.names[index]
            let slot = keys.index(of: name)
            let value: JSONValue
            if let plain = values[index] {
                value = plain
            } else if !lists.isEmpty, let list = lists[index] {
                if let slot, listsReadInPlace[slot] {
                    if viewLists.isEmpty { viewLists = [SlotList?](repeating: nil, count: keys.count) }
                    viewLists[slot] = list
                    continue
                }
                value = list.jsonValue
            } else {
                continue
            }
            if let slot {
                slots[slot] = value
            } else if found != nil, !unmapped.collect(unreadKey: name, value: value, into: &found!) {
                found = nil  // Ambiguous dotted paths: the general walk decides.
            }
        }
        return (RecordView(object: [:], slots: slots, lists: viewLists), found)
    }

    /// The record as fields read it, and for a mapping that reads top-level keys only, the fields none reads
    /// (found in the same pass; nil otherwise, or when `keepsUnmapped` is false).
    func view(of fields: [String: JSONValue], keepsUnmapped: Bool) -> (RecordView, [String: JSONValue]?) {
        guard let keys = topLevelKeys else { return (RecordView(object: fields, slots: nil), nil) }
        let (slots, found) = read(fields.lazy.map { ($0.key, $0.value) }, keys: keys, keepsUnmapped: keepsUnmapped)
        return (RecordView(object: fields, slots: slots), found)
    }

    /// One pass over a record's top-level entries: the values fields read, by slot, and the entries none reads.
    private func read(
        _ entries: some Sequence<(String, JSONValue)>, keys: StringTable, keepsUnmapped: Bool
    ) -> ([JSONValue?], [String: JSONValue]?) {
        var slots = [JSONValue?](repeating: .none, count: keys.count)
        var found: [String: JSONValue]? = keepsUnmapped ? [:] : nil
        for (key, value) in entries {
            if let slot = keys.index(of: key) {
                slots[slot] = value
            } else if found != nil, !unmapped.collect(unreadKey: key, value: value, into: &found!) {
                found = nil  // Ambiguous dotted paths: the general walk decides.
            }
        }
        return (slots, found)
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

/// Which source leaves no field consumed, with the rules the mapping has always had: a leaf is consumed when a
/// field reads it, anything below it (its path is a prefix of the field's), or anything above it (a field that
/// reads an object consumes every leaf under it, and its parents are not copied whole).
struct UnmappedFields: Sendable {
    /// The paths fields read (and `source_id`).
    let consumed: [String]
    private let consumedSet: StringTable
    /// Consumed paths and every dotted prefix of them (`a` and `a.b` for `a.b.c`): a leaf with one of these
    /// paths is consumed, and an object with one of them has consumed leaves below it.
    private let consumedOrAbove: StringTable

    init(consumed: [String]) {
        self.consumed = consumed
        consumedSet = StringTable(consumed)
        var above = Set(consumed)
        for path in consumed {
            var prefix = ""
            for (index, part) in path.split(separator: ".", omittingEmptySubsequences: false).dropLast().enumerated() {
                prefix += index == 0 ? String(part) : "." + part
                above.insert(prefix)
            }
        }
        consumedOrAbove = StringTable(above)
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

    /// Adds the leaves of one top-level entry no field reads (for `MappingPlan.topLevelKeys` mappings, where
    /// nothing below an unread key is consumed); false when a key makes paths ambiguous (see `leaves(of:)`).
    func collect(unreadKey key: String, value: JSONValue, into found: inout [String: JSONValue]) -> Bool {
        if key.isEmpty || key.utf8.contains(UInt8(ascii: ".")) { return false }
        if case .object(let child) = value, !child.isEmpty {
            return walk(child, prefix: key, checked: false, into: &found)
        }
        found[key] = value
        return true
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

/// A few strings looked up on every record (CSV columns, consumed paths): found by length and first byte and then
/// compared, without hashing; larger tables use a dictionary.
///
/// Hand-written for speed: hashing a short key costs about 23 ns, this look-up about 4 (measured on ten
/// schema property names).
struct StringTable: Sendable {
    private struct Entry: Sendable {
        let length: Int
        let first: UInt8
        let text: String
        let index: Int
    }

    private let entries: [Entry]
    private let large: [String: Int]?
    /// The strings, in the order given (duplicates removed); `index(of:)` is a position here.
    let strings: [String]

    init(_ strings: some Sequence<String>) {
        var unique: [String] = []
        var seen: Set<String> = []
        for string in strings where seen.insert(string).inserted { unique.append(string) }
        self.strings = unique
        if unique.count <= 24 {
            entries = unique.enumerated().map { index, text in
                Entry(length: text.utf8.count, first: text.utf8.first ?? 0, text: text, index: index)
            }
            large = nil
        } else {
            entries = []
            large = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1, $0) })
        }
    }

    var count: Int { strings.count }

    @inline(__always)
    func index(of string: String) -> Int? {
        if let large { return large[string] }
        let utf8 = string.utf8
        let length = utf8.count
        let first = utf8.first ?? 0
        for entry in entries where entry.length == length && entry.first == first && entry.text == string {
            return entry.index
        }
        return nil
    }

    @inline(__always)
    func contains(_ string: String) -> Bool { index(of: string) != nil }
}

/// One record's fields as fields read them: the object, and for a mapping that reads top-level keys only, the
/// values of those keys found in one pass over the record (`MappingPlan.topLevelKeys`).
struct RecordView {
    let object: [String: JSONValue]
    let slots: [JSONValue?]?
    /// Lists held by slot, by slot (empty when there are none): see `MappingPlan.listsReadInPlace`.
    var lists: [SlotList?] = []
}
