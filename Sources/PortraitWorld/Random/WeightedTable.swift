/// Elements drawn with given relative weights, as real name frequencies are: 张 and Smith far more often than
/// 欧阳 and Seán, so common names repeat across many different people as they do in real customer data.
struct WeightedTable<Element: Sendable>: Sendable {
    let elements: [Element]
    private let cumulative: [Double]

    init(_ weighted: [(Element, Double)]) {
        precondition(!weighted.isEmpty && weighted.allSatisfy { $0.1 > 0 }, "a weighted table needs positive weights")
        elements = weighted.map(\.0)
        var total = 0.0
        cumulative = weighted.map {
            total += $0.1
            return total
        }
    }

    func pick(_ random: inout WorldRandom) -> Element {
        let target = random.unit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return elements[low]
    }
}
