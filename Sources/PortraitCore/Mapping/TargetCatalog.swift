/// The canonical paths a mapping may write for one entity, read from the entity's schema in `schemas/` so the
/// mapping and the schema can never disagree about what exists.
///
/// `identifiers.<type>` (under the entity's customer block: `customer.identifiers.<type>` for orders and
/// events, `respondent.identifiers.<type>` for feedback) accepts any lower_snake type, because operators
/// define their own identifier types. Below a free-form object (`attributes`, `answers`, event `properties`)
/// any key is accepted.
struct TargetCatalog: Sendable {
    /// Where one mapped field's value goes.
    enum Destination: Sendable, Hashable {
        /// Appended as `{type, value}` to the identifiers list at `listPath`.
        case identifier(listPath: String, type: String)
        /// Set at the path; `expectsText` when the schema wants a string there, so numeric source values (an
        /// order number `5001`) are written as text rather than rejected.
        case path([TargetStep], expectsText: Bool)
    }

    let entity: Entity
    /// Every named path, for did-you-mean suggestions.
    let knownPaths: [String]

    private static let catalogs: [Entity: TargetCatalog] = {
        var catalogs: [Entity: TargetCatalog] = [:]
        for entity in Entity.allCases { catalogs[entity] = TargetCatalog(entity: entity) }
        return catalogs
    }()

    static func catalog(for entity: Entity) -> TargetCatalog { catalogs[entity]! }

    private init(entity: Entity) {
        self.entity = entity
        var paths: [String] = []
        if let root = SchemaRegistry.canonical.schema(named: entity.schemaName) {
            Self.collect(root, document: entity.schemaName, prefix: "", depth: 0, into: &paths)
        }
        let listPath = Self.identifierListPath(for: entity)
        paths += Identifier.wellKnownTypes.map { "\(listPath).\($0)" }
        knownPaths = paths.sorted()
    }

    /// `identifiers`, `customer.identifiers` or `respondent.identifiers`.
    static func identifierListPath(for entity: Entity) -> String {
        entity.customerPath.isEmpty ? "identifiers" : "\(entity.customerPath).identifiers"
    }

    /// Where `target` goes, or why it cannot be written.
    ///
    /// A step may name one element of a list of objects the schema declares (`lines[0].category`): a literal
    /// index of 0 or more, followed by a field of the element. Whether a mapping's indexes leave holes is checked
    /// by `checkElementTargets`, which sees every target.
    func resolve(_ target: String) -> Result<Destination, TargetProblem> {
        let components = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !components.contains(where: \.isEmpty) else {
            return .failure(TargetProblem(message: "'\(target)' is not a target path (empty part between dots)"))
        }
        let listPath = Self.identifierListPath(for: entity)
        if target.hasPrefix(listPath + ".") {
            let type = String(target.dropFirst(listPath.count + 1))
            guard Self.isIdentifierType(type) else {
                return .failure(
                    TargetProblem(
                        message:
                            "identifier type '\(type)' must be lower_snake_case (a-z, 0-9 and _, starting with a letter), as in \(listPath).member_card"
                    ))
            }
            return .success(.identifier(listPath: listPath, type: type))
        }

        var document = entity.schemaName
        guard var node = SchemaRegistry.canonical.schema(named: document) else {
            return .failure(TargetProblem(message: "no schema for entity \(entity.rawValue)"))
        }
        var steps: [TargetStep] = []
        /// The target up to the current component, as written (`lines[0]`), for messages.
        var written: [String] = []
        for (index, component) in components.enumerated() {
            (node, document) = Self.dereference(node, document: document)
            if let properties = node["properties"]?.objectValue {
                if let child = properties[component] {
                    node = child
                    steps.append(.key(component, capacity: 0))
                } else if let element = Self.elementReference(component), let list = properties[element.name] {
                    let holder = (written + [element.name]).joined(separator: ".")
                    let (listNode, listDocument) = Self.dereference(list, document: document)
                    guard listNode["type"]?.stringValue == "array", let items = listNode["items"],
                        Self.dereference(items, document: listDocument).0["properties"] != nil
                    else {
                        return .failure(
                            TargetProblem(
                                message:
                                    "'\(holder)' is not a list of objects; only such lists take an element index like \(holder)[0]"
                            ))
                    }
                    if holder == listPath {
                        return .failure(
                            TargetProblem(
                                message: "identifiers are written by type, as in \(listPath).member_card, not by index")
                        )
                    }
                    guard let elementIndex = element.index else {
                        return .failure(
                            TargetProblem(
                                message:
                                    "'\(component)' is not an element of '\(holder)'; write the index as a number from 0, as in \(holder)[0]"
                            ))
                    }
                    guard index < components.count - 1 else {
                        return .failure(
                            TargetProblem(
                                message:
                                    "'\(target)' is a whole element; map its fields (\(target).\(Self.firstProperty(of: items, document: listDocument))) or the whole list (\(holder))"
                            ))
                    }
                    node = items
                    document = listDocument
                    steps.append(.key(element.name, capacity: 0))
                    steps.append(.index(elementIndex))
                } else {
                    return .failure(unknown(target, below: written, properties: properties))
                }
            } else if Self.isFreeForm(node) {
                // Below a free-form object every part is a plain key, brackets included, as before.
                steps += components[index...].map { .key($0, capacity: 0) }
                return .success(.path(steps, expectsText: false))
            } else {
                let holder = components[..<index].joined(separator: ".")
                let kind = node["type"]?.stringValue == "array" ? "a list (map the whole list)" : "a single value"
                return .failure(
                    TargetProblem(message: "'\(holder)' is \(kind); '\(target)' cannot be written below it"))
            }
            written.append(component)
        }
        (node, document) = Self.dereference(node, document: document)
        return .success(.path(steps, expectsText: node["type"]?.stringValue == "string"))
    }

