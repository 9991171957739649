public import Foundation

/// A Fellegi-Sunter model: for each comparison level, m (the chance a true match lands there) and u (the chance a
/// non-match does), and the prior chance that a candidate pair matches.
///
/// A pair's match weight is `log2(prior odds) + Σ log2(m / u)` over the comparisons where both sides have a value;
/// on an exact level with term frequencies, u is the value's own frequency, so agreeing on `王芳` counts for less
/// than agreeing on a rare name.
public struct MatchModel: Sendable {
    public let comparisons: [ComparisonSpec]
    /// Per comparison, per level (the last is "different").
    public let m: [[Double]]
    public let u: [[Double]]
    /// The chance that two records taken at random are one person.
    public let prior: Double
    /// The settings' `modelFingerprint` the parameters were trained for.
    public let fingerprint: String
    public let trainedPairs: Int
    /// The parameters laid out for scoring.
    private(set) var compiled: CompiledScorer!

    /// See `IdentitySettings.requireCorroboration` (a decision rule, not a trained parameter).
    public var requireCorroboration: Bool {
        get { compiled.requireCorroboration }
        set { compiled.requireCorroboration = newValue }
    }

    public init(comparisons: [ComparisonSpec], m: [[Double]], u: [[Double]], prior: Double, trainedPairs: Int) {
        self.comparisons = comparisons
        self.m = m
        self.u = u
        self.prior = prior
        self.trainedPairs = trainedPairs
        fingerprint = comparisons.map(\.description).joined(separator: ";")
        compiled = CompiledScorer(model: self)
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
        levels.withUnsafeMutableBufferPointer { levelBuffer in
            frequencies.withUnsafeMutableBufferPointer { frequencyBuffer in
                compiled.levels(a, b, into: levelBuffer.baseAddress!, frequencies: frequencyBuffer.baseAddress!)
            }
        }
        return ComparisonVector(levels: levels, frequencies: frequencies)
    }

    /// The total match weight of a pair, without building its vector (the hot path).
    @inline(__always)
    public func weight(_ a: PreparedObservation, _ b: PreparedObservation) -> Double {
        compiled.weight(a, b)
    }

    @inline(__always)
    func weight(_ a: ObservationView, _ b: ObservationView) -> Double {
        compiled.weight(a, b)
    }
}

/// The model laid out for the hot loop: plain values in contiguous arrays, weights precomputed, so scoring a pair
/// does no reference counting and no string work. Hand-written because pair scoring is the engine's core cost
/// (millions of pairs per resolve).
struct CompiledScorer: Sendable {
    enum Kind: UInt8 {
        case exact, swapped, jaroWinkler, damerauLevenshtein, transposed, withinMonth, withinYear
    }

    struct Comparison {
        var isDate: Bool
        var isName: Bool
        var corroborates: Bool
        var differentVetoes: Bool
        var termFrequency: Bool
        var needsJaroWinkler: Bool
        var firstLevel: Int
        var levelCount: Int
        /// Where this comparison's weights start (levelCount + 1 of them: the last is "different").
        var firstWeight: Int
    }

    struct Level {
        var kind: Kind
        var threshold: Double
        var distance: Int
        /// m of this level, for a term-frequency weight (exact and swapped levels of a tf comparison), else 0.
        var termFrequencyM: Double
    }

    let comparisons: ContiguousArray<Comparison>
    let levels: ContiguousArray<Level>
    let weights: ContiguousArray<Double>
    let priorWeight: Double
    /// See `IdentitySettings.requireCorroboration`.
    var requireCorroboration = true

    init(model: MatchModel) {
        var comparisons = ContiguousArray<Comparison>()
        var levels = ContiguousArray<Level>()
        var weights = ContiguousArray<Double>()
        for (index, spec) in model.comparisons.enumerated() {
            comparisons.append(
                Comparison(
                    isDate: spec.field == .birthDate,
                    isName: spec.field == .given || spec.field == .family || spec.field == .name,
                    corroborates: IdentitySettings.corroborates(spec.field),
                    differentVetoes: spec.differentVetoes, termFrequency: spec.termFrequency,
                    needsJaroWinkler: spec.levels.contains { if case .jaroWinkler = $0 { return true } else { return false } },
                    firstLevel: levels.count, levelCount: spec.levels.count, firstWeight: weights.count))
            for (position, level) in spec.levels.enumerated() {
                let tfM = spec.termFrequency && (level == .exact || level == .swapped) ? model.m[index][position] : 0
                switch level {
                case .exact: levels.append(Level(kind: .exact, threshold: 0, distance: 0, termFrequencyM: tfM))
                case .swapped: levels.append(Level(kind: .swapped, threshold: 0, distance: 0, termFrequencyM: tfM))
                case .jaroWinkler(let t): levels.append(Level(kind: .jaroWinkler, threshold: t, distance: 0, termFrequencyM: 0))
                case .damerauLevenshtein(let d):
                    levels.append(Level(kind: .damerauLevenshtein, threshold: 0, distance: d, termFrequencyM: 0))
                case .transposed: levels.append(Level(kind: .transposed, threshold: 0, distance: 0, termFrequencyM: 0))
                case .withinMonth: levels.append(Level(kind: .withinMonth, threshold: 0, distance: 0, termFrequencyM: 0))
                case .withinYear: levels.append(Level(kind: .withinYear, threshold: 0, distance: 0, termFrequencyM: 0))
                }
            }
            for level in 0...spec.levels.count {
                weights.append(model.weight(comparison: index, level: level, frequency: 0))
            }
        }
        self.comparisons = comparisons
        self.levels = levels
        self.weights = weights
        priorWeight = model.priorWeight
    }

