import Foundation
import PortraitCore
import PortraitStore
import PortraitStoreSQLite
import Testing

struct SQLiteStoreCommitTests {
    @Test func rerunOfTheSameBatchIsUnchangedAndAChangedRecordIsUpdated() async throws {
        let store = try SQLiteStore.inMemory()
        let batch = CommitBatch(connector: "shop", runID: nil, records: [customer("1"), customer("2")])

        #expect(try await store.commit(batch) == CommitCounts(new: 2))
        #expect(try await store.commit(batch) == CommitCounts(unchanged: 2))

        let changed = CommitBatch(
            connector: "shop", runID: nil, records: [customer("1", email: "new@example.com"), customer("2")]
        )
        #expect(try await store.commit(changed) == CommitCounts(updated: 1, unchanged: 1))
        let records = try await store.allRecords()
        #expect(records.map(\.canonical["email"]) == ["new@example.com", "a@example.com"])
        #expect(records[0].contentHash == customer("1", email: "new@example.com").contentHash)
        #expect(records[0].updatedAt >= records[0].firstSeenAt)
    }

    @Test func aCommitThatWaitsForTheDiskStoresLikeAnyOtherAndLeavesTheConnectionAsItWas() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.file("portrait.db"))
        var durable = CommitBatch(connector: "forms", runID: nil, records: [customer("r-1"), customer("r-2")])
        durable.waitsForDisk = true
        #expect(try await store.commit(durable) == CommitCounts(new: 2))
        #expect(try await store.commit(durable) == CommitCounts(unchanged: 2))
        #expect(try await store.commit(CommitBatch(connector: "forms", runID: nil, records: [customer("r-3")])) == CommitCounts(new: 1))
        #expect(try await store.allRecords().map(\.sourceID) == ["r-1", "r-2", "r-3"])
        // Synchronous NORMAL again on the writer (2 would be FULL): syncs do not pay for one post's fsync.
        #expect(try await store.writerPragmaForTesting("synchronous") == "1")
    }

    @Test func anUnchangedRecordIsNotRewritten() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.commit(CommitBatch(connector: "shop", runID: 1, records: [customer("1")]))
        let before = try await store.allRecords()
        try await Task.sleep(for: .milliseconds(20))
        _ = try await store.commit(CommitBatch(connector: "shop", runID: 2, records: [customer("1")]))
        #expect(try await store.allRecords() == before)
    }

    @Test func checkpointIsSavedWithTheRecords() async throws {
        let store = try SQLiteStore.inMemory()
        let state = ConnectorState(["offset": 42])
        _ = try await store.commit(
            CommitBatch(connector: "shop", runID: nil, records: [customer("1")], checkpoint: state)
        )
        #expect(try await store.checkpoint(connector: "shop") == state)
        #expect(try await store.checkpoint(connector: "other") == nil)

        try await store.resetCheckpoint(connector: "shop")
        #expect(try await store.checkpoint(connector: "shop") == nil)
        #expect(try await store.allRecords().count == 1)
    }

    @Test func aFailingBatchLeavesNeitherRecordsNorCheckpoint() async throws {
        let store = try SQLiteStore.inMemory()
        let first = ConnectorState(["offset": 1])
        _ = try await store.commit(
            CommitBatch(connector: "shop", runID: nil, records: [customer("1")], checkpoint: first)
        )

        // An empty source id violates the records table's CHECK constraint, after two good writes.
        let failing = CommitBatch(
            connector: "shop", runID: nil, records: [customer("2"), customer("1", email: "x@example.com"), customer("")],
            quarantine: [failure("9")], checkpoint: ConnectorState(["offset": 3])
        )
        let message = await portraitErrorMessage { _ = try await store.commit(failing) }
        #expect(message?.contains("connector 'shop'") == true)

        #expect(try await store.checkpoint(connector: "shop") == first)
        let records = try await store.allRecords()
        #expect(records.map(\.sourceID) == ["1"])
        #expect(records[0].canonical["email"] == "a@example.com")
        #expect(try await store.quarantineEntries(connector: nil, limit: 10).isEmpty)
    }

    @Test func aRecordFailingAgainRefreshesItsQuarantineEntry() async throws {
        let store = try SQLiteStore.inMemory()
        let run1 = try await store.startRun(connector: "shop", startedAt: Date())
        let counts = try await store.commit(
            CommitBatch(connector: "shop", runID: run1, quarantine: [failure("7"), failure(nil, location: "line 9")])
        )
        #expect(counts == CommitCounts(quarantined: 2))
        let firstEntries = try await store.quarantineEntries(connector: "shop", limit: 10)

        let run2 = try await store.startRun(connector: "shop", startedAt: Date())
        _ = try await store.commit(
            CommitBatch(
                connector: "shop", runID: run2,
                quarantine: [failure("7", reasons: ["still broken"]), failure(nil, location: "line 9")]
            )
        )
        let entries = try await store.quarantineEntries(connector: "shop", limit: 10)
        #expect(entries.count == 2)
        #expect(entries.map(\.id) == firstEntries.map(\.id))
        #expect(entries.map(\.attempts) == [2, 2])
        #expect(entries[0].reasons == ["still broken"])
        #expect(entries[0].firstSeenAt == firstEntries[0].firstSeenAt)
        #expect(entries[0].lastSeenAt >= firstEntries[0].lastSeenAt)

        // Failing twice within the same run is one attempt.
        _ = try await store.commit(CommitBatch(connector: "shop", runID: run2, quarantine: [failure("7")]))
        #expect(try await store.quarantineEntry(id: entries[0].id)?.attempts == 2)
    }

    @Test func aValidRecordResolvesItsQuarantineEntry() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.commit(
            CommitBatch(connector: "shop", runID: nil, quarantine: [failure("1"), failure(nil, location: "line 9")])
        )
        let entries = try await store.quarantineEntries(connector: nil, limit: 10)
        #expect(entries.count == 2)

        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1")]))
        let remaining = try await store.quarantineEntries(connector: nil, limit: 10)
        #expect(remaining.map(\.sourceID) == [nil])
        #expect(try await store.quarantineEntry(id: entries[0].id) == nil)

        // An entry without a source id goes when a replay names it.
        _ = try await store.commit(
            CommitBatch(connector: "shop", runID: nil, records: [customer("9")], resolvedQuarantine: [remaining[0].id])
        )
        #expect(try await store.quarantineEntries(connector: nil, limit: 10).isEmpty)
    }

    @Test func aDeletionMarksTheRecordDeletedAndCountsInTotals() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1"), customer("2")]))
        let counts = try await store.commit(
            CommitBatch(connector: "shop", runID: nil, records: [customer("2", deleted: true)])
        )
        #expect(counts == CommitCounts(updated: 1))

        let records = try await store.allRecords()
        #expect(records.map(\.isDeleted) == [false, true])
        let totals = try await store.connectorTotals()
        #expect(totals.map(\.connector) == ["shop"])
        #expect(totals.first?.records == 1)
        #expect(totals.first?.deleted == 1)

        var identities: [IdentityRow] = []
        try await store.forEachIdentity { identities.append($0) }
        #expect(identities == [IdentityRow(connector: "shop", stream: "customers", sourceID: "1", profileID: nil)])
    }

    @Test func aLargeBatchCommitsInOneGo() async throws {
        let store = try SQLiteStore.inMemory()
        let records = (0..<5_000).map { customer(String(format: "c%05d", $0)) }
        #expect(try await store.commit(CommitBatch(connector: "shop", runID: nil, records: records)).new == 5_000)
        #expect(try await store.commit(CommitBatch(connector: "shop", runID: nil, records: records)).unchanged == 5_000)
    }
}
