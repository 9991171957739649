import Foundation
import PortraitCore
import PortraitStore
import PortraitStoreSQLite
import Testing

struct SQLiteStoreReadingTests {
    @Test func runsAreNewestFirstAndTotalsCoverEveryConnector() async throws {
        let store = try SQLiteStore.inMemory()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try await store.startRun(connector: "shop", startedAt: start)
        let counts = try await store.commit(CommitBatch(connector: "shop", runID: first, records: [customer("1")]))
        try await store.finishRun(
            first,
            outcome: RunOutcome(
                status: .succeeded, read: 1, counts: counts, warnings: 0, error: nil,
                finishedAt: start.addingTimeInterval(2.5)
            )
        )
        let second = try await store.startRun(connector: "shop", startedAt: start.addingTimeInterval(60))
        try await store.finishRun(
            second,
            outcome: RunOutcome(
                status: .failed, read: 0, counts: CommitCounts(), warnings: 1, error: "source unreachable",
                finishedAt: start.addingTimeInterval(61)
            )
        )
        let other = try await store.startRun(connector: "crm", startedAt: start.addingTimeInterval(120))
        _ = try await store.commit(CommitBatch(connector: "surveys", runID: nil, quarantine: [failure("1")]))

        let runs = try await store.runs(connector: nil, limit: 10)
        #expect(runs.map(\.id) == [other, second, first])
        #expect(runs[0].status == .running)
        #expect(runs[0].finishedAt == nil)
        #expect(runs[1].error == "source unreachable")
        #expect(runs[1].warnings == 1)
        #expect(runs[2].counts == CommitCounts(new: 1))
        #expect(runs[2].read == 1)
        #expect(runs[2].startedAt == start)
        #expect(runs[2].finishedAt == start.addingTimeInterval(2.5))
        #expect(try await store.runs(connector: "shop", limit: 1).map(\.id) == [second])

        let totals = try await store.connectorTotals()
        #expect(totals.map(\.connector) == ["crm", "shop", "surveys"])
        #expect(totals.map(\.records) == [0, 1, 0])
        #expect(totals.map(\.quarantined) == [0, 0, 1])
        #expect(totals.map(\.lastRun?.id) == [other, second, nil])
    }

    @Test func finishingAnUnknownRunIsNotFound() async throws {
        let store = try SQLiteStore.inMemory()
        await #expect(throws: PortraitError.self) {
            try await store.finishRun(
                99,
                outcome: RunOutcome(
                    status: .succeeded, read: 0, counts: CommitCounts(), warnings: 0, error: nil, finishedAt: Date()
                )
            )
        }
    }

    @Test func forEachRecordIsOrderedByConnectorStreamAndSourceID() async throws {
        let store = try SQLiteStore.inMemory()
        // More than one page (500 rows), committed out of order, across connectors and streams.
        var keys: [(String, String, String)] = []
        for connector in ["shop", "crm"] {
            for stream in ["orders", "customers"] {
                for n in 0..<300 { keys.append((connector, stream, String(format: "id-%03d", n))) }
            }
        }
        keys.shuffle()
        for connector in ["shop", "crm"] {
            let records = keys.filter { $0.0 == connector }.map { customer($0.2, stream: $0.1) }
            _ = try await store.commit(CommitBatch(connector: connector, runID: nil, records: records))
        }

        let all = try await store.allRecords()
        let expected = keys.map { "\($0.0)/\($0.1)/\($0.2)" }.sorted()
        #expect(all.map { "\($0.connector)/\($0.stream)/\($0.sourceID)" } == expected)

        let shop = try await store.allRecords(connector: "shop")
        #expect(shop.count == 600)
        #expect(shop.allSatisfy { $0.connector == "shop" })
        #expect(shop.map { "\($0.connector)/\($0.stream)/\($0.sourceID)" } == expected.filter { $0.hasPrefix("shop/") })

        var identities = 0
        try await store.forEachIdentity { _ in identities += 1 }
        #expect(identities == 1_200)
    }

    @Test func storedRecordsKeepTheirContent() async throws {
        let store = try SQLiteStore.inMemory()
        let raw: JSONValue = [
            "total": .number(Decimal(string: "19.99")!), "lines": [["sku": "A"]], "note": "line\n\"quoted\"",
        ]
        let canonical: JSONValue = ["total": .number(Decimal(string: "19.99")!), "currency": "EUR"]
        let record = RecordWrite(
            stream: "orders", sourceID: "o-1", entity: .order, raw: raw, canonical: canonical, location: "orders.json:3")
        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [record]))
        let stored = try #require(try await store.allRecords().first)
        #expect(stored.entity == .order)
        #expect(stored.raw == raw)
        #expect(stored.canonical == canonical)
        #expect(stored.location == "orders.json:3")
        #expect(stored.contentHash == record.contentHash)
        #expect(!stored.isDeleted)
    }
}
