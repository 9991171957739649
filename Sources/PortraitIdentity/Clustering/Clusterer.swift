/// Joins linked observations into clusters with union-find, under the deterministic limits and the operators' pins.
///
/// Edges are taken strongest first: forced merges, then shared deterministic identifiers in priority order, then
/// model links by falling weight. A join that would give a cluster more values of a limited identifier type than
/// allowed, or put two records pinned apart together, is refused and reported; the observation then stays where
/// the stronger evidence put it.
struct Clusterer {
    struct Node {
        var recordID: Int64
        /// Values of limited identifier types, by scoped type (`crm_id@crm`).
        var limited: [String: [String]]
    }

    enum Edge {
        case forced(Int32, Int32)
        case deterministic(Int32, Int32, priority: Int, type: String)
        case model(Int32, Int32, weight: Double)

        var nodes: (Int32, Int32) {
            switch self {
            case .forced(let a, let b), .deterministic(let a, let b, _, _), .model(let a, let b, _): return (a, b)
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
    /// Per root: distinct values of each limited scoped type.
    private var values: [Int32: [String: Set<String>]] = [:]
    /// Per root: record ids its members are pinned apart from.
    private var apart: [Int32: [Int64]] = [:]
    private let limits: [String: Int]
    private let nodeOfRecord: [Int64: Int32]
    private(set) var refusals: [Refusal] = []
    /// Root pairs already refused (a refused pair's roots stay roots until one of them joins something else).
    private var refusedPairs = Set<UInt64>()

    /// - Parameters:
    ///   - limits: Maximum distinct values per profile by identifier type (scoped types inherit their type's).
    ///   - apartPins: Record pairs that must stay apart.
    init(nodes: [Node], limits: [String: Int], apartPins: [(Int64, Int64)]) {
        parent = (0..<Int32(nodes.count)).map { $0 }
        size = [Int32](repeating: 1, count: nodes.count)
        self.limits = limits
        var nodeOfRecord: [Int64: Int32] = [:]
        nodeOfRecord.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            nodeOfRecord[node.recordID] = Int32(index)
            if !node.limited.isEmpty {
                values[Int32(index)] = node.limited.mapValues { Set($0) }
            }
        }
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
            if !forced, let reason = conflict(rootA, rootB) {
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
        guard let left = values[rootA], let right = values[rootB] else { return nil }
        for (scopedType, leftValues) in left {
            guard let rightValues = right[scopedType] else { continue }
            let type = scopedType.split(separator: "@").first.map(String.init) ?? scopedType
            guard let limit = limits[type] else { continue }
            let together = leftValues.union(rightValues).count
            if together > limit {
                let parts = scopedType.split(separator: "@", maxSplits: 1)
                let what = parts.count > 1 ? "\(parts[0]) values from \(parts[1])" : "\(type) values"
                return "would give the profile \(together) different \(what) (at most \(limit))"
            }
        }
        return nil
    }

    private mutating func union(_ rootA: Int32, _ rootB: Int32) {
        let (big, small) = size[Int(rootA)] >= size[Int(rootB)] ? (rootA, rootB) : (rootB, rootA)
        parent[Int(small)] = big
        size[Int(big)] += size[Int(small)]
        if let smallValues = values.removeValue(forKey: small) {
            var merged = values[big] ?? [:]
            for (type, set) in smallValues { merged[type, default: []].formUnion(set) }
            values[big] = merged
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
