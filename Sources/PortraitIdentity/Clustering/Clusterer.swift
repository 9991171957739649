/// Joins linked observations into clusters with union-find, under the deterministic limits and the operators' pins.
///
/// Edges are taken strongest first: forced merges, then shared deterministic identifiers in priority order, then
/// model links by falling weight. A join that would give a cluster more values of a limited identifier type than
/// allowed, or put two records pinned apart together, is refused and reported; the observation then stays where
/// the stronger evidence put it. A model link is also refused when it would join two clusters known by different
/// given names (see ``ClusterNames``).
struct Clusterer {
    /// A node's values of limited identifier types: the scoped type (an index into `scopedTypes`) and a hash of
    /// the value. Hashes and indices rather than strings: a resolve from scratch holds a million of these.
    typealias LimitedValue = (type: Int32, value: Int)

    enum Edge {
        case forced(Int32, Int32)
        case deterministic(Int32, Int32)
        case model(Int32, Int32)

        var nodes: (Int32, Int32) {
            switch self {
            case .forced(let a, let b), .deterministic(let a, let b), .model(let a, let b): return (a, b)
            }
        }
    }

    struct Refusal {
        var a: Int32
        var b: Int32
        var reason: String
    }

    private var parent: [Int32]
    private var size: [Int32]
    /// Per root: its distinct limited values, sorted.
    private var values: [[LimitedValue]]
    /// Per root: record ids its members are pinned apart from.
    private var apart: [Int32: [Int64]] = [:]
    /// Scoped types (`crm_id@crm`) and the limit of each.
    private let scopedTypes: [String]
    private let limitOfType: [Int]
    private let nodeOfRecord: [Int64: Int32]
    private(set) var refusals: [Refusal] = []
    /// Root pairs already refused (a refused pair's roots stay roots until one of them joins something else).
    private var refusedPairs = Set<UInt64>()
    private let names: ClusterNames?
    /// Per root: the first distinct name of its members (-1 for none); the others, up to `namesKept`, in
    /// `moreNames` (most clusters go by one name, so most roots need no list of their own).
    private var firstName: [Int32]
    private var moreNames: [Int32: [Int32]] = [:]
    /// Distinct names kept per cluster: enough for spellings, scripts and nicknames of one person.
    static let namesKept = 8

    /// - Parameters:
    ///   - limited: Per node, its limited values (sorted).
    ///   - scopedTypes: The scoped types the values' `type` indices name, and `limits` the limit of each.
    ///   - nodeOfRecord: Record id to node, for the pins.
    ///   - apartPins: Record pairs that must stay apart.
    init(
        limited: [[LimitedValue]], scopedTypes: [String], limits: [Int], nodeOfRecord: [Int64: Int32],
        apartPins: [(Int64, Int64)], names: ClusterNames? = nil
    ) {
        parent = (0..<Int32(limited.count)).map { $0 }
        self.names = names
        firstName = names?.nameOfNode ?? []
        size = [Int32](repeating: 1, count: limited.count)
        values = limited
        self.scopedTypes = scopedTypes
        limitOfType = limits
        self.nodeOfRecord = nodeOfRecord
        for (a, b) in apartPins {
            if let nodeA = nodeOfRecord[a] { apart[nodeA, default: []].append(b) }
            if let nodeB = nodeOfRecord[b] { apart[nodeB, default: []].append(a) }
        }
    }

    mutating func find(_ node: Int32) -> Int32 {
        var root = node
        while parent[Int(root)] != root { root = parent[Int(root)] }
        var current = node
        while parent[Int(current)] != root {
            let next = parent[Int(current)]
            parent[Int(current)] = root
            current = next
        }
        return root
    }

    /// Takes the edges in the order given (the caller sorts them strongest first).
    mutating func join(_ edges: [Edge]) {
        for edge in edges {
            let (a, b) = edge.nodes
            let rootA = find(a)
            let rootB = find(b)
            if rootA == rootB { continue }
            let forced: Bool
            if case .forced = edge { forced = true } else { forced = false }
            let model: Bool
            if case .model = edge { model = true } else { model = false }
            if !forced,
                let reason = conflict(rootA, rootB) ?? (model ? nameConflict(rootA, rootB, link: (a, b)) : nil)
            {
                // Once per pair of clusters: the other edges between them are refused for the same reason.
                let key = rootA < rootB ? (UInt64(UInt32(rootA)) << 32) | UInt64(UInt32(rootB))
                    : (UInt64(UInt32(rootB)) << 32) | UInt64(UInt32(rootA))
                if refusedPairs.insert(key).inserted { refusals.append(Refusal(a: a, b: b, reason: reason)) }
                continue
            }
            union(rootA, rootB)
        }
    }

