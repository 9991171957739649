public import Foundation

/// A Fellegi-Sunter model: for each comparison level, m (the chance a true match lands there) and u (the chance a
/// non-match does), and the prior chance that a candidate pair matches.
///
/// A pair's match weight is `log2(prior odds) + Σ log2(m / u)` over the comparisons where both sides have a value;
/// on an exact level with term frequencies, u is the value's own frequency, so agreeing on `王芳` counts for less
/// than agreeing on a rare name.
public struct MatchModel: Sendable, Hashable {
    public var comparisons: [ComparisonSpec]
    /// Per comparison, per level (the last is "different").
    public var m: [[Double]]
    public var u: [[Double]]
    /// The chance that two records taken at random are one person.
    public var prior: Double
    /// The settings' `modelFingerprint` the parameters were trained for.
    public var fingerprint: String
    public var trainedPairs: Int

    public init(comparisons: [ComparisonSpec], m: [[Double]], u: [[Double]], prior: Double, trainedPairs: Int) {
        self.comparisons = comparisons
        self.m = m
        self.u = u
        self.prior = prior
        self.trainedPairs = trainedPairs
        fingerprint = comparisons.map(\.description).joined(separator: ";")
    }

    public init(stored: StoredMatchModel, comparisons: [ComparisonSpec]) {
        self.init(comparisons: comparisons, m: stored.m, u: stored.u, prior: stored.prior, trainedPairs: stored.trainedPairs)
    }

    public func stored(at date: Date) -> StoredMatchModel {
        StoredMatchModel(fingerprint: fingerprint, m: m, u: u, prior: prior, trainedPairs: trainedPairs, trainedAt: date)
    }

    /// Starting values before training: the top level likely for matches, the bottom for non-matches.
    public static func initial(for comparisons: [ComparisonSpec]) -> MatchModel {
        var m: [[Double]] = []
        var u: [[Double]] = []
        for spec in comparisons {
            let count = spec.levels.count + 1
            // m: 0.9 on the first level, the rest shared out, falling; u: mostly "different".
            var mLevels = [Double](repeating: 0.1 / Double(max(count - 1, 1)), count: count)
            mLevels[0] = 0.9
            var uLevels = [Double](repeating: 0.01 / Double(max(count - 1, 1)), count: count)
            uLevels[count - 1] = 0.99
            m.append(mLevels)
            u.append(uLevels)
        }
        return MatchModel(comparisons: comparisons, m: m, u: u, prior: 0.01, trainedPairs: 0)
    }

    /// The weight of a level, log2(m/u), with u replaced by `frequency` on a term-frequency exact level.
    @inline(__always)
    func weight(comparison: Int, level: Int, frequency: Double) -> Double {
        let mValue = m[comparison][level]
        var uValue = u[comparison][level]
        let kind = comparisons[comparison].levels.indices.contains(level) ? comparisons[comparison].levels[level] : nil
        if frequency > 0, comparisons[comparison].termFrequency, kind == .exact || kind == .swapped {
            // The value's own frequency; never above the level's average u for a value seen once (a typo'd unique
            // value is no stronger evidence than the average).
            uValue = max(frequency, 1e-9)
        }
        return log2(max(mValue, 1e-9) / max(uValue, 1e-9))
    }

    /// log2 of the prior odds.
    var priorWeight: Double { log2(prior / (1 - prior)) }

    /// Match probability from a total weight.
    public static func probability(weight: Double) -> Double {
        let odds = pow(2, weight)
        return odds / (1 + odds)
    }
}

/// Where a pair landed on each comparison: its levels (-1 where a side has no value) and, for exact term-frequency
/// levels, the value's frequency.
public struct ComparisonVector: Sendable, Hashable {
    public var levels: [Int8]
    public var frequencies: [Double]
}

extension MatchModel {
    /// Compares two observations on every comparison.
    public func compare(_ a: PreparedObservation, _ b: PreparedObservation) -> ComparisonVector {
        var levels = [Int8](repeating: -1, count: comparisons.count)
        var frequencies = [Double](repeating: 0, count: comparisons.count)
        for index in comparisons.indices {
            let (level, frequency) = Self.level(comparisons[index], index: index, a, b)
            levels[index] = level
            frequencies[index] = frequency
        }
        return ComparisonVector(levels: levels, frequencies: frequencies)
    }

