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

/// `map` over every core, for the per-observation steps of a resolve from scratch (parse, extract, prepare), which
/// are independent and a million long.
enum Parallel {
    static func map<T: Sendable, U>(_ items: [T], _ transform: (T) -> U) -> [U] {
        let chunks = items.count < 2_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount * 4
        if chunks == 1 { return items.map(transform) }
        let output = UnsafeMutableBufferPointer<U>.allocate(capacity: items.count)
        defer { output.deallocate() }
        nonisolated(unsafe) let target = output
        withoutActuallyEscaping(transform) { transform in
            nonisolated(unsafe) let body = transform
            items.withUnsafeBufferPointer { buffer in
                nonisolated(unsafe) let source = buffer
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = source.count * chunk / chunks
                    let end = source.count * (chunk + 1) / chunks
                    for index in start..<end { (target.baseAddress! + index).initialize(to: body(source[index])) }
                }
            }
        }
        let result = Array(output)
        output.baseAddress!.deinitialize(count: items.count)
        return result
    }
}
