import Foundation
import PortraitCore
import Synchronization
import Testing

@Suite("Parallel.map: every core, results in order")
struct ParallelTests {
    @Test("a long map keeps the order of its items", arguments: [0, 1, 1_999, 2_000, 100_003])
    func keepsOrder(count: Int) {
        let items = Array(0..<count)
        #expect(Parallel.map(items) { $0 * 3 } == items.map { $0 * 3 })
    }

    @Test("a few heavy items, one chunk each, run on more than one thread when the machine has cores to spare")
    func fewHeavyItems() {
        let threads = Mutex(Set<String>())
        let items = Array(0..<8)
        let result = Parallel.map(items, itemsPerChunk: 1) { item -> Int in
            threads.withLock { _ = $0.insert("\(Unmanaged.passUnretained(Thread.current).toOpaque())") }
            Thread.sleep(forTimeInterval: 0.02)  // long enough that one thread cannot take every item alone
            return item + 1
        }
        #expect(result == items.map { $0 + 1 })
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            #expect(threads.withLock { $0.count } > 1)
        }
    }
}
