import Dispatch
import Foundation

/// Scores candidate pairs on every core and keeps those at or above the threshold.
///
/// Written by hand rather than with a task group: the work is CPU-bound and split once into one contiguous chunk
/// per core, which is all `concurrentPerform` needs.
enum ParallelScoring {
    struct Accepted {
        var a: Int32
        var b: Int32
        var weight: Double
    }

    static func accepted(
        pairs: [(Int32, Int32)], observations: [PreparedObservation], model: MatchModel, minimumWeight: Double
    ) -> [Accepted] {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, pairs.count / 10_000 + 1))
        let results = UnsafeMutableBufferPointer<[Accepted]>.allocate(capacity: chunks)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        pairs.withUnsafeBufferPointer { pairBuffer in
            observations.withUnsafeBufferPointer { observationBuffer in
                nonisolated(unsafe) let pairsView = pairBuffer
                nonisolated(unsafe) let observationsView = observationBuffer
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = pairsView.count * chunk / chunks
                    let end = pairsView.count * (chunk + 1) / chunks
                    var kept: [Accepted] = []
                    for index in start..<end {
                        let (a, b) = pairsView[index]
                        let weight = model.weight(observationsView[Int(a)], observationsView[Int(b)])
                        if weight >= minimumWeight { kept.append(Accepted(a: a, b: b, weight: weight)) }
                    }
                    output[chunk] = kept
                }
            }
        }
        return results.flatMap { $0 }
    }
}
