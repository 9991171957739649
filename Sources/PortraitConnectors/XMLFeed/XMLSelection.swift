import Foundation
import PortraitCore

/// An element or attribute name as XML means it: a namespace URI and a local name. Prefixes are only how a file
/// spells the URI, so config and file may use different ones (or a default namespace).
struct XMLQName: Sendable, Hashable, CustomStringConvertible {
    /// The namespace URI; empty for no namespace.
    var namespace: String
    var local: String
    /// How config wrote it (`shop:order`), for messages.
    var written: String

    var description: String { written }

    static func == (lhs: XMLQName, rhs: XMLQName) -> Bool { lhs.namespace == rhs.namespace && lhs.local == rhs.local }
    func hash(into hasher: inout Hasher) {
        hasher.combine(namespace)
        hasher.combine(local)
    }
}

/// What `xml_feed` extracts from a document, compiled once from options: where records are and which fields
/// each record gets.
///
/// Fields form a tree of element steps relative to the record element, so one walk over a record's elements
/// finds every field at once, however many are configured.
struct XMLSelection: Sendable {
    /// The record element's path from the document root (`/shop:feed/shop:order`).
    let recordPath: [XMLQName]
    /// The record's fields.
    let record: XMLObjectSpec
    /// Every distinct local name, indexed by `XMLFieldNode.nameID`/`XMLObjectSpec` lookups; a reader interns
    /// these once so element names compare as pointers.
    let localNames: [String]
    /// The record path as config wrote it, for locations.
    let recordPathText: String

    /// - Throws: `PortraitError.configuration` naming the option and the fix.
    init(record: String, fields: JSONValue?, namespaces: [String: String], prefix: String) throws {
        var names = NameTable()
        let parser = XMLPathParser(namespaces: namespaces, prefix: prefix)
        let recordSteps = try parser.steps(record, option: "options.record", absolute: true)
        guard recordSteps.attribute == nil, !recordSteps.elements.isEmpty else {
            throw PortraitError.configuration(
                "\(prefix): options.record '\(record)' must name an element, such as /shop:feed/shop:order")
        }
        recordPath = recordSteps.elements
        recordPathText = record
        for step in recordPath { _ = names.id(step.local) }
        guard case .object(let specs)? = fields, !specs.isEmpty else {
            throw PortraitError.configuration(
                "\(prefix): options.fields is required: a mapping from field name to a path relative to the record, such as { id: '@id', email: 'shop:customer/shop:email' }"
            )
        }
        self.record = try XMLObjectSpec.compile(specs, at: "options.fields", parser: parser, names: &names)
        localNames = names.names
    }
}

/// One object the feed builds: the record itself, or one element of an `each` list.
final class XMLObjectSpec: Sendable {
    enum Kind: Sendable {
        /// The element's text (or the attribute's value); a second match turns the value into a list.
        case text
        /// `{ all: path }`: the text of every match, as a list of strings.
        case all
        /// `{ each: path, fields: … }`: an object per match, as a list.
        case each(XMLObjectSpec)
    }

    /// The output keys, split on dots (`customer.email` → a nested object).
    let keys: [[String]]
    let kinds: [Kind]
    /// The element the paths start from (the record, or the `each` element).
    let root: XMLFieldNode

    init(keys: [[String]], kinds: [Kind], root: XMLFieldNode) {
        self.keys = keys
        self.kinds = kinds
        self.root = root
    }

    static func compile(
        _ specs: [String: JSONValue], at option: String, parser: XMLPathParser, names: inout NameTable
    ) throws -> XMLObjectSpec {
        let builder = XMLFieldNode.Builder()
        var keys: [[String]] = []
        var kinds: [Kind] = []
        for name in specs.keys.sorted() {
            let here = "\(option).\(name)"
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !parts.contains(where: \.isEmpty) else {
                throw PortraitError.configuration(
                    "\(parser.prefix): \(here): a field name cannot be empty or have empty parts")
            }
            let slot = keys.count
            let path: String
            let kind: Kind
            switch specs[name]! {
            case .string(let text):
                path = text
                kind = .text
            case .object(let object):
                let allowed = ["all", "each", "fields"]
                if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
                    throw PortraitError.configuration(
                        "\(parser.prefix): \(here).\(unknown): unknown key; a field is a path, { all: path } or { each: path, fields: { … } }"
                    )
                }
                if let all = object["all"]?.stringValue, object["each"] == nil, object["fields"] == nil {
                    path = all
                    kind = .all
                } else if let each = object["each"]?.stringValue, object["all"] == nil,
                    case .object(let nested)? = object["fields"], !nested.isEmpty
                {
                    path = each
                    kind = .each(try compile(nested, at: "\(here).fields", parser: parser, names: &names))
                } else {
                    throw PortraitError.configuration(
                        "\(parser.prefix): \(here): write { all: path } for a list of texts, or { each: path, fields: { name: path, … } } for a list of objects"
                    )
                }
            default:
                throw PortraitError.configuration(
                    "\(parser.prefix): \(here): a field is a path relative to the record ('@id', 'shop:total/@currency'), { all: path } or { each: path, fields: { … } }"
                )
            }
            let steps = try parser.steps(path, option: here, absolute: false)
            if case .each = kind, steps.attribute != nil || steps.elements.isEmpty {
                throw PortraitError.configuration(
                    "\(parser.prefix): \(here): each must name an element, not an attribute")
            }
            for step in steps.elements { _ = names.id(step.local) }
            if let attribute = steps.attribute { _ = names.id(attribute.local) }
            builder.add(steps, slot: slot, kind: kind)
            keys.append(parts)
            kinds.append(kind)
        }
        return XMLObjectSpec(keys: keys, kinds: kinds, root: builder.freeze(names: names))
    }
}

