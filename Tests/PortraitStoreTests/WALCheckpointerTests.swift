import Foundation
import PortraitCore
import PortraitStore
@testable import PortraitStoreSQLite
import Testing

struct WALCheckpointerTests {
    /// Size of a file, 0 when it does not exist.
    private func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
    }

    @Test func theLogIsCopiedIntoTheDatabaseAndStartsOverWhileTheWriterGoesOn() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        let log = directory.file("portrait.db-wal")
        var configuration = SQLiteStore.Configuration()
        configuration.checkpoints = .init(stepBytes: 16 * 4_096, restartBytes: 64 * 4_096, tailBytes: 16 * 4_096)
        let store = try SQLiteStore.open(path: path, configuration: configuration)
        let padding = String(repeating: "x", count: 400)
        var largestLog = 0
        for batch in 0..<60 {
            let records = (0..<40).map { customer("\(batch)-\($0)", email: "\(padding)\(batch)-\($0)@example.com") }
            _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: records))
            largestLog = max(largestLog, size(log))
        }
        // About 2,400 records of 1 KiB: some 2.4 MiB written. Without checkpoints the log would hold it all; it
        // starts over once past 256 KiB, and never holds more than twice that plus a batch (40 KiB and its index
        // pages), with a frame header per page.
        #expect(largestLog > 0)
        #expect(largestLog <= (2 * 64 + 40) * (4_096 + 24))
        #expect(size(path) >= 300 * 4_096)
        #expect(try await store.allRecords().count == 2_400)
    }

    @Test func aReopenedStoreFindsEverythingTheCheckpointsCopied() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        var configuration = SQLiteStore.Configuration()
        configuration.checkpoints = .init(stepBytes: 8 * 4_096, restartBytes: 32 * 4_096, tailBytes: 8 * 4_096)
        do {
            let store = try SQLiteStore.open(path: path, configuration: configuration)
            for batch in 0..<30 {
                let records = (0..<20).map { customer("\(batch)-\($0)", email: "c\(batch)-\($0)@example.com") }
                _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: records))
            }
        }
        let reopened = try SQLiteStore.open(path: path, createIfMissing: false)
        let records = try await reopened.allRecords()
        #expect(records.count == 600)
        #expect(Set(records.map(\.sourceID)).count == 600)
    }
}
