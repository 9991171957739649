/// One compiled entry of a stream mapping's `fields`: where the value comes from, the steps it goes through
/// and where it lands.
///
/// A final class of constants rather than a struct: `map(_:)` walks every field of every record, and walking
/// an array of references retains one pointer per field where copying structs out retained each of their
/// strings, paths and transforms (about 5% of mapping a CSV receipt in a perf profile).
final class FieldMapping: Sendable {
    enum Source: Sendable, Hashable {
        /// Dotted source paths, split once; the first with a value is used, or all of them for `concat`.
        case fields([SourcePath])
        case constant(JSONValue)
    }

    /// What one record gave this field.
    enum Outcome: Sendable, Hashable {
        /// No source field had a value (or the steps produced an empty one).
        case absent
        case value(JSONValue)
        /// A reason without the target prefix: `'12345' from field 'mobile' is not a valid CN phone number`.
        case failed(String)
    }

    /// The target as config writes it (`identifiers.phone`), for reasons.
    let target: String
    let destination: TargetCatalog.Destination
    let source: Source
    let transforms: [Transform]
    /// `required: true`: a missing value is a reason, not a silently absent field.
    let required: Bool
    /// The position of `concat` in `transforms`: steps before it run on each source value, steps after it on
    /// the joined text. Stored, since every record asks.
    let concatIndex: Int?
    /// Where each source path's value is in `RecordView.slots`, when the mapping reads top-level keys only.
    let slots: [Int]?
    /// `each:`: the source value is a list whose elements are mapped with these fields (FieldMapping+Arrays).
    let elements: ElementMapping?
    /// The source paths of `source` (empty for a constant), kept apart so that reading a record's value takes
    /// no copy of the enum's payload (a retain and release per field and record).
    let paths: [SourcePath]

    init(
        target: String, destination: TargetCatalog.Destination, source: Source, transforms: [Transform], required: Bool,
        slots: [Int]? = nil, elements: ElementMapping? = nil
    ) {
        self.target = target
        self.destination = destination
        self.source = source
        self.transforms = transforms
        self.required = required
        self.slots = slots
        self.elements = elements
        concatIndex = Self.concatIndex(in: transforms)
        if case .fields(let paths) = source { self.paths = paths } else { self.paths = [] }
    }

    /// The same field writing to `destination`, reading its sources from `slots`.
    func with(_ destination: TargetCatalog.Destination, slots: [Int]?) -> FieldMapping {
        FieldMapping(
            target: target, destination: destination, source: source, transforms: transforms, required: required,
            slots: slots, elements: elements)
    }

    /// The value of source path `index` in `record`.
    @inline(__always)
    private func value(at index: Int, in record: RecordView) -> JSONValue? {
        if let slots, record.slots != nil { return record.slots.unsafelyUnwrapped[slots[index]] }
        return paths[index].value(in: record.object)
    }

    /// The text of source path `index` (nil: none, a constant), for messages.
    func pathText(_ index: Int?) -> String? {
        index.map { paths[$0].text }
    }

    private static func concatIndex(in transforms: [Transform]) -> Int? {
        transforms.firstIndex { if case .concat = $0 { true } else { false } }
    }

    /// Source paths this field reads, so they are not also copied to the unmapped bucket.
    var sourcePaths: [String] {
        if case .fields(let paths) = source { return paths.map(\.text) }
        return []
    }

    /// Dots in the target: shallower targets are applied first so `name.full` refines what `name` set.
    var depth: Int { target.split(separator: ".").count }

    static let specKeys = ["from", "const", "required", "transform", "each"]

