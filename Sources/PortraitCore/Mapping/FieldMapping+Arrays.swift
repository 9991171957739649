import Synchronization

/// `each:` maps a whole list of sub-records (the lines of an order, from repeated XML elements or a JSON array)
/// element by element, with the same field specs as the record itself:
///
/// ```yaml
/// lines:
///   from: lines
///   each:
///     sku: sku
///     qty: { from: qty, transform: [decimal] }
/// ```
///
/// Every element gives one element of the target list, in order; an element whose fields all come out empty
/// is left out. Fields of an element that `each` does not map are not kept (list elements have no
/// `attributes`). A failing element field is a reason naming the element: `lines: element 2: qty: …`.
final class ElementMapping: Sendable {
    /// Sub-fields, their destinations relative to one element (`[sku]`, not `[lines, 0, sku]`).
    let fields: [FieldMapping]
    /// `fields` unretained, for the per-element loop (`fields` keeps them alive).
    let unretainedFields: [Unmanaged<FieldMapping>]
    /// Each sub-field's name as `each` writes it, for reasons.
    let names: [String]
    /// Each sub-field's key in the element: list items in the canonical schemas are flat objects.
    let keys: [String]
    /// The columns of the lists last read by slot, and where each sub-field's source is in them: every record
    /// of a feed shares its lists' columns, so this is worked out once rather than per record.
    private let columnPositions = Mutex<(columns: SourceColumns, positions: [Int])?>(nil)

    /// `positions(in:)` for a sub-field whose one source path is not among the columns: it has no value.
    static let notAColumn = -1
    /// `positions(in:)` for a sub-field that reads the element as an object (several paths, a dotted path,
    /// `concat`, a constant).
    static let readsObject = -2

    init(fields: [FieldMapping], keys: [String]) {
        self.fields = fields
        unretainedFields = fields.map { .passUnretained($0) }
        self.keys = keys
        names = fields.map { $0.target.split(separator: ".").dropFirst().joined(separator: ".") }
    }

    /// Per sub-field, the column its one source path reads, or `notAColumn` or `readsObject`. Plain integers:
    /// reading them per element retains nothing.
    func positions(in columns: SourceColumns) -> [Int] {
        if let known = columnPositions.withLock({ $0?.columns === columns ? $0?.positions : nil }) { return known }
        let positions = fields.map { sub -> Int in
            guard sub.concatIndex == nil, sub.paths.count == 1, sub.paths[0].keys.count == 1 else {
                return Self.readsObject
            }
            return columns.position(of: sub.paths[0].text) ?? Self.notAColumn
        }
        columnPositions.withLock { $0 = (columns, positions) }
        return positions
    }

    /// Compiles `each` for the list target `target`, whose destination is `listSteps`; nil on problems.
    static func compile(
        _ spec: JSONValue, target: String, listSteps: [TargetStep]?, at path: JSONPath, catalog: TargetCatalog?,
        problems: inout ConfigurationProblems
    ) -> ElementMapping? {
        guard case .object(let specs) = spec, !specs.isEmpty else {
            problems.add(
                path, "each must be a mapping from element field to source field, such as { sku: sku, qty: qty }")
            return nil
        }
        let before = problems.violations.count
        var fields: [(field: FieldMapping, key: String)] = []
        for name in specs.keys.sorted() {
            // Resolved as the first element's field, which checks the name against the list's item schema.
            guard
                let field = FieldMapping.compile(
                    target: "\(target)[0].\(name)", spec: specs[name]!, at: path.appending(name), catalog: catalog,
                    problems: &problems)
            else { continue }
            guard case .path(let steps, let expectsText) = field.destination, let listSteps else { continue }
            let relative = Array(steps.dropFirst(listSteps.count + 1))
            guard relative.count == 1, case .key(let key, _) = relative[0] else {
                problems.add(
                    path.appending(name),
                    "each maps one key of a list element, such as sku or qty; nested paths inside an element are not supported"
                )
                continue
            }
            fields.append((field.with(.path(relative, expectsText: expectsText), slots: nil), key))
        }
        guard problems.violations.count == before else { return nil }
        fields.sort { $0.key < $1.key }
        return ElementMapping(fields: fields.map(\.field), keys: fields.map(\.key))
    }