/// One element a field path reaches, and what happens there: its text fills slots, its attributes fill slots,
/// and each `each` list found here starts a new object.
final class XMLFieldNode: Sendable {
    let name: XMLQName?
    /// Index of `name.local` in `XMLSelection.localNames`.
    let nameID: Int
    let children: [XMLFieldNode]
    let textSlots: [Int]
    let attributes: [(name: XMLQName, nameID: Int, slot: Int)]
    let lists: [(slot: Int, spec: XMLObjectSpec)]

    init(
        name: XMLQName?, nameID: Int, children: [XMLFieldNode], textSlots: [Int],
        attributes: [(name: XMLQName, nameID: Int, slot: Int)], lists: [(slot: Int, spec: XMLObjectSpec)]
    ) {
        self.name = name
        self.nameID = nameID
        self.children = children
        self.textSlots = textSlots
        self.attributes = attributes
        self.lists = lists
    }

    /// Mutable while fields are added; frozen into `XMLFieldNode`s.
    final class Builder {
        var name: XMLQName?
        var children: [Builder] = []
        var textSlots: [Int] = []
        var attributes: [(name: XMLQName, slot: Int)] = []
        var lists: [(slot: Int, spec: XMLObjectSpec)] = []

        init(name: XMLQName? = nil) { self.name = name }

        func add(_ path: XMLPathParser.Steps, slot: Int, kind: XMLObjectSpec.Kind) {
            var node = self
            for step in path.elements {
                if let existing = node.children.first(where: { $0.name == step }) {
                    node = existing
                } else {
                    let child = Builder(name: step)
                    node.children.append(child)
                    node = child
                }
            }
            if let attribute = path.attribute {
                node.attributes.append((attribute, slot))
            } else if case .each(let spec) = kind {
                node.lists.append((slot, spec))
            } else {
                node.textSlots.append(slot)
            }
        }

        func freeze(names: NameTable) -> XMLFieldNode {
            XMLFieldNode(
                name: name, nameID: name.map { names.ids[$0.local]! } ?? -1,
                children: children.map { $0.freeze(names: names) }, textSlots: textSlots,
                attributes: attributes.map { ($0.name, names.ids[$0.name.local]!, $0.slot) }, lists: lists)
        }
    }
}

/// Distinct local names, numbered in order of first use.
struct NameTable {
    var names: [String] = []
    var ids: [String: Int] = [:]

    mutating func id(_ name: String) -> Int {
        if let id = ids[name] { return id }
        ids[name] = names.count
        names.append(name)
        return names.count - 1
    }
}

/// Reads the paths config writes: `/shop:feed/shop:order`, `shop:customer/shop:email`, `@id`, `shop:total/@currency`.
struct XMLPathParser {
    struct Steps {
        var elements: [XMLQName]
        var attribute: XMLQName?
    }

    let namespaces: [String: String]
    let prefix: String

    func steps(_ text: String, option: String, absolute: Bool) throws -> Steps {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if absolute {
            guard body.hasPrefix("/"), !body.hasPrefix("//") else {
                throw PortraitError.configuration(
                    "\(prefix): \(option) '\(text)' must be an absolute path from the document's root element, such as /shop:feed/shop:order"
                )
            }
            body = body.dropFirst()
        } else if body.hasPrefix("/") {
            throw PortraitError.configuration(
                "\(prefix): \(option) '\(text)' is relative to the record element; drop the leading '/'")
        }
        guard !body.isEmpty else {
            throw PortraitError.configuration("\(prefix): \(option) is empty; write a path such as shop:email or @id")
        }
        var result = Steps(elements: [], attribute: nil)
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part.hasPrefix("@") {
                guard index == parts.count - 1 else {
                    throw PortraitError.configuration(
                        "\(prefix): \(option) '\(text)': an attribute (@…) can only be the last step")
                }
                // Unprefixed attributes are in no namespace, whatever the default namespace is.
                result.attribute = try name(part.dropFirst(), in: text, option: option, usesDefault: false)
            } else {
                result.elements.append(try name(part, in: text, option: option, usesDefault: true))
            }
        }
        return result
    }

    private func name(_ part: Substring, in text: String, option: String, usesDefault: Bool) throws -> XMLQName {
        let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
        let valid = pieces.allSatisfy { piece in
            !piece.isEmpty && piece.unicodeScalars.allSatisfy { !" /@[]()*=\"'\t".unicodeScalars.contains($0) }
        }
        guard valid, pieces.count <= 2 else {
            throw PortraitError.configuration(
                "\(prefix): \(option) '\(text)': '\(part)' is not a name; steps are names (order, shop:order) separated by '/', and attributes are written @id or @shop:id"
            )
        }
        if pieces.count == 2 {
            let declared = String(pieces[0])
            guard let uri = namespaces[declared] else {
                let known = namespaces.keys.sorted().joined(separator: ", ")
                throw PortraitError.configuration(
                    "\(prefix): \(option) '\(text)': the prefix '\(declared)' is not declared; add it to options.namespaces (\(declared): <namespace URI>)"
                        + (known.isEmpty ? "" : "; declared: \(known)"))
            }
            return XMLQName(namespace: uri, local: String(pieces[1]), written: String(part))
        }
        // `namespaces: { '': uri }` lets unprefixed element steps mean a default namespace.
        let uri = usesDefault ? namespaces[""] ?? "" : ""
        return XMLQName(namespace: uri, local: String(pieces[0]), written: String(part))
    }
}