    /// Compiles one `fields` entry. Problems go to `problems` with their paths; nil when there were any.
    ///
    /// - Parameter catalog: The entity's targets; nil when the entity itself is invalid (targets cannot be
    ///   checked, but the spec and its transforms still are).
    static func compile(
        target: String, spec: JSONValue, at path: JSONPath, catalog: TargetCatalog?,
        problems: inout ConfigurationProblems
    ) -> FieldMapping? {
        let before = problems.violations.count
        var destination: TargetCatalog.Destination?
        if let catalog {
            switch catalog.resolve(target) {
            case .success(let resolved): destination = resolved
            case .failure(let problem): problems.add(path, problem.message)
            }
        }

        var source: Source?
        var transforms: [Transform] = []
        var required = false
        var elements: ElementMapping?
        switch spec {
        case .string(let field):
            if field.isEmpty {
                problems.add(path, "the source field is empty; write a field name or { const: … }")
            } else {
                source = .fields([SourcePath(field)])
            }
        case .object(let object):
            for key in object.keys.sorted() where !specKeys.contains(key) {
                problems.add(path.appending(key), ConfigurationProblems.unknown("key", key, among: specKeys))
            }
            switch (object["from"], object["const"]) {
            case (nil, nil):
                problems.add(path, "a field needs 'from' (a source field or a list of them) or 'const' (a fixed value)")
            case (.some, .some):
                problems.add(path, "use either 'from' or 'const', not both")
            case (nil, .some(let constant)):
                source = .constant(constant)
            case (.some(let from), nil):
                source = compileFrom(from, at: path.appending("from"), problems: &problems)
            }
            if let flag = object["required"] {
                if case .bool(let value) = flag {
                    required = value
                } else {
                    problems.add(path.appending("required"), "required must be true or false")
                }
            }
            if let steps = object["transform"] {
                transforms = compileTransforms(steps, at: path.appending("transform"), problems: &problems)
            }
            if let each = object["each"] {
                if object["transform"] != nil || object["const"] != nil {
                    problems.add(
                        path.appending("each"), "each maps list elements from 'from'; it takes no transform or const")
                }
                var listSteps: [TargetStep]?
                if case .path(let steps, _)? = destination { listSteps = steps }
                elements = ElementMapping.compile(
                    each, target: target, listSteps: listSteps, at: path.appending("each"), catalog: catalog,
                    problems: &problems)
            }
        default:
            problems.add(path, "a field is a source field name or a mapping with from/const, transform and required")
        }
        guard problems.violations.count == before, let destination, let source else { return nil }
        return FieldMapping(
            target: target, destination: destination, source: source, transforms: transforms, required: required,
            elements: elements)
    }

    private static func compileFrom(_ from: JSONValue, at path: JSONPath, problems: inout ConfigurationProblems)
        -> Source?
    {
        switch from {
        case .string(let field) where !field.isEmpty:
            return .fields([SourcePath(field)])
        case .array(let list) where !list.isEmpty && list.allSatisfy({ $0.stringValue?.isEmpty == false }):
            return .fields(list.compactMap(\.stringValue).map(SourcePath.init))
        default:
            problems.add(path, "from must be a source field name or a non-empty list of them")
            return nil
        }
    }

    private static func compileTransforms(_ steps: JSONValue, at path: JSONPath, problems: inout ConfigurationProblems)
        -> [Transform]
    {
        guard case .array(let entries) = steps else {
            problems.add(path, "transform must be a list, such as [trim, lower]")
            return []
        }
        var transforms: [Transform] = []
        var sawConcat = false
        for (index, entry) in entries.enumerated() {
            guard let transform = Transform.compile(entry, at: path.appending(index), problems: &problems) else {
                continue
            }
            if case .concat = transform {
                if sawConcat { problems.add(path.appending(index), "concat may appear once in a chain") }
                sawConcat = true
            }
            transforms.append(transform)
        }
        return transforms
    }

    /// Runs the field for one record's fields.
    func evaluate(_ fields: RecordView) -> Outcome {
        if let concatIndex { return evaluateConcat(fields, concatIndex: concatIndex) }
        // The common case, without collecting inputs: the first source with a value, through every step.
        guard let first = firstInput(in: fields) else { return .absent }
        return evaluate(first.value, path: first.path)
    }

    /// Runs the field on `input`, the value of its source path `path` (an index into `paths`; nil for a
    /// constant). Not for `concat`.
    func evaluate(_ input: JSONValue, path: Int?) -> Outcome {
        if let elements { return elements.map(input, from: pathText(path)) }
        let result: JSONValue
        do throws(TransformFailure) {
            result = try transforms.isEmpty ? input : run(transforms[...], on: input)
        } catch {
            return .failed(Self.describe(error, from: pathText(path).map { [$0] } ?? []))
        }
        if TextTransforms.isBlank(result) { return .absent }
        return place(result, path: path)
    }