    /// `name[3]` as a list name and an index; `index` is nil when the brackets hold anything but a plain number
    /// (`[-1]`, `[01]`, `[x]`). Nil when the component has no brackets at all.
    static func elementReference(_ component: String) -> (name: String, index: Int?)? {
        guard component.hasSuffix("]"), let open = component.firstIndex(of: "["), open > component.startIndex else {
            return nil
        }
        let name = String(component[..<open])
        let digits = component[component.index(after: open)..<component.index(before: component.endIndex)]
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            digits == "0" || !digits.hasPrefix("0"), digits.count <= 4, let index = Int(digits)
        else { return (name, nil) }
        return (name, index)
    }

    /// A field of a list's items, for the example in a message.
    private static func firstProperty(of items: JSONValue, document: String) -> String {
        let names = dereference(items, document: document).0["properties"]?.objectValue?.keys.sorted() ?? []
        return names.first ?? "field"
    }

    /// "unknown target"; below a list element the suggestion is the closest field of that element (`lines[1].qty`
    /// for `lines[1].qyt`), elsewhere the closest known path.
    private func unknown(_ target: String, below written: [String] = [], properties: [String: JSONValue] = [:])
        -> TargetProblem
    {
        var message = "unknown target '\(target)' for entity \(entity.rawValue)"
        var suggestion: String?
        if written.contains(where: { Self.elementReference($0) != nil }) {
            let component = target.split(separator: ".", omittingEmptySubsequences: false)[written.count]
            if let closest = Suggestions.closest(to: String(component), among: properties.keys.sorted()) {
                suggestion = (written + [closest]).joined(separator: ".")
            }
        } else {
            suggestion = customerBlockSuggestion(for: target) ?? Suggestions.closest(to: target, among: knownPaths)
        }
        if let suggestion { message += "; did you mean '\(suggestion)'?" }
        return TargetProblem(message: message)
    }

    /// The same path written for the customer block this entity actually has: `identifiers.email` on an order
    /// is `customer.identifiers.email`; `customer.name` on feedback is `respondent.name`. Edit distance cannot
    /// find these (the prefix is long), and they are the commonest mistake when copying a mapping.
    private func customerBlockSuggestion(for target: String) -> String? {
        var candidates: [String] = []
        for block in ["customer", "respondent"] where target.hasPrefix(block + ".") && block != entity.customerPath {
            let rest = String(target.dropFirst(block.count + 1))
            candidates.append(entity.customerPath.isEmpty ? rest : "\(entity.customerPath).\(rest)")
        }
        if !entity.customerPath.isEmpty, !target.hasPrefix(entity.customerPath + ".") {
            candidates.append("\(entity.customerPath).\(target)")
        }
        return candidates.first { candidate in
            if case .success = resolve(candidate) { return true }
            return false
        }
    }

    static func isIdentifierType(_ type: String) -> Bool {
        guard let first = type.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return type.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// An object schema without named properties: anything may go below it.
    private static func isFreeForm(_ node: JSONValue) -> Bool {
        node["type"]?.stringValue == "object" && node["properties"] == nil
            && node["additionalProperties"] != .bool(false)
    }

    /// Follows `$ref`s (local `#/$defs/…` and other files such as `customer.schema.json`).
    private static func dereference(_ node: JSONValue, document: String) -> (JSONValue, String) {
        var node = node
        var document = document
        var hops = 0
        while let ref = node["$ref"]?.stringValue, hops < 8 {
            let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let file = parts.first.map(String.init) ?? ""
            if !file.isEmpty { document = file }
            guard let root = SchemaRegistry.canonical.schema(named: document),
                let target = SchemaValidator.resolve(pointer: parts.count > 1 ? String(parts[1]) : "", in: root)
            else { break }
            node = target
            hops += 1
        }
        return (node, document)
    }

    private static func collect(
        _ node: JSONValue, document: String, prefix: String, depth: Int, into paths: inout [String]
    ) {
        let (node, document) = dereference(node, document: document)
        guard depth < 4, let properties = node["properties"]?.objectValue else { return }
        for (name, child) in properties {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            paths.append(path)
            collect(child, document: document, prefix: path, depth: depth + 1, into: &paths)
            // The fields of a list of objects, as element targets (`lines[0].sku`), so their typos get suggestions.
            let (list, listDocument) = dereference(child, document: document)
            if list["type"]?.stringValue == "array", let items = list["items"], !path.hasSuffix("identifiers") {
                collect(items, document: listDocument, prefix: "\(path)[0]", depth: depth + 1, into: &paths)
            }
        }
    }
}

/// Why a target path cannot be written.
struct TargetProblem: Error, Sendable, Hashable {
    var message: String
}