    @inline(__always)
    func weight(_ a: PreparedObservation, _ b: PreparedObservation) -> Double {
        a.withView { left in b.withView { right in weight(left, right) } }
    }

    @inline(__always)
    func weight(_ a: ObservationView, _ b: ObservationView) -> Double {
        var total = priorWeight
        var corroborated = !requireCorroboration
        var vetoed = false
        var birthDateAgrees = false
        for index in 0..<comparisons.count {
            let (level, frequency) = level(index, a, b)
            guard level >= 0 else { continue }
            let comparison = comparisons[index]
            if Int(level) == comparison.levelCount {
                if comparison.differentVetoes { vetoed = true }
            } else if comparison.corroborates {
                corroborated = true
                // The two best date levels (exact, transposed): a typo'd given name of one person, not a relative.
                if comparison.isDate && level <= 1 { birthDateAgrees = true }
            }
            if frequency > 0, Int(level) < comparison.levelCount {
                let m = levels[comparison.firstLevel + Int(level)].termFrequencyM
                if m > 0 {
                    total += log2(max(m, 1e-9) / max(frequency, 1e-9))
                    continue
                }
            }
            total += weights[comparison.firstWeight + Int(level)]
        }
        if vetoed && !birthDateAgrees { return -Double.infinity }
        return corroborated ? total : -Double.infinity
    }

    func levels(
        _ a: PreparedObservation, _ b: PreparedObservation, into output: UnsafeMutablePointer<Int8>,
        frequencies: UnsafeMutablePointer<Double>
    ) {
        a.withView { left in
            b.withView { right in
                for index in 0..<comparisons.count {
                    let (level, frequency) = level(index, left, right)
                    output[index] = level
                    frequencies[index] = frequency
                }
            }
        }
    }

    func level(_ index: Int, _ a: PreparedObservation, _ b: PreparedObservation) -> (Int8, Double) {
        a.withView { left in b.withView { right in level(index, left, right) } }
    }

    /// The first level of comparison `index` that a value pair reaches (the best over all value pairs), -1 when a
    /// side has no value, and the agreeing value's term frequency on a term-frequency level.
    @inline(__always)
    func level(_ index: Int, _ a: ObservationView, _ b: ObservationView) -> (Int8, Double) {
        let comparison = comparisons[index]
        let different = Int8(comparison.levelCount)
        if comparison.isDate {
            guard let left = a.birthDate, let right = b.birthDate else { return (-1, 0) }
            let agreement = CalendarDate.compare(left, right)
            for position in 0..<comparison.levelCount
            where Self.date(levels[comparison.firstLevel + position].kind, accepts: agreement) {
                return (Int8(position), 0)
            }
            return (different, 0)
        }
        if comparison.isName && a.nameScript != b.nameScript { return (-1, 0) }
        let leftStart = Int(a.fieldStart[index])
        let leftEnd = Int(a.fieldStart[index + 1])
        let rightStart = Int(b.fieldStart[index])
        let rightEnd = Int(b.fieldStart[index + 1])
        guard leftStart < leftEnd, rightStart < rightEnd else { return (-1, 0) }
        var best = different
        var frequency = 0.0
        let leftSwapped = a.swapped[index]
        let rightSwapped = b.swapped[index]
        for i in leftStart..<leftEnd {
            let x = a.text(i)
            for j in rightStart..<rightEnd {
                let y = b.text(j)
                var jaroWinkler = -1.0
                var reached = different
                for position in 0..<Int(different) {
                    let level = levels[comparison.firstLevel + position]
                    let hit: Bool
                    switch level.kind {
                    case .exact:
                        hit = x.elementsEqual(y)
                    case .swapped:
                        if leftSwapped >= 0, rightSwapped >= 0 {
                            hit = x.elementsEqual(b.text(Int(rightSwapped))) && y.elementsEqual(a.text(Int(leftSwapped)))
                        } else {
                            hit = false
                        }
                    case .jaroWinkler:
                        if jaroWinkler < 0 { jaroWinkler = StringSimilarity.jaroWinkler(x, y) }
                        hit = jaroWinkler >= level.threshold
                    case .damerauLevenshtein:
                        // One edit between one-character values is a different value, not a typo.
                        hit = min(x.count, y.count) > level.distance
                            && StringSimilarity.damerauLevenshtein(x, y, limit: level.distance) <= level.distance
                    case .transposed, .withinMonth, .withinYear:
                        hit = false
                    }
                    if hit {
                        reached = Int8(position)
                        break
                    }
                }
                if reached < best {
                    best = reached
                    if comparison.termFrequency, levels[comparison.firstLevel + Int(reached)].termFrequencyM > 0 {
                        frequency = max(a.values[i].frequency, b.values[j].frequency)
                    }
                    if best == 0 { return (0, frequency) }
                }
            }
        }
        return (best, frequency)
    }

    @inline(__always)
    static func date(_ kind: Kind, accepts agreement: DateAgreement) -> Bool {
        switch (kind, agreement) {
        case (.exact, .exact), (.transposed, .transposed), (.withinMonth, .withinMonth), (.withinYear, .withinYear),
            (.withinYear, .withinMonth):
            return true
        default:
            return false
        }
    }
}
