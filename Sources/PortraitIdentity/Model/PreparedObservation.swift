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

/// One observation's compared values seen through raw pointers: what the scoring loop reads, so that comparing a
/// pair copies no observation and touches no reference count (two cores retaining the same observations' arrays
/// fought over their counts: 40% of scoring).
struct ObservationView {
    let scalars: UnsafePointer<UInt32>
    let values: UnsafePointer<PreparedObservation.Value>
    /// This observation's comparison `c` has the values `fieldStart[c] ..< fieldStart[c + 1]` (indices into `values`).
    let fieldStart: UnsafePointer<Int32>
    let swapped: UnsafePointer<Int32>
    let birthDate: CalendarDate?
    let nameScript: UInt8

    /// The scalars of value `index`.
    @inline(__always)
    func text(_ index: Int) -> UnsafeBufferPointer<UInt32> {
        let value = values[index]
        return UnsafeBufferPointer(start: scalars + Int(value.start), count: Int(value.count))
    }
}

extension PreparedObservation {
    /// Calls `body` with a view of this observation, valid only inside it.
    @inline(__always)
    func withView<Result>(_ body: (ObservationView) -> Result) -> Result {
        scalars.withUnsafeBufferPointer { scalars in
            values.withUnsafeBufferPointer { values in
                fieldStart.withUnsafeBufferPointer { fieldStart in
                    swapped.withUnsafeBufferPointer { swapped in
                        body(
                            ObservationView(
                                scalars: scalars.baseAddress ?? ObservationTable.nowhere(),
                                values: values.baseAddress ?? ObservationTable.nowhere(),
                                fieldStart: fieldStart.baseAddress ?? ObservationTable.nowhere(),
                                swapped: swapped.baseAddress ?? ObservationTable.nowhere(), birthDate: birthDate,
                                nameScript: nameScript))
                    }
                }
            }
        }
    }
}

/// Many observations laid out in four shared arrays (values point into one run of scalars, each observation's
/// field starts and swapped counterparts are indices into one run of values), so a view of any of them is pointer
/// arithmetic. Built once per scoring pass.
struct ObservationTable {
    private var scalars = ContiguousArray<UInt32>()
    private var values = ContiguousArray<PreparedObservation.Value>()
    /// Per observation `o`: `comparisons + 1` entries from `o * (comparisons + 1)`.
    private var fieldStarts = ContiguousArray<Int32>()
    /// Per observation `o`: `comparisons` entries from `o * comparisons`.
    private var swapped = ContiguousArray<Int32>()
    private var birthDates: [CalendarDate?] = []
    private var scripts: [UInt8] = []
    private let comparisons: Int

    init(_ observations: [PreparedObservation], comparisons: Int) {
        self.comparisons = comparisons
        // Exact capacities: the arrays run to hundreds of megabytes at a million observations, and growing them by
        // doubling copied and faulted in each twice.
        var scalarCount = 0
        var valueCount = 0
        for observation in observations {
            scalarCount += observation.scalars.count
            valueCount += observation.values.count
        }
        scalars.reserveCapacity(scalarCount)
        values.reserveCapacity(valueCount)
        fieldStarts.reserveCapacity(observations.count * (comparisons + 1))
        swapped.reserveCapacity(observations.count * comparisons)
        birthDates.reserveCapacity(observations.count)
        scripts.reserveCapacity(observations.count)
        observations.withUnsafeBufferPointer { observations in
            for index in observations.indices {
                let scalarBase = Int32(scalars.count)
                let valueBase = Int32(values.count)
                observations[index].scalars.withUnsafeBufferPointer { scalars.append(contentsOf: $0) }
                observations[index].values.withUnsafeBufferPointer { source in
                    for value in source {
                        values.append(PreparedObservation.Value(
                            start: value.start + scalarBase, count: value.count, frequency: value.frequency))
                    }
                }
                // Laid out for the same comparisons: `comparisons + 1` field starts and `comparisons` counterparts each.
                for start in observations[index].fieldStart { fieldStarts.append(start + valueBase) }
                for counterpart in observations[index].swapped { swapped.append(counterpart >= 0 ? counterpart + valueBase : -1) }
                birthDates.append(observations[index].birthDate)
                scripts.append(observations[index].nameScript)
            }
        }
    }

    /// Where the table's arrays are, for as long as the table lives unchanged: `views(i)` is observation `i`.
    struct Views: @unchecked Sendable {
        fileprivate let scalars: UnsafePointer<UInt32>
        fileprivate let values: UnsafePointer<PreparedObservation.Value>
        fileprivate let fieldStarts: UnsafePointer<Int32>
        fileprivate let swapped: UnsafePointer<Int32>
        fileprivate let birthDates: UnsafePointer<CalendarDate?>
        fileprivate let scripts: UnsafePointer<UInt8>
        fileprivate let comparisons: Int

        @inline(__always)
        func callAsFunction(_ index: Int) -> ObservationView {
            ObservationView(
                scalars: scalars, values: values, fieldStart: fieldStarts + index * (comparisons + 1),
                swapped: swapped + index * comparisons, birthDate: birthDates[index], nameScript: scripts[index])
        }
    }

    /// Calls `body` with views of the observations, valid only inside it.
    func withViews<Result>(_ body: (Views) -> Result) -> Result {
        scalars.withUnsafeBufferPointer { scalars in
            values.withUnsafeBufferPointer { values in
                fieldStarts.withUnsafeBufferPointer { fieldStarts in
                    swapped.withUnsafeBufferPointer { swapped in
                        birthDates.withUnsafeBufferPointer { birthDates in
                            scripts.withUnsafeBufferPointer { scripts in
                                body(
                                    Views(
                                        scalars: scalars.baseAddress ?? Self.nowhere(),
                                        values: values.baseAddress ?? Self.nowhere(),
                                        fieldStarts: fieldStarts.baseAddress ?? Self.nowhere(),
                                        swapped: swapped.baseAddress ?? Self.nowhere(),
                                        birthDates: birthDates.baseAddress ?? Self.nowhere(),
                                        scripts: scripts.baseAddress ?? Self.nowhere(), comparisons: comparisons))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A pointer for an empty array, never read through (an empty array has no base address).
    @inline(__always)
    static func nowhere<T>() -> UnsafePointer<T> {
        UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
    }
}