    /// The total match weight of a pair, without building its vector (the hot path).
    public func weight(_ a: PreparedObservation, _ b: PreparedObservation) -> Double {
        var total = priorWeight
        for index in comparisons.indices {
            let (level, frequency) = Self.level(comparisons[index], index: index, a, b)
            if level >= 0 { total += weight(comparison: index, level: Int(level), frequency: frequency) }
        }
        return total
    }

    /// The total weight of a vector.
    public func weight(of vector: ComparisonVector) -> Double {
        var total = priorWeight
        for index in comparisons.indices where vector.levels[index] >= 0 {
            total += weight(comparison: index, level: Int(vector.levels[index]), frequency: vector.frequencies[index])
        }
        return total
    }

    /// The first level of `spec` that a value pair reaches, the best over all value pairs.
    static func level(
        _ spec: ComparisonSpec, index: Int, _ a: PreparedObservation, _ b: PreparedObservation
    ) -> (Int8, Double) {
        let different = Int8(spec.levels.count)
        if spec.field == .birthDate {
            guard let left = a.birthDate, let right = b.birthDate else { return (-1, 0) }
            let agreement = CalendarDate.compare(left, right)
            for (position, level) in spec.levels.enumerated() where dateLevel(level, accepts: agreement) {
                return (Int8(position), 0)
            }
            return (different, 0)
        }
        let left = a.values[index]
        let right = b.values[index]
        guard !left.isEmpty, !right.isEmpty else { return (-1, 0) }
        var best = different
        var frequency = 0.0
        for (i, x) in left.enumerated() {
            for (j, y) in right.enumerated() {
                let level = valueLevel(spec, x, y, swappedLeft: a.swapped[index], swappedRight: b.swapped[index])
                if level < best {
                    best = level
                    if spec.termFrequency && (spec.levels[Int(level)] == .exact || spec.levels[Int(level)] == .swapped) {
                        frequency = max(a.frequencies[index].isEmpty ? 0 : a.frequencies[index][i],
                                        b.frequencies[index].isEmpty ? 0 : b.frequencies[index][j])
                    }
                }
                if best == 0 { return (0, frequency) }
            }
        }
        return (best, frequency)
    }

    @inline(__always)
    static func valueLevel(
        _ spec: ComparisonSpec, _ x: [UInt32], _ y: [UInt32], swappedLeft: [UInt32]?, swappedRight: [UInt32]?
    ) -> Int8 {
        var jaroWinkler: Double? = nil
        for (position, level) in spec.levels.enumerated() {
            let reached: Bool
            switch level {
            case .exact:
                reached = x == y
            case .swapped:
                // This part equals the other side's counterpart, and the other way round.
                if let swappedLeft, let swappedRight, !swappedLeft.isEmpty {
                    reached = x == swappedRight && y == swappedLeft
                } else {
                    reached = false
                }
            case .jaroWinkler(let threshold):
                if jaroWinkler == nil { jaroWinkler = StringSimilarity.jaroWinkler(x, y) }
                reached = jaroWinkler! >= threshold
            case .damerauLevenshtein(let distance):
                // One edit between one-character values is a different value, not a typo.
                reached = min(x.count, y.count) > distance
                    && StringSimilarity.damerauLevenshtein(x, y, limit: distance) <= distance
            case .transposed, .withinMonth, .withinYear:
                reached = false
            }
            if reached { return Int8(position) }
        }
        return Int8(spec.levels.count)
    }

    static func dateLevel(_ level: ComparisonLevel, accepts agreement: DateAgreement) -> Bool {
        switch (level, agreement) {
        case (.exact, .exact), (.transposed, .transposed), (.withinMonth, .withinMonth), (.withinYear, .withinYear),
            (.withinYear, .withinMonth):
            return true
        default:
            return false
        }
    }
}
