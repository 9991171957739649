/// An observation's compared values as Unicode scalars, with each value's term frequency, laid out flat by the
/// comparisons of one model: what the hot loop reads, without string work or reference counting.
public struct PreparedObservation: Sendable {
    struct Value {
        var start: Int32
        var count: Int32
        /// The value's share of all observations (term frequency), 0 when not tracked.
        var frequency: Double
    }

    /// Every compared value's scalars, one after another.
    var scalars: ContiguousArray<UInt32>
    var values: ContiguousArray<Value>
    /// Per comparison `c`: its values are `values[fieldStart[c] ..< fieldStart[c + 1]]`.
    var fieldStart: ContiguousArray<Int32>
    /// Per comparison with a `swapped` level: the index in `values` of the counterpart name part (family for
    /// given, given for family), or -1.
    var swapped: ContiguousArray<Int32>
    var birthDate: CalendarDate?
    /// The name's script (1 Han, 2 Latin, 0 none): names in different scripts are not compared (`伟` against `wei`
    /// says nothing, rather than "different").
    var nameScript: UInt8
}

/// Counts of values per compared field, for term-frequency adjustment.
public struct TermFrequencies: Sendable {
    /// Field (as `FeatureField.description`) → value → number of observations with it.
    public var counts: [String: [String: Int]]
    /// Observations counted.
    public var total: Int

    public init(counts: [String: [String: Int]] = [:], total: Int = 0) {
        self.counts = counts
        self.total = total
    }

    /// Below this many observations, frequencies are taken over this many: on a small store every value looks
    /// common (three records of 王小明 among eighteen), which says nothing about how common the name is.
    public static let minimumPopulation = 1_000

    /// The share of observations with `value` in `field`; a value never counted is taken as seen once.
    public func frequency(of value: String, in field: String) -> Double {
        let count = max(1, counts[field]?[value] ?? 1)
        return Double(count) / Double(max(total, Self.minimumPopulation))
    }

    /// Counts every term-frequency field of `features`.
    public mutating func add(_ features: ObservationFeatures, comparisons: [ComparisonSpec], sign: Int = 1) {
        total += sign
        for spec in comparisons where spec.termFrequency {
            let field = spec.field.description
            for value in features.values(of: spec.field) {
                counts[field, default: [:]][value, default: 0] += sign
            }
        }
    }
}

extension PreparedObservation {
    /// Lays `features` out for `comparisons`.
    public init(_ features: ObservationFeatures, comparisons: [ComparisonSpec], frequencies tf: TermFrequencies) {
        scalars = []
        values = []
        fieldStart = [0]
        swapped = []
        birthDate = features.birthDate
        nameScript = features.name.map { $0.isHan ? 1 : 2 } ?? 0
        fieldStart.reserveCapacity(comparisons.count + 1)
        swapped.reserveCapacity(comparisons.count)
        func append(_ text: String, frequency: Double) {
            let start = Int32(scalars.count)
            for scalar in text.unicodeScalars { scalars.append(scalar.value) }
            values.append(Value(start: start, count: Int32(scalars.count) - start, frequency: frequency))
        }
        for spec in comparisons {
            var texts = spec.field == .name ? features.name.map { [$0.full] } ?? [] : features.values(of: spec.field)
            // Latin given names are compared in their formal form (`bill` as `william`).
            if spec.field == .given, features.name?.isHan == false { texts = texts.map(Nicknames.formal) }
            let field = spec.field.description
            for text in texts { append(text, frequency: spec.termFrequency ? tf.frequency(of: text, in: field) : 0) }
            fieldStart.append(Int32(values.count))
        }
        for spec in comparisons {
            guard spec.levels.contains(.swapped), let name = features.name else {
                swapped.append(-1)
                continue
            }
            let counterpart: String
            switch spec.field {
            case .given: counterpart = name.family
            case .family: counterpart = name.given
            default:
                swapped.append(-1)
                continue
            }
            guard !counterpart.isEmpty else {
                swapped.append(-1)
                continue
            }
            swapped.append(Int32(values.count))
            append(counterpart, frequency: 0)
        }
    }
}
