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
        /// Set at the dotted path; `expectsText` when the schema wants a string there, so numeric source
        /// values (an order number `5001`) are written as text rather than rejected.
        case path(String, expectsText: Bool)
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
        for (index, component) in components.enumerated() {
            (node, document) = Self.dereference(node, document: document)
            if let properties = node["properties"]?.objectValue {
                guard let child = properties[component] else { return .failure(unknown(target)) }
                node = child
            } else if Self.isFreeForm(node) {
                return .success(.path(target, expectsText: false))
            } else {
                let holder = components[..<index].joined(separator: ".")
                let kind = node["type"]?.stringValue == "array" ? "a list (map the whole list)" : "a single value"
                return .failure(
                    TargetProblem(message: "'\(holder)' is \(kind); '\(target)' cannot be written below it"))
            }
        }
        (node, document) = Self.dereference(node, document: document)
        return .success(.path(target, expectsText: node["type"]?.stringValue == "string"))
    }

    private func unknown(_ target: String) -> TargetProblem {
        var message = "unknown target '\(target)' for entity \(entity.rawValue)"
        if let suggestion = customerBlockSuggestion(for: target) ?? Suggestions.closest(to: target, among: knownPaths) {
            message += "; did you mean '\(suggestion)'?"
        }
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
        }
    }
}

/// Why a target path cannot be written.
struct TargetProblem: Error, Sendable, Hashable {
    var message: String
}