    /// Maps every element of `value` (a list, or one object taken as a list of one).
    func map(_ value: JSONValue, from field: String?) -> FieldMapping.Outcome {
        let elements: [JSONValue]
        switch value {
        case .array(let list): elements = list
        case .object: elements = [value]
        default:
            let failure = TransformFailure(value, "is not a list of objects, and each maps list elements")
            return .failed(FieldMapping.describe(failure, from: field.map { [$0] } ?? []))
        }
        var output: [JSONValue] = []
        output.reserveCapacity(elements.count)
        var reasons: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let object) = element else {
                reasons.append("element \(index + 1) is \(element.typeName), not an object")
                continue
            }
            let view = RecordView(object: object, slots: nil)
            var flat: [String: JSONValue] = Dictionary(minimumCapacity: fields.count)
            for (position, sub) in fields.enumerated() {
                switch sub.evaluate(view) {
                case .absent:
                    if sub.required {
                        reasons.append("element \(index + 1): \(names[position]): \(sub.missingDescription)")
                    }
                case .failed(let message):
                    reasons.append("element \(index + 1): \(names[position]): \(message)")
                case .value(let result):
                    flat[keys[position]] = result
                }
            }
            if !flat.isEmpty { output.append(.object(flat)) }
        }
        if !reasons.isEmpty { return .failed(reasons.joined(separator: "; ")) }
        return output.isEmpty ? .absent : .value(.array(output))
    }
}

extension FieldMapping {
    /// The values of each element of the list this `each` field reads, checked with `template` (the field's
    /// `CanonicalTemplate.elementTemplates` entry): what `ElementMapping.map` would give, without an object per
    /// element. Empty when no element has a value (the field is absent); nil when an element fails, is not an
    /// object, or fails the item schema: the record then takes `map(_:)`, which says why.
    func elementValues(in fields: RecordView, template: CanonicalTemplate) -> [TemplateValues]? {
        guard let elements else { return nil }
        if !fields.lists.isEmpty, let slot = slots?.first, let list = fields.lists[slot] {
            return elementValues(of: list, elements: elements, template: template)
        }
        guard let input = firstInput(in: fields)?.value else { return [] }
        let list: [JSONValue]
        switch input {
        case .array(let array): list = array
        case .object: list = [input]
        default: return nil
        }
        let subFields = elements.fields
        var output: [TemplateValues] = []
        output.reserveCapacity(list.count)
        for element in list {
            guard case .object(let object) = element else { return nil }
            let view = RecordView(object: object, slots: nil)
            switch Self.element(subFields, template: template, outcome: { _, sub in sub.evaluate(view) }) {
            case .values(let values): output.append(values)
            case .empty: continue
            case .failed: return nil
            }
        }
        return output
    }

    /// One list element as the template takes it.
    fileprivate enum ElementValues {
        case values(TemplateValues)
        /// No sub-field has a value: the element is left out.
        case empty
        /// A sub-field failed or a required one is missing, or the element fails the item schema.
        case failed
    }

    /// One element's values from each sub-field's outcome, checked with `template`.
    fileprivate static func element(
        _ subFields: [FieldMapping], template: CanonicalTemplate, outcome: (Int, FieldMapping) -> Outcome
    ) -> ElementValues {
        var values = TemplateValues(fieldCount: subFields.count)
        for position in subFields.indices {
            let sub = subFields[position]
            switch outcome(position, sub) {
            case .absent: if sub.required { return .failed }
            case .failed: return .failed
            case .value(let value): values.set(value, field: position)
            }
        }
        guard values.present != 0 else { return .empty }
        return template.accepts(values) ? .values(values) : .failed
    }
}

extension FieldMapping {
    /// `elementValues(in:template:)` for a list held by slot: each sub-field reads its column of the element in
    /// place. Sub-fields this cannot read that way (dotted paths, `concat`) read the element as an object.
    fileprivate func elementValues(of list: SlotList, elements: ElementMapping, template: CanonicalTemplate)
        -> [TemplateValues]?
    {
        let subFields = elements.unretainedFields
        let positions = elements.positions(in: list.columns)
        var output: [TemplateValues] = []
        output.reserveCapacity(list.elements.count)
        for element in list.elements {
            var objectView: RecordView?
            var values = TemplateValues(fieldCount: subFields.count)
            for position in subFields.indices {
                let column = positions[position]
                let kept = subFields[position]._withUnsafeGuaranteedRef { sub -> Bool in
                    let outcome: Outcome
                    if column >= 0 {
                        if let value = element[column], !TextTransforms.isBlank(value) {
                            outcome = sub.evaluate(value, path: 0)
                        } else {
                            outcome = .absent
                        }
                    } else if column == ElementMapping.notAColumn {
                        outcome = .absent
                    } else {
                        if objectView == nil {
                            let object = list.columns.object(slots: element).objectValue ?? [:]
                            objectView = RecordView(object: object, slots: nil)
                        }
                        outcome = sub.evaluate(objectView!)
                    }
                    switch outcome {
                    case .absent: return !sub.required
                    case .failed: return false
                    case .value(let value):
                        values.set(value, field: position)
                        return true
                    }
                }
                if !kept { return nil }
            }
            guard values.present != 0 else { continue }
            guard template.accepts(values) else { return nil }
            output.append(values)
        }
        return output
    }
}
