import Dispatch
import Foundation

/// `map` over every core, for steps that are independent and a million long: the per-observation steps of a resolve
/// from scratch (parse, extract, prepare), the per-profile computation of a rebuild.
///
/// The work runs on threads of its own, not on Dispatch's shared pool: `concurrentPerform` there took every pool
/// thread for as long as a batch computed, and the store's reads and writes (GRDB schedules them on Dispatch
/// queues) waited that long to start, so a rebuild read and wrote in the gaps between batches instead of alongside
/// them (measured: half a second's wait per store read).
public enum Parallel {
    /// Runs blocking work (a `map` over every core) on a thread of its own and suspends until it is done, so that
    /// it holds none of the threads Swift concurrency runs tasks on.
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.start()
        }
    }

    /// The transform escapes to the helper threads (which are joined before this returns), so it is `@escaping`;
    /// it must be safe to call from several threads at once.
    ///
    /// - Parameter itemsPerChunk: The fewest items worth a chunk of their own (a thread's turn): the default suits
    ///   items of microseconds; give 1 for a few heavy items (one blocking rule's pairs each).
    public static func map<T: Sendable, U>(
        _ items: [T], itemsPerChunk: Int = 250, _ transform: @escaping (T) -> U
    ) -> [U] {
        // Many chunks per core, so that a core that drew cheap items takes more instead of idling at the end.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = min(items.count / max(itemsPerChunk, 1), cores * 16)
        if chunks <= 1 || cores == 1 { return items.map(transform) }
        let output = UnsafeMutableBufferPointer<U>.allocate(capacity: items.count)
        defer { output.deallocate() }
        nonisolated(unsafe) let target = output
        nonisolated(unsafe) let body = transform
        items.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let source = buffer
            let claims = ChunkClaims(count: chunks)
            @Sendable func work() {
                while let chunk = claims.next() {
                    let start = source.count * chunk / chunks
                    let end = source.count * (chunk + 1) / chunks
                    for index in start..<end { (target.baseAddress! + index).initialize(to: body(source[index])) }
                }
            }
            // The calling thread works too; the others are joined before the buffers go away.
            let helpers = min(cores, chunks) - 1
            let done = DispatchSemaphore(value: 0)
            for _ in 0..<helpers {
                Thread {
                    work()
                    done.signal()
                }.start()
            }
            work()
            for _ in 0..<helpers { done.wait() }
        }
        let result = Array(output)
        output.baseAddress!.deinitialize(count: items.count)
        return result
    }
}

/// Hands out chunk numbers 0..<count, each once, to whichever thread asks next.
private final class ChunkClaims: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard claimed < count else { return nil }
        claimed += 1
        return claimed - 1
    }
}
