import Foundation
import PortraitCore

/// Scores candidate pairs on every core and keeps those at or above the threshold, turned into links by `link`
/// on the same cores (a link's evidence compares the pair again, which is a third of the work when done alone).
///
/// Observations are read from an ``ObservationTable`` through pointers: copying a `PreparedObservation` per pair
/// retained its four arrays, and the cores fought over those counts.
enum ParallelScoring {
    /// Pairs per claimed chunk: small enough that both cores finish together, large enough that claiming is free.
    static let chunkSize = 16_384

    static func links<Link: Sendable>(
        pairs: [(Int32, Int32)], observations: [PreparedObservation], model: MatchModel, minimumWeight: Double,
        link: @escaping @Sendable (_ a: Int32, _ b: Int32, _ weight: Double) -> Link
    ) -> [Link] {
        guard !pairs.isEmpty else { return [] }
        let table = ObservationTable(observations, comparisons: model.comparisons.count)
        let chunks = Array(stride(from: 0, to: pairs.count, by: chunkSize))
        let kept = pairs.withUnsafeBufferPointer { pairBuffer in
            nonisolated(unsafe) let pairsView = pairBuffer
            return table.withViews { view in
                Parallel.map(chunks, itemsPerChunk: 1) { start -> [Link] in
                    var kept: [Link] = []
                    for index in start..<min(start + chunkSize, pairsView.count) {
                        let (a, b) = pairsView[index]
                        let weight = model.weight(view(Int(a)), view(Int(b)))
                        if weight >= minimumWeight { kept.append(link(a, b, weight)) }
                    }
                    return kept
                }
            }
        }
        return kept.flatMap { $0 }
    }
}
