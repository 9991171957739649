/// Candidate pairs: the union of the pairs each blocking rule brings together, each pair once.
///
/// A pair belongs to the first rule that brings it together: a later rule skips pairs that share a key of an
/// earlier one (as Splink does), so no global set of pairs is needed and the work divides by rule and block.
struct CandidatePairs {
    /// Pairs of node indices, the smaller first (a sample, with `sampleEvery`).
    var pairs: [(Int32, Int32)] = []
    /// Per rule: the pairs it added (all of them, sampled or not).
    var perRule: [Int]
    /// Keys left out because more observations share them than `maxBlockSize`.
    var skippedKeys = 0
    var skippedObservations = 0

    /// - Parameters:
    ///   - keys: Each node's keys.
    ///   - pending: Only pairs with at least one pending node are produced (all, when resolving from scratch).
    ///   - tooCommon: Keys known (from the store) to be shared more widely than the nodes at hand show.
    ///   - sampleEvery: Keep only every n-th pair (training on a sample of a rule's pairs).
    init(
        keys: [BlockingKeys], pending: [Bool], ruleCount: Int, maxBlockSize: Int, tooCommon: Set<UInt64> = [],
        sampleEvery: Int = 1
    ) {
        var seen = 0
        perRule = [Int](repeating: 0, count: ruleCount)
        for rule in 0..<ruleCount {
            var entries: [(key: UInt64, node: Int32)] = []
            entries.reserveCapacity(keys.count)
            for (node, nodeKeys) in keys.enumerated() {
                for key in nodeKeys.rules[rule] { entries.append((key, Int32(node))) }
            }
            entries.sort { $0.key < $1.key || ($0.key == $1.key && $0.node < $1.node) }
            var start = 0
            while start < entries.count {
                var end = start + 1
                while end < entries.count && entries[end].key == entries[start].key { end += 1 }
                let size = end - start
                if size > 1 {
                    if size > maxBlockSize || tooCommon.contains(entries[start].key) {
                        skippedKeys += 1
                        skippedObservations += size
                    } else {
                        for i in start..<(end - 1) {
                            let left = entries[i].node
                            for j in (i + 1)..<end {
                                let right = entries[j].node
                                if left == right { continue }
                                guard pending[Int(left)] || pending[Int(right)] else { continue }
                                if Self.shareEarlierRule(keys[Int(left)], keys[Int(right)], before: rule) { continue }
                                if Self.shareSmallerKey(
                                    keys[Int(left)].rules[rule], keys[Int(right)].rules[rule], than: entries[start].key)
                                {
                                    continue
                                }
                                perRule[rule] += 1
                                seen += 1
                                if sampleEvery == 1 || seen % sampleEvery == 0 { pairs.append((left, right)) }
                            }
                        }
                    }
                }
                start = end
            }
        }
    }

    /// A pair with several keys in common within one rule (two shared phones) is produced under the smallest.
    @inline(__always)
    static func shareSmallerKey(_ a: [UInt64], _ b: [UInt64], than key: UInt64) -> Bool {
        guard a.count > 1 && b.count > 1 else { return false }
        for x in a where x < key && b.contains(x) { return true }
        return false
    }

    @inline(__always)
    static func shareEarlierRule(_ a: BlockingKeys, _ b: BlockingKeys, before rule: Int) -> Bool {
        var earlier = 0
        while earlier < rule {
            for x in a.rules[earlier] where b.rules[earlier].contains(x) { return true }
            earlier += 1
        }
        return false
    }
}

extension CandidatePairs {
    /// The number of pairs a rule's keys bring together (before deduplication against other rules): the sum over
    /// its blocks of n(n-1)/2, without listing them.
    static func pairCount(keys: [BlockingKeys], rule: Int, maxBlockSize: Int) -> Int {
        var entries: [UInt64] = []
        entries.reserveCapacity(keys.count)
        for nodeKeys in keys { entries.append(contentsOf: nodeKeys.rules[rule]) }
        entries.sort()
        var total = 0
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end] == entries[start] { end += 1 }
            let size = end - start
            if size > 1 && size <= maxBlockSize { total += size * (size - 1) / 2 }
            start = end
        }
        return total
    }
}
