import Foundation
import PortraitCore
import PortraitStore
import PortraitStoreSQLite
import Testing

/// The ingest paths written for speed: stored hashes by JSON array, the clustered records table and its migration.
struct SQLiteStoreIngestTests {
    static let oddIDs = ["1", "007", "1e3", "with \"quotes\"", "back\\slash", "名字", "tab\there", " padded "]

    @Test func storedHashesAreFoundForStoredIdsOnly() async throws {
        let store = try SQLiteStore.inMemory()
        let stored = Self.oddIDs.map { customer($0) }
        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: stored))
        _ = try await store.commit(CommitBatch(connector: "other", runID: nil, records: [customer("missing")]))

        let asked = Self.oddIDs + ["missing", "1.0", "7"]
        let hashes = try await store.contentHashes(connector: "shop", stream: "customers", sourceIDs: asked)
        #expect(hashes == Dictionary(uniqueKeysWithValues: stored.map { ($0.sourceID, $0.contentHash) }))
        #expect(try await store.contentHashes(connector: "shop", stream: "orders", sourceIDs: asked).isEmpty)
    }

    @Test func idsOutsideTheStoredRangeAreNotStoredAndIdsInsideItAreFound() async throws {
        let store = try SQLiteStore.inMemory()
        // Precomposed é (C3 A9) sorts after "f" by bytes; decomposed e + U+0301 sorts before it.
        let stored = ["b", "d", "\u{E9}"].map { customer($0) }
        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: stored))
        let find = { (ids: [String]) in try await store.contentHashes(connector: "shop", stream: "customers", sourceIDs: ids) }
        #expect(try await find(["a", "a0"]).isEmpty)
        #expect(try await find(["e", "f"]).isEmpty)
        #expect(try await find(["c", "e"]).isEmpty)
        #expect(try await find(["a", "c"]).isEmpty)  // "b" lies between them but is not asked for.
        #expect(try await find(["a", "b", "c"]).keys.sorted() == ["b"])
        #expect(try await find(["f", "\u{E9}"]).keys.sorted() == ["\u{E9}"])
        #expect(try await find(["e\u{301}"]).isEmpty)  // Equal to é as Swift text, a different key in the store.
        #expect(try await find(["z", "a"]).isEmpty)  // The range holds every stored key, the ids none.
        #expect(try await find(["z", "b", "a", "d"]).keys.sorted() == ["b", "d"])
    }

    @Test func storedHashesProbeTheKeyIndexPerId() async throws {
        let store = try SQLiteStore.inMemory()
        let plan = try await store.textsForTesting(
            "EXPLAIN QUERY PLAN " + SQLiteStore.storedHashesSQL, arguments: ["shop", "customers", "[\"1\"]"],
            column: 3)
        #expect(
            plan.contains("SEARCH records USING INDEX sqlite_autoindex_records_1 (connector=? AND stream=? AND source_id=?)"),
            "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN records") }, "\(plan)")
    }

    @Test func aValidRecordResolvesItsQuarantineEntryInItsStreamOnly() async throws {
        let store = try SQLiteStore.inMemory()
        var elsewhere = failure("1")
        elsewhere.stream = "leads"
        _ = try await store.commit(
            CommitBatch(connector: "shop", runID: nil, quarantine: [failure("1"), failure("2"), elsewhere]))
        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1")]))
        let left = try await store.quarantineEntries(connector: "shop", limit: 10)
        #expect(left.map { "\($0.stream)/\($0.sourceID ?? "")" }.sorted() == ["customers/2", "leads/1"])
    }

    @Test func aStoreWithTheEarlierRecordsTableIsMigratedWithItsRecords() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        do {
            let store = try SQLiteStore.open(path: path)
            _ = try await store.commit(
                CommitBatch(connector: "shop", runID: 1, records: [customer("1"), customer("2", stream: "leads")]))
            // Put the records table back as the v1 migration made it, and forget the v3 and v4 steps.
            try await store.executeForTesting(
                """
                CREATE TABLE records_v1 AS SELECT * FROM records;
                DROP TABLE records;
                CREATE TABLE records (
                    connector TEXT NOT NULL CHECK (connector <> ''), stream TEXT NOT NULL CHECK (stream <> ''),
                    source_id TEXT NOT NULL CHECK (source_id <> ''), entity TEXT NOT NULL, raw TEXT NOT NULL,
                    canonical TEXT NOT NULL, location TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), content_hash TEXT NOT NULL,
                    profile_id TEXT, first_seen_at REAL NOT NULL, updated_at REAL NOT NULL, run_id INTEGER,
                    PRIMARY KEY (connector, stream, source_id));
                INSERT INTO records SELECT * FROM records_v1;
                DROP TABLE records_v1;
                CREATE INDEX records_by_profile ON records(profile_id);
                CREATE INDEX records_by_entity ON records(entity);
                DELETE FROM grdb_migrations WHERE identifier IN ('v3-records-clustered', 'v4-records-appended');
                """)
            let before = try await store.textsForTesting("SELECT sql FROM sqlite_master WHERE name = 'records'")
            #expect(before.first?.contains("WITHOUT ROWID") == false)
        }

        let migrated = try SQLiteStore.open(path: path)
        let table = try await migrated.textsForTesting("SELECT sql FROM sqlite_master WHERE name = 'records'")
        // v3 clustered the table on its key; v4 appends rows again and keeps the key in a unique index.
        #expect(table.first?.contains("WITHOUT ROWID") == false)
        #expect(table.first?.contains("UNIQUE (connector, stream, source_id)") == true)
        let indexes = try await migrated.textsForTesting(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL")
        #expect(indexes == ["records_by_profile"])
        #expect(try await migrated.allRecords().map { "\($0.stream)/\($0.sourceID)" } == ["customers/1", "leads/2"])
        #expect(try await migrated.commit(CommitBatch(connector: "shop", runID: 2, records: [customer("1")])).unchanged == 1)
    }
}
