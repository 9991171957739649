import Dispatch
import Foundation

/// `map` over every core, for steps that are independent and a million long: the per-observation steps of a resolve
/// from scratch (parse, extract, prepare), the per-profile computation of a rebuild.
public enum Parallel {
    public static func map<T: Sendable, U>(_ items: [T], _ transform: (T) -> U) -> [U] {
        // Many chunks per core, so that a core that drew cheap items takes more instead of idling at the end.
        let chunks = items.count < 2_000 ? 1 : min(items.count / 250, ProcessInfo.processInfo.activeProcessorCount * 16)
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
