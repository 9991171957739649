/// Estimates a model's parameters without labels, as the best open-source linkage tools do.
///
/// - u: the level frequencies among random pairs, which are almost all non-matches.
/// - m: expectation-maximisation over the pairs of each blocking rule in turn, with u fixed. A rule's own fields
///   agree on every pair it brings, so a rule only teaches the m of comparisons on other fields; each m is the
///   average over the rules that could teach it.
/// - prior: EM over all candidate pairs with m and u fixed.
struct ModelTrainer {
    let comparisons: [ComparisonSpec]
    let blocking: [BlockingRule]

    /// Fewer candidate pairs than this teach EM nothing reliable: the starting values stay.
    static let minimumPairs = 200
    /// The prior never says more than even odds.
    static let maximumPrior = 0.5

    /// Level counts over distinct comparison vectors: EM runs over patterns, not pairs.
    ///
    /// A vector is packed into 64 bits, four per comparison (level + 1; 0 for "no value"): the settings allow at
    /// most 16 comparisons of at most 14 levels.
    struct Patterns {
        var counts: [UInt64: Int] = [:]
        var pairs = 0

        mutating func add(_ levels: UnsafePointer<Int8>, count: Int) {
            var packed: UInt64 = 0
            for index in 0..<count { packed |= UInt64(UInt8(bitPattern: levels[index] &+ 1)) << (4 * UInt64(index)) }
            counts[packed, default: 0] += 1
            pairs += 1
        }

        mutating func add(_ levels: [Int8]) {
            levels.withUnsafeBufferPointer { add($0.baseAddress!, count: $0.count) }
        }

        func entries(comparisons: Int) -> [(levels: [Int8], count: Int)] {
            counts.map { packed, count in
                ((0..<comparisons).map { Int8((packed >> (4 * UInt64($0))) & 0xF) - 1 }, count)
            }
        }
    }

    /// The level counts of `pairs` (every `stride`-th of them).
    func patterns(of pairs: [(Int32, Int32)], stride: Int, observations: [PreparedObservation], model: MatchModel) -> Patterns {
        var patterns = Patterns()
        let levels = UnsafeMutablePointer<Int8>.allocate(capacity: comparisons.count)
        let frequencies = UnsafeMutablePointer<Double>.allocate(capacity: comparisons.count)
        defer {
            levels.deallocate()
            frequencies.deallocate()
        }
        for position in Swift.stride(from: 0, to: pairs.count, by: max(stride, 1)) {
            let (a, b) = pairs[position]
            model.compiled.levels(observations[Int(a)], observations[Int(b)], into: levels, frequencies: frequencies)
            patterns.add(levels, count: comparisons.count)
        }
        return patterns
    }

    func estimateU(_ observations: [PreparedObservation], pairs: Int, seed: UInt64) -> [[Double]] {
        var generator = SplitMix64(seed: seed)
        var counts = comparisons.map { [Double](repeating: 0, count: $0.levels.count + 1) }
        let model = MatchModel.initial(for: comparisons)
        guard observations.count > 1 else { return model.u }
        let levels = UnsafeMutablePointer<Int8>.allocate(capacity: comparisons.count)
        let frequencies = UnsafeMutablePointer<Double>.allocate(capacity: comparisons.count)
        defer {
            levels.deallocate()
            frequencies.deallocate()
        }
        func count(_ a: Int, _ b: Int) {
            model.compiled.levels(observations[a], observations[b], into: levels, frequencies: frequencies)
            for index in 0..<comparisons.count where levels[index] >= 0 { counts[index][Int(levels[index])] += 1 }
        }
        let allPairs = observations.count * (observations.count - 1) / 2
        if allPairs <= pairs {
            // Few enough to take every pair: exact, and no sampling noise on small stores.
            for a in observations.indices { for b in (a + 1)..<observations.count { count(a, b) } }
        } else {
            for _ in 0..<pairs {
                let a = Int(generator.next() % UInt64(observations.count))
                var b = Int(generator.next() % UInt64(observations.count - 1))
                if b >= a { b += 1 }
                count(a, b)
            }
        }
        return counts.enumerated().map { index, levels in
            let total = levels.reduce(0, +)
            // Laplace smoothing: a level never seen among random pairs is rare, not impossible.
            return levels.map { ($0 + 1) / (total + Double(levels.count)) }
        }
    }

