import Foundation
import PortraitStore
import PortraitStoreSQLite
import Testing

/// Leases on one SQLite file opened twice, as two `portrait run` processes would.
struct SchedulerLeaseTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func withTwoStores(_ body: (SQLiteStore, SQLiteStore) async throws -> Void) async throws {
        try await withScratchDirectory { directory in
            let path = directory.appendingPathComponent("portrait.db")
            let first = try SQLiteStore.open(path: path)
            let second = try SQLiteStore.open(path: path)
            try await body(first, second)
        }
    }

    @Test func twoHoldersRacingForALeaseOnlyOneWins() async throws {
        try await Self.withTwoStores { (first: SQLiteStore, second: SQLiteStore) async throws in
            for round in 0..<25 {
                let name = "sync:crm-\(round)"
                async let a = first.acquireLease(name, holder: "a", ttl: .seconds(600), now: Self.start)
                async let b = second.acquireLease(name, holder: "b", ttl: .seconds(600), now: Self.start)
                let wins = try await [a, b].filter { $0 }.count
                #expect(wins == 1, "round \(round)")
            }
        }
    }

    @Test func anExpiredLeaseGoesToTheNextHolder() async throws {
        try await Self.withTwoStores { (first: SQLiteStore, second: SQLiteStore) async throws in
            #expect(try await first.acquireLease("sync:crm", holder: "a", ttl: .seconds(600), now: Self.start))
            let almost = Self.start.addingTimeInterval(599)
            #expect(try await !second.acquireLease("sync:crm", holder: "b", ttl: .seconds(600), now: almost))
            let expired = Self.start.addingTimeInterval(600)
            #expect(try await second.acquireLease("sync:crm", holder: "b", ttl: .seconds(600), now: expired))
            #expect(try await !first.acquireLease("sync:crm", holder: "a", ttl: .seconds(600), now: expired))
        }
    }

    @Test func theHolderRenewsItsLease() async throws {
        try await Self.withTwoStores { (first: SQLiteStore, second: SQLiteStore) async throws in
            #expect(try await first.acquireLease("sync:crm", holder: "a", ttl: .seconds(600), now: Self.start))
            let renewal = Self.start.addingTimeInterval(500)
            #expect(try await first.acquireLease("sync:crm", holder: "a", ttl: .seconds(600), now: renewal))
            // Past the first expiry, but the renewal holds until 1,100 s.
            let later = Self.start.addingTimeInterval(900)
            #expect(try await !second.acquireLease("sync:crm", holder: "b", ttl: .seconds(600), now: later))
            #expect(
                try await second.acquireLease(
                    "sync:crm", holder: "b", ttl: .seconds(600), now: Self.start.addingTimeInterval(1_100)))
        }
    }

    @Test func onlyTheHolderReleasesALease() async throws {
        try await Self.withTwoStores { (first: SQLiteStore, second: SQLiteStore) async throws in
            #expect(try await first.acquireLease("sync:crm", holder: "a", ttl: .seconds(600), now: Self.start))
            try await second.releaseLease("sync:crm", holder: "b")
            #expect(try await !second.acquireLease("sync:crm", holder: "b", ttl: .seconds(600), now: Self.start))
            try await first.releaseLease("sync:crm", holder: "a")
            #expect(try await second.acquireLease("sync:crm", holder: "b", ttl: .seconds(600), now: Self.start))
            // Other leases are separate.
            #expect(try await first.acquireLease("sync:shop", holder: "a", ttl: .seconds(600), now: Self.start))
        }
    }
}
