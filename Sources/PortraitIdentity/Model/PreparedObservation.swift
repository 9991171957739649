/// An observation's compared values as Unicode scalars, with each value's term frequency, laid out by the
/// comparisons of one model: what the hot loop reads, so it does no string work.
public struct PreparedObservation: Sendable {
    /// Per comparison: the values (several for identifiers; one or none for the rest).
    var values: [[[UInt32]]]
    /// Per comparison: each value's share of all observations (term frequency), 0 when not tracked.
    var frequencies: [[Double]]
    /// Per comparison with a `swapped` level: the counterpart name part (family for given, given for family).
    var swapped: [[UInt32]?]
    var birthDate: CalendarDate?
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
        var values: [[[UInt32]]] = []
        var frequencies: [[Double]] = []
        var swapped: [[UInt32]?] = []
        values.reserveCapacity(comparisons.count)
        for spec in comparisons {
            let texts = spec.field == .name ? features.name.map { [$0.full] } ?? [] : features.values(of: spec.field)
            values.append(texts.map(\.identityScalars))
            let field = spec.field.description
            frequencies.append(spec.termFrequency ? texts.map { tf.frequency(of: $0, in: field) } : [])
            if spec.levels.contains(.swapped), let name = features.name {
                switch spec.field {
                case .given: swapped.append(name.family.identityScalars)
                case .family: swapped.append(name.given.identityScalars)
                default: swapped.append(nil)
                }
            } else {
                swapped.append(nil)
            }
        }
        self.values = values
        self.frequencies = frequencies
        self.swapped = swapped
        self.birthDate = features.birthDate
    }
}