    /// The constant, or the first source value that is not blank, with the index of its path; nil when there
    /// is none.
    @inline(__always)
    func firstInput(in fields: RecordView) -> (value: JSONValue, path: Int?)? {
        if paths.isEmpty {
            guard case .constant(let value) = source else { return nil }
            return (value, nil)
        }
        for index in paths.indices {
            if let value = value(at: index, in: fields), !TextTransforms.isBlank(value) {
                return (value, index)
            }
        }
        return nil
    }

    /// `concat`: the steps before it run on every source value with a value, the rest on the joined list.
    private func evaluateConcat(_ fields: RecordView, concatIndex: Int) -> Outcome {
        var inputs: [(value: JSONValue, field: String?)] = []
        switch source {
        case .constant(let value):
            inputs = [(value, nil)]
        case .fields(let paths):
            for (index, path) in paths.enumerated() {
                if let value = value(at: index, in: fields), !TextTransforms.isBlank(value) {
                    inputs.append((value, path.text))
                }
            }
        }
        guard let first = inputs.first else { return .absent }

        let result: JSONValue
        var parts: [JSONValue] = []
        var used: [String] = []
        for input in inputs {
            do throws(TransformFailure) {
                let part = try run(transforms[..<concatIndex], on: input.value)
                if !TextTransforms.isBlank(part) {
                    parts.append(part)
                    if let field = input.field { used.append(field) }
                }
            } catch {
                return .failed(Self.describe(error, from: input.field.map { [$0] } ?? []))
            }
        }
        guard !parts.isEmpty else { return .absent }
        do throws(TransformFailure) {
            result = try run(transforms[concatIndex...], on: .array(parts))
        } catch {
            return .failed(Self.describe(error, from: used))
        }
        if TextTransforms.isBlank(result) { return .absent }
        return place(result, from: { first.field })
    }

    private func run(_ steps: ArraySlice<Transform>, on value: JSONValue) throws(TransformFailure) -> JSONValue {
        var current = value
        for step in steps { current = try step.apply(current) }
        return current
    }

    /// `place(_:from:)` for a value read from source path `path` (nil: a constant).
    @inline(__always)
    private func place(_ value: JSONValue, path: Int?) -> Outcome {
        place(value, from: { self.pathText(path) })
    }

    /// Fits the value to its destination: identifier values and schema strings take numbers as text.
    ///
    /// - Parameter field: The source path, for the message when the value does not fit: only asked then.
    private func place(_ value: JSONValue, from field: () -> String?) -> Outcome {
        let wantsText: Bool
        switch destination {
        case .identifier: wantsText = true
        case .path(_, let expectsText): wantsText = expectsText
        }
        guard wantsText else { return .value(value) }
        switch value {
        case .string: return .value(value)
        case .number, .bool: return .value(.string(value.textValue!))
        case .null, .array, .object:
            let failure = TransformFailure(value, "is not text, and \(target) holds text")
            return .failed(Self.describe(failure, from: field().map { [$0] } ?? []))
        }
    }

    /// `'12345' from field 'mobile' is not a valid CN phone number`.
    static func describe(_ failure: TransformFailure, from fields: [String]) -> String {
        let value = TransformFailure.describe(failure.input)
        switch fields.count {
        case 0: return "\(value) \(failure.problem)"
        case 1: return "\(value) from field '\(fields[0])' \(failure.problem)"
        default: return "\(value) from fields \(fields.map { "'\($0)'" }.joined(separator: ", ")) \(failure.problem)"
        }
    }

    /// How a missing required value is explained: which field(s) were looked at.
    var missingDescription: String {
        switch source {
        case .constant: return "required, but the constant is empty"
        case .fields(let paths) where paths.count == 1:
            return "required, but field '\(paths[0].text)' is missing or empty"
        case .fields(let paths):
            return
                "required, but none of the fields \(paths.map { "'\($0.text)'" }.joined(separator: ", ")) has a value"
        }
    }
}