    /// Why `a` and `b` may not be one cluster, or nil.
    private mutating func conflict(_ rootA: Int32, _ rootB: Int32) -> String? {
        for (root, other) in [(rootA, rootB), (rootB, rootA)] {
            for record in apart[root] ?? [] {
                if let node = nodeOfRecord[record], find(node) == other {
                    return "pinned apart from record \(record) by an unmerge"
                }
            }
        }
        let left = values[Int(rootA)]
        let right = values[Int(rootB)]
        guard !left.isEmpty, !right.isEmpty else { return nil }
        let together = Self.merged(left, right)
        var index = 0
        while index < together.count {
            let type = together[index].type
            var end = index
            while end < together.count && together[end].type == type { end += 1 }
            let limit = limitOfType[Int(type)]
            if end - index > limit {
                let parts = scopedTypes[Int(type)].split(separator: "@", maxSplits: 1)
                let what = parts.count > 1 ? "\(parts[0]) values from \(parts[1])" : "\(parts[0]) values"
                return "would give the profile \(end - index) different \(what) (at most \(limit))"
            }
            index = end
        }
        return nil
    }

    /// Why a model link between the nodes `link` may not join their clusters `rootA` and `rootB` by their names,
    /// or nil.
    ///
    /// When both linked nodes have names the model compared, it has judged exactly these two names (a different
    /// given name vetoes a link unless the birth dates agree: a typo'd or replaced given name of one person), so the
    /// link stands. The check is for what the pair could not see: a link through a node without a comparable name.
    private func nameConflict(_ rootA: Int32, _ rootB: Int32, link: (Int32, Int32)) -> String? {
        guard let names else { return nil }
        let (nameA, nameB) = (names.nameOfNode[Int(link.0)], names.nameOfNode[Int(link.1)])
        if nameA >= 0, nameB >= 0, names.agreement(nameA, nameB) != .incomparable { return nil }
        let left = namesOf(rootA)
        let right = namesOf(rootB)
        var differing: (Int32, Int32)?
        for x in left {
            for y in right {
                switch names.agreement(x, y) {
                case .agree: return nil
                case .differ: if differing == nil { differing = (x, y) }
                case .incomparable: break
                }
            }
        }
        guard let (x, y) = differing else { return nil }
        return "would join people with different given names (\(names.describe(x)), \(names.describe(y)))"
    }

    private func namesOf(_ root: Int32) -> [Int32] {
        guard !firstName.isEmpty, firstName[Int(root)] >= 0 else { return [] }
        return [firstName[Int(root)]] + (moreNames[root] ?? [])
    }

    /// The sorted union of two sorted lists, each value once.
    static func merged(_ left: [LimitedValue], _ right: [LimitedValue]) -> [LimitedValue] {
        var result: [LimitedValue] = []
        result.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        func less(_ x: LimitedValue, _ y: LimitedValue) -> Bool { x.type < y.type || (x.type == y.type && x.value < y.value) }
        while i < left.count || j < right.count {
            if j == right.count || (i < left.count && less(left[i], right[j])) {
                result.append(left[i])
                i += 1
            } else if i == left.count || less(right[j], left[i]) {
                result.append(right[j])
                j += 1
            } else {
                result.append(left[i])
                i += 1
                j += 1
            }
        }
        return result
    }

    private mutating func union(_ rootA: Int32, _ rootB: Int32) {
        let (big, small) = size[Int(rootA)] >= size[Int(rootB)] ? (rootA, rootB) : (rootB, rootA)
        parent[Int(small)] = big
        size[Int(big)] += size[Int(small)]
        if !values[Int(small)].isEmpty {
            values[Int(big)] = Self.merged(values[Int(big)], values[Int(small)])
            values[Int(small)] = []
        }
        if !firstName.isEmpty, firstName[Int(small)] >= 0 {
            var kept = namesOf(big)
            for name in namesOf(small) where kept.count < Self.namesKept && !kept.contains(name) { kept.append(name) }
            firstName[Int(big)] = kept[0]
            moreNames[big] = kept.count > 1 ? Array(kept.dropFirst()) : nil
            moreNames[small] = nil
        }
        if let smallApart = apart.removeValue(forKey: small) {
            apart[big, default: []].append(contentsOf: smallApart)
        }
    }

    /// The clusters, each as node indices in ascending order, ordered by their first node.
    mutating func clusters() -> [[Int32]] {
        var byRoot: [Int32: Int] = [:]
        var result: [[Int32]] = []
        for node in 0..<Int32(parent.count) {
            let root = find(node)
            if let index = byRoot[root] {
                result[index].append(node)
            } else {
                byRoot[root] = result.count
                result.append([node])
            }
        }
        return result
    }
}
