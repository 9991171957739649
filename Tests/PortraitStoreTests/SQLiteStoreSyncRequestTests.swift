import Foundation
import PortraitStore
import PortraitStoreSQLite
import Testing

/// Requests that a running service sync a connector now: filed, taken by one service, answered or given back.
struct SQLiteStoreSyncRequestTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    @Test func aRequestIsTakenByOneServiceAndAnsweredWithItsRun() async throws {
        let store = try SQLiteStore.inMemory()
        let id = try await store.fileSyncRequest(connector: "crm", full: true, now: now)
        let untaken = try await store.untakenSyncRequests()
        #expect(untaken.map(\.id) == [id])
        #expect(untaken.first?.connector == "crm" && untaken.first?.full == true)

        let first = try await store.takeSyncRequests(ids: [id], holder: "service-a", now: now)
        let second = try await store.takeSyncRequests(ids: [id], holder: "service-b", now: now)
        #expect(first.map(\.takenBy) == ["service-a"])
        #expect(second.isEmpty, "a taken request is not taken again")
        #expect(try await store.untakenSyncRequests().isEmpty)
        #expect(try await !store.withdrawSyncRequest(id: id), "not withdrawn while a service serves it")

        try await store.answerSyncRequests(ids: [id], runID: 42, error: nil, now: now.addingTimeInterval(3))
        let answered = try #require(try await store.syncRequest(id: id))
        #expect(answered.isAnswered && answered.runID == 42 && answered.error == nil)
        #expect(try await store.withdrawSyncRequest(id: id))
        #expect(try await store.syncRequest(id: id) == nil)
    }

    @Test func aReleasedRequestCanBeTakenAgainOrWithdrawn() async throws {
        let store = try SQLiteStore.inMemory()
        let id = try await store.fileSyncRequest(connector: "crm", full: false, now: now)
        _ = try await store.takeSyncRequests(ids: [id], holder: "service-a", now: now)
        try await store.releaseSyncRequests(ids: [id])
        #expect(try await store.syncRequest(id: id)?.takenBy == nil)
        #expect(try await store.untakenSyncRequests().map(\.id) == [id])
        #expect(try await store.withdrawSyncRequest(id: id))
        #expect(try await store.untakenSyncRequests().isEmpty)
    }
}
