/// Gives clusters stable profile ids.
///
/// A profile id is kept by the cluster that holds its oldest record (lowest record id). A cluster entitled to
/// several ids (a merge) keeps the oldest id and the others become its aliases; a cluster holding records of an id
/// it is not entitled to was split off and gets an id of its own. Ids are never reused: new ones come from the
/// store's counter.
struct ProfileAssigner {
    struct Outcome {
        /// Per cluster: its profile id, or nil when it needs a new one.
        var kept: [String?]
        /// Merged ids and the id they now point to.
        var aliases: [(alias: String, profile: String)]
        /// (cluster, the profile it was split from).
        var splits: [(cluster: Int, from: String)]
    }

    /// - Parameters:
    ///   - clusters: Node indices per cluster.
    ///   - currentProfile: Each node's profile id before this resolve (canonical, aliases followed), or nil.
    ///   - recordIDs: Each node's record id (the age of a record).
    static func assign(clusters: [[Int32]], currentProfile: [String?], recordIDs: [Int64]) -> Outcome {
        // Which cluster holds each id's oldest record.
        var oldest: [String: (record: Int64, cluster: Int)] = [:]
        for (cluster, nodes) in clusters.enumerated() {
            for node in nodes {
                guard let id = currentProfile[Int(node)] else { continue }
                let record = recordIDs[Int(node)]
                if let seen = oldest[id], seen.record <= record { continue }
                oldest[id] = (record, cluster)
            }
        }
        var entitled = [[String]](repeating: [], count: clusters.count)
        for (id, holder) in oldest { entitled[holder.cluster].append(id) }

        var kept = [String?](repeating: nil, count: clusters.count)
        var aliases: [(String, String)] = []
        for cluster in clusters.indices where !entitled[cluster].isEmpty {
            let ids = entitled[cluster].sorted { profileNumber($0) < profileNumber($1) }
            kept[cluster] = ids[0]
            for other in ids.dropFirst() { aliases.append((other, ids[0])) }
        }
        var splits: [(Int, String)] = []
        for (cluster, nodes) in clusters.enumerated() {
            var from = Set<String>()
            for node in nodes {
                if let id = currentProfile[Int(node)], oldest[id]?.cluster != cluster { from.insert(id) }
            }
            for id in from.sorted() { splits.append((cluster, id)) }
        }
        return Outcome(kept: kept, aliases: aliases, splits: splits)
    }

    /// The number in a profile id (`P00000042` → 42); ids of another form sort last, by text.
    static func profileNumber(_ id: String) -> Int64 {
        Int64(id.dropFirst()) ?? Int64.max
    }

    static func profileID(number: Int64) -> String {
        let digits = String(number)
        return "P" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
