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
    /// Each sub-field's name as `each` writes it, for reasons.
    let names: [String]
    /// Each sub-field's key in the element: list items in the canonical schemas are flat objects.
    let keys: [String]

    init(fields: [FieldMapping], keys: [String]) {
        self.fields = fields
        self.keys = keys
        names = fields.map { $0.target.split(separator: ".").dropFirst().joined(separator: ".") }
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