    /// Whether `rule` constrains the field a comparison looks at.
    func rule(_ rule: BlockingRule, touches spec: ComparisonSpec) -> Bool {
        rule.fields.contains { field in
            switch (field, spec.field) {
            case (.name, .given), (.name, .family), (.name, .name), (.given, .name), (.family, .name): return true
            case (.birthYear, .birthDate), (.birthDate, .birthDate): return true
            default: return field == spec.field
            }
        }
    }

    /// m per comparison and the prior, from each rule's patterns (`perRule`) and all candidate pairs (`all`), and
    /// the share of matches EM found among each rule's pairs (with the rule's own fields left out).
    func estimateM(
        start: MatchModel, u: [[Double]], perRule: [Patterns], all: Patterns, iterations: Int = 40
    ) -> (m: [[Double]], prior: Double, ruleShares: [Double?]) {
        var sums = comparisons.map { [Double](repeating: 0, count: $0.levels.count + 1) }
        var taught = [Int](repeating: 0, count: comparisons.count)
        var ruleShares = [Double?](repeating: nil, count: perRule.count)
        for (ruleIndex, patterns) in perRule.enumerated() where patterns.pairs >= Self.minimumPairs {
            // The rule's own fields agree on every pair it brings: they are left out of its likelihoods, or they
            // would make every pair look like a match.
            let used = comparisons.map { !rule(blocking[ruleIndex], touches: $0) }
            let (m, share) = expectationMaximisation(
                patterns, m: start.m, u: u, prior: 0.1, iterations: iterations, updatesM: true, used: used)
            ruleShares[ruleIndex] = share
            for index in comparisons.indices where !rule(blocking[ruleIndex], touches: comparisons[index]) {
                for level in sums[index].indices { sums[index][level] += m[index][level] }
                taught[index] += 1
            }
        }
        let m = comparisons.indices.map { index in
            taught[index] == 0 ? start.m[index] : sums[index].map { $0 / Double(taught[index]) }
        }
        guard all.pairs >= Self.minimumPairs else { return (m, start.prior, ruleShares) }
        let (_, prior) = expectationMaximisation(
            all, m: m, u: u, prior: 0.1, iterations: iterations, updatesM: false,
            used: [Bool](repeating: true, count: comparisons.count))
        // On few or very clean candidates EM can drive the prior towards 1, and then any blocked pair would match
        // on the prior alone: the evidence must always decide.
        return (m, min(prior, Self.maximumPrior), ruleShares)
    }

    private func expectationMaximisation(
        _ patterns: Patterns, m start: [[Double]], u: [[Double]], prior startPrior: Double, iterations: Int,
        updatesM: Bool, used: [Bool]
    ) -> (m: [[Double]], prior: Double) {
        var m = start
        var prior = startPrior
        let entries = patterns.entries(comparisons: comparisons.count)
        guard !entries.isEmpty else { return (m, prior) }
        for _ in 0..<iterations {
            var mSums = comparisons.map { [Double](repeating: 0, count: $0.levels.count + 1) }
            var matchTotal = 0.0
            var total = 0.0
            for (levels, count) in entries {
                var matchLikelihood = prior
                var nonMatchLikelihood = 1 - prior
                for (index, level) in levels.enumerated() where level >= 0 && used[index] {
                    matchLikelihood *= m[index][Int(level)]
                    nonMatchLikelihood *= u[index][Int(level)]
                }
                let probability = matchLikelihood / max(matchLikelihood + nonMatchLikelihood, 1e-300)
                let weight = probability * Double(count)
                matchTotal += weight
                total += Double(count)
                if updatesM {
                    for (index, level) in levels.enumerated() where level >= 0 { mSums[index][Int(level)] += weight }
                }
            }
            prior = min(max(matchTotal / max(total, 1), 1e-6), 1 - 1e-6)
            if updatesM {
                for index in m.indices {
                    let sum = mSums[index].reduce(0, +)
                    guard sum > 0 else { continue }
                    // Smoothed so no level's m reaches zero (which would veto a match forever).
                    m[index] = mSums[index].map { ($0 + 0.01) / (sum + 0.01 * Double(mSums[index].count)) }
                }
            }
        }
        return (m, prior)
    }
}

/// A small, fast, seedable generator: training draws the same random pairs for the same data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
