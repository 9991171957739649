/// The quintile boundaries of recency, frequency and monetary value over every profile with a purchase.
///
/// RFM scores are relative to the whole population, so a rebuild computes them after every profile's raw values;
/// an incremental update scores with the boundaries of the last rebuild or refresh (stored with the profiles).
public struct RFMCutoffs: Sendable, Hashable, Codable {
    /// The 20th, 40th, 60th and 80th percentile of each measure.
    public var recency: [Double]
    public var frequency: [Double]
    public var monetary: [Double]

    public init(recency: [Double], frequency: [Double], monetary: [Double]) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    /// No boundaries: enough for profiles without purchases, which get no RFM score.
    public static let none = RFMCutoffs(recency: [], frequency: [], monetary: [])

    /// Boundaries from every buyer's (recency days, frequency, monetary).
    public init(_ values: [(recency: Double, frequency: Double, monetary: Double)]) {
        func quintiles(_ list: [Double]) -> [Double] {
            guard !list.isEmpty else { return [] }
            let sorted = list.sorted()
            return (1...4).map { sorted[min(sorted.count - 1, $0 * sorted.count / 5)] }
        }
        recency = quintiles(values.map(\.recency))
        frequency = quintiles(values.map(\.frequency))
        monetary = quintiles(values.map(\.monetary))
    }

    /// 5 for the most recent fifth of buyers, 1 for the least recent.
    public func recencyScore(_ days: Double) -> Double { Double(1 + recency.filter { days < $0 }.count) }
    /// 5 for the most frequent fifth, 1 for the least.
    public func frequencyScore(_ count: Double) -> Double { Double(1 + frequency.filter { count > $0 }.count) }
    public func monetaryScore(_ amount: Double) -> Double { Double(1 + monetary.filter { amount > $0 }.count) }
}
