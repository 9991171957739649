/// `XMLSelection`'s field tree flattened into arrays of plain integers, for the per-element loop of
/// `XMLRecordReader`: walking it retains nothing and hashes nothing (class references and string-keyed look-ups
/// were a third of the connector's time in a profile).
struct XMLFieldPlan: Sendable {
    /// One element a field path reaches. Ranges index the shared arrays below.
    struct Node: Sendable {
        var nameID: Int
        var namespaceID: Int
        var children: Range<Int>
        var textSlots: Range<Int>
        var attributes: Range<Int>
        var lists: Range<Int>
    }

    struct Attribute: Sendable {
        var nameID: Int
        var namespaceID: Int
        var slot: Int
    }

    struct List: Sendable {
        var slot: Int
        var spec: Int
    }

    enum Kind: Sendable {
        case text
        case all
        case each
    }

    /// One object the feed builds (the record is spec 0).
    struct Spec: Sendable {
        var root: Int
        var keys: [[String]]
        var kinds: [Kind]
    }

    private(set) var nodes: [Node] = []
    private(set) var children: [Int] = []
    private(set) var textSlots: [Int] = []
    private(set) var attributes: [Attribute] = []
    private(set) var lists: [List] = []
    private(set) var specs: [Spec] = []
    /// Per spec, its root node and its number of slots; and every spec's slot kinds, from `kindStart[spec]`.
    /// Plain integers for the per-element loop: reading a `Spec` out of `specs` retains its two arrays.
    private(set) var roots: [Int] = []
    private(set) var slotCounts: [Int] = []
    private(set) var kindStart: [Int] = []
    private(set) var slotKinds: [Kind] = []
    /// Namespace URIs by id; id 0 is "no namespace".
    private(set) var namespaces: [String] = [""]
    /// The record path's steps: (name id, namespace id).
    private(set) var recordPath: [(nameID: Int, namespaceID: Int)] = []

    init(_ selection: XMLSelection) {
        let names = Dictionary(uniqueKeysWithValues: selection.localNames.enumerated().map { ($1, $0) })
        recordPath = selection.recordPath.map { (names[$0.local]!, namespaceID($0.namespace)) }
        _ = add(selection.record)
        for spec in specs {
            roots.append(spec.root)
            slotCounts.append(spec.keys.count)
            kindStart.append(slotKinds.count)
            slotKinds.append(contentsOf: spec.kinds)
        }
    }

    /// The kind of slot `slot` of spec `spec`.
    @inline(__always)
    func kind(spec: Int, slot: Int) -> Kind { slotKinds[kindStart[spec] + slot] }

    private mutating func namespaceID(_ uri: String) -> Int {
        if let id = namespaces.firstIndex(of: uri) { return id }
        namespaces.append(uri)
        return namespaces.count - 1
    }

    /// Adds a spec and its nodes; returns its index.
    private mutating func add(_ spec: XMLObjectSpec) -> Int {
        let index = specs.count
        specs.append(
            Spec(
                root: -1, keys: spec.keys,
                kinds: spec.kinds.map {
                    switch $0 {
                    case .text: .text
                    case .all: .all
                    case .each: .each
                    }
                }))
        specs[index].root = add(spec.root)
        return index
    }

    /// Adds a node, its children's nodes after it; returns its index.
    private mutating func add(_ node: XMLFieldNode) -> Int {
        let index = nodes.count
        nodes.append(
            Node(
                nameID: node.nameID, namespaceID: 0, children: 0..<0, textSlots: 0..<0, attributes: 0..<0, lists: 0..<0)
        )
        if let name = node.name { nodes[index].namespaceID = namespaceID(name.namespace) }
        let textStart = textSlots.count
        textSlots.append(contentsOf: node.textSlots)
        nodes[index].textSlots = textStart..<textSlots.count
        let attributeStart = attributes.count
        for attribute in node.attributes {
            attributes.append(
                Attribute(
                    nameID: attribute.nameID, namespaceID: namespaceID(attribute.name.namespace), slot: attribute.slot))
        }
        nodes[index].attributes = attributeStart..<attributes.count
        var listEntries: [List] = []
        for list in node.lists { listEntries.append(List(slot: list.slot, spec: add(list.spec))) }
        let listStart = lists.count
        lists.append(contentsOf: listEntries)
        nodes[index].lists = listStart..<lists.count
        let childIndices = node.children.map { add($0) }
        let childStart = children.count
        children.append(contentsOf: childIndices)
        nodes[index].children = childStart..<children.count
        return index
    }
}
