import Foundation
import Logging
import PortraitConfig
import PortraitConnectors
import PortraitCore
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import Testing

/// The `csv_drop` connector end to end: drop folder → parse → map → SQLite, with pick-up rules, archive and
/// rejected folders, per-row quarantine, resumption and accounting.
struct CSVDropSyncTests {
    static let receiptsMapping = """
            mapping:
              receipts:
                entity: order
                source_id: receipt_id
                fields:
                  id: receipt_id
                  store_id: store_id
                  placed_at: { from: ts, transform: [{ datetime: { formats: ["yyyy-MM-dd HH:mm:ss"], time_zone: Asia/Shanghai } }] }
                  total: { from: amount, transform: [decimal], required: true }
                  channel: { const: offline }
                  customer.identifiers.member_card: member_card
                  customer.identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
        """

    static func config(
        in directory: URL, options: String = "folder: drop, glob: 'pos_*.csv', stream: receipts, id_field: receipt_id, complete_when: renamed",
        mapping: String = receiptsMapping
    ) throws -> HubConfig {
        let text = """
            connectors:
              - name: pos
                kind: csv_drop
                options: { \(options) }
            \(mapping)
            """
        return try HubConfig.parse(
            text: text, file: directory.appendingPathComponent("portrait.yml"), registry: BuiltInConnectors.registry,
            environment: [:])
    }

    static let header = "Receipt ID,Store ID,TS,Amount,Member Card,Phone,Note"

    static func receipts(_ range: ClosedRange<Int>, amount: String = "10.50") -> [String] {
        range.map { "R\($0),S01,2026-03-14 18:22:05,\(amount),M\($0),13800138000,plain" }
    }

    @discardableResult
    static func drop(_ lines: [String], as name: String, in directory: URL, terminator: String = "\n") throws -> URL {
        let folder = directory.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data((lines.joined(separator: terminator) + terminator).utf8).write(to: url)
        return url
    }

    static func exists(_ path: String, in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path)
    }

    func sync(_ config: HubConfig, store: any Store, batchSize: Int = 3) async throws -> SyncReport {
        let runner = SyncRunner(store: store, registry: BuiltInConnectors.registry, logger: Logger(label: "test"), batchSize: batchSize)
        return try await runner.sync(config.connectors[0], config: config)
    }

    func storedIDs(_ store: any Store) async throws -> [String] {
        var ids: [String] = []
        try await store.forEachRecord(connector: "pos") { ids.append($0.sourceID) }
        return ids.sorted()
    }

    @Test func importsEveryRowAndArchivesTheFileWithPerFileCounts() async throws {
        try await withScratchDirectory { directory in
            try Self.drop([Self.header] + Self.receipts(1...5), as: "pos_1.csv", in: directory)
            try Self.drop([Self.header] + Self.receipts(6...7), as: "pos_2.csv", in: directory, terminator: "\r\n")
            let store = try SQLiteStore.inMemory()
            let report = try await sync(try Self.config(in: directory), store: store)
            #expect(report.status == .succeeded)
            #expect(report.counts == CommitCounts(new: 7))
            #expect(report.isBalanced)
            #expect(report.parts.map(\.name) == ["pos_1.csv", "pos_2.csv"] || report.parts.map(\.name) == ["pos_2.csv", "pos_1.csv"])
            #expect(report.parts.first { $0.name == "pos_1.csv" }?.counts == CommitCounts(new: 5))
            #expect(report.parts.first { $0.name == "pos_2.csv" }?.read == 2)
            #expect(Self.exists("drop/archive/pos_1.csv", in: directory))
            #expect(Self.exists("drop/archive/pos_2.csv", in: directory))
            #expect(!Self.exists("drop/pos_1.csv", in: directory))
            #expect(try await storedIDs(store).count == 7)

            var order: StoredRecord?
            try await store.forEachRecord(connector: "pos") { if $0.sourceID == "R1" { order = $0 } }
            #expect(order?.canonical["total"] == .number(Decimal(string: "10.50")!))
            #expect(order?.canonical["placed_at"] == "2026-03-14T18:22:05+08:00")
            #expect(order?.raw["receipt_id"] == "R1")  // Header "Receipt ID" is matched as receipt_id.
            #expect(order?.canonical["attributes"]?["note"] == "plain")

            let runs = try await store.runs(connector: "pos", limit: 1)
            #expect(runs.first?.parts.first { $0.name == "pos_1.csv" }?.counts.new == 5)
        }
    }

    @Test func filesNotMatchingTheGlobAreNeverTouched() async throws {
        try await withScratchDirectory { directory in
            try Self.drop([Self.header] + Self.receipts(1...2), as: "pos_1.csv", in: directory)
            try Self.drop(["not, ours"], as: "members_1.csv", in: directory)
            try Self.drop(["a log"], as: "notes.txt", in: directory)
            let report = try await sync(try Self.config(in: directory), store: try SQLiteStore.inMemory())
            #expect(report.read == 2)
            #expect(Self.exists("drop/members_1.csv", in: directory))
            #expect(Self.exists("drop/notes.txt", in: directory))
            #expect(report.parts.map(\.name) == ["pos_1.csv"])
        }
    }

    @Test func badRowsGoToQuarantineWithFileLineRawLineAndEveryReason() async throws {
        try await withScratchDirectory { directory in
            let lines = [
                Self.header,
                "R1,S01,2026-03-14 18:22:05,10.50,M1,13800138000,plain",  // line 2
                "R2,S01,2026-03-14 18:22:05,10.50,M2,13800138000,\"a note\nover two lines\"",  // lines 3-4
                "R3,S01,2026-03-14 18:22:05,ten,M3,13800138000,plain",  // line 5: bad amount
                "R4,S01,not a date,,M4,13800138000,plain",  // line 6: bad date, missing amount
                "R5,S01,2026-03-14 18:22:05,10.50",  // line 7: too few fields
                "R6,S01,2026-03-14 18:22:05,10.50,M6,13800138000,plain",  // line 8
            ]
            try Self.drop(lines, as: "pos_1.csv", in: directory)
            let store = try SQLiteStore.inMemory()
            let report = try await sync(try Self.config(in: directory), store: store)
            #expect(report.read == 6)
            #expect(report.counts == CommitCounts(new: 3, quarantined: 3))
            #expect(report.isBalanced)
            #expect(try await storedIDs(store) == ["R1", "R2", "R6"])

            var noted: StoredRecord?
            try await store.forEachRecord(connector: "pos") { if $0.sourceID == "R2" { noted = $0 } }
            #expect(noted?.raw["note"] == "a note\nover two lines")

            let entries = try await store.quarantineEntries(connector: "pos", limit: 10)
            let byLocation = Dictionary(uniqueKeysWithValues: entries.map { ($0.location, $0) })
            #expect(Set(byLocation.keys) == ["drop/pos_1.csv:5", "drop/pos_1.csv:6", "drop/pos_1.csv:7"])
            #expect(byLocation["drop/pos_1.csv:5"]?.reasons.contains { $0.hasPrefix("total:") } == true)
            #expect(byLocation["drop/pos_1.csv:5"]?.sourceText == lines[3])
            let both = byLocation["drop/pos_1.csv:6"]?.reasons ?? []
            #expect(both.contains { $0.hasPrefix("placed_at:") } && both.contains { $0.hasPrefix("total:") })
            #expect(byLocation["drop/pos_1.csv:7"]?.reasons.first?.contains("has 4 fields but the header has 7") == true)
            #expect(byLocation["drop/pos_1.csv:7"]?.sourceText == lines[5])
        }
    }

    @Test func partialFilesAreNotPickedUp() async throws {
        try await withScratchDirectory { directory in
            try Self.drop([Self.header] + Self.receipts(1...2), as: "pos_1.csv", in: directory)
            let store = try SQLiteStore.inMemory()
            // Just written: not stable for an hour yet.
            let stable = try Self.config(in: directory, options: "folder: drop, glob: 'pos_*.csv', stream: receipts, stable_seconds: 3600")
            let waiting = try await sync(stable, store: store)
            #expect(waiting.read == 0)
            #expect(waiting.parts.first?.note?.contains("waiting") == true)
            #expect(Self.exists("drop/pos_1.csv", in: directory))

            // With markers: only once pos_1.csv.done exists.
            let marked = try Self.config(in: directory, options: "folder: drop, glob: 'pos_*.csv', stream: receipts, complete_when: done_marker")
            #expect(try await sync(marked, store: store).read == 0)
            try Data().write(to: directory.appendingPathComponent("drop/pos_1.csv.done"))
            let taken = try await sync(marked, store: store)
            #expect(taken.read == 2)
            #expect(Self.exists("drop/archive/pos_1.csv", in: directory))
            #expect(Self.exists("drop/archive/pos_1.csv.done", in: directory))
            #expect(!Self.exists("drop/pos_1.csv.done", in: directory))
        }
    }

    @Test func anIdenticalFileDroppedAgainIsSkippedAndANewVersionIsImported() async throws {
        try await withScratchDirectory { directory in
            let store = try SQLiteStore.inMemory()
            let config = try Self.config(in: directory)
            try Self.drop([Self.header] + Self.receipts(1...3), as: "pos_1.csv", in: directory)
            #expect(try await sync(config, store: store).counts.new == 3)

            try Self.drop([Self.header] + Self.receipts(1...3), as: "pos_1.csv", in: directory)
            try Self.drop([Self.header] + Self.receipts(1...3), as: "pos_copy.csv", in: directory)
            let again = try await sync(config, store: store)
            #expect(again.read == 0)
            #expect(again.parts.count == 2)
            let notes = again.parts.compactMap(\.note).sorted()
            #expect(notes.count == 2)
            #expect(notes.first?.hasPrefix("already imported at") == true)  // pos_1.csv itself.
            #expect(notes.last?.hasPrefix("skipped: identical to pos_1.csv imported at") == true)  // pos_copy.csv.
            #expect(!Self.exists("drop/pos_copy.csv", in: directory))

            // Same name, different content: a new version; unchanged rows are recognised as such.
            try Self.drop([Self.header] + Self.receipts(1...2) + Self.receipts(3...4, amount: "99.00"), as: "pos_1.csv", in: directory)
            let version = try await sync(config, store: store)
            #expect(version.counts == CommitCounts(new: 1, updated: 1, unchanged: 2))
            let archived = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("drop/archive").path)
            #expect(archived.filter { $0.hasPrefix("pos_1") }.count == 3)  // No archived version is overwritten.
        }
    }

    @Test func aFileThatCannotBeReadGoesToRejectedWithAReason() async throws {
        try await withScratchDirectory { directory in
            try Self.drop(["Receipt ID,Amount,receipt_id", "R1,1,R1"], as: "pos_dup.csv", in: directory)
            try Data().write(to: directory.appendingPathComponent("drop/pos_empty.csv"))
            try Self.drop(["Store,Amount", "S1,1"], as: "pos_noid.csv", in: directory)
            let report = try await sync(try Self.config(in: directory), store: try SQLiteStore.inMemory())
            #expect(report.status == .succeeded)
            #expect(report.parts.count == 3)
            #expect(report.parts.allSatisfy { $0.note?.hasPrefix("rejected:") == true })
            for name in ["pos_dup.csv", "pos_empty.csv", "pos_noid.csv"] {
                #expect(Self.exists("drop/rejected/\(name)", in: directory))
                #expect(Self.exists("drop/rejected/\(name).reason", in: directory))
            }
            let reason = try String(contentsOf: directory.appendingPathComponent("drop/rejected/pos_noid.csv.reason"), encoding: .utf8)
            #expect(reason.contains("'receipt_id'"))
        }
    }

    /// A store that fails the commit after `failAfter` successful ones, like a crash between parse and commit;
    /// it also counts content-hash look-ups.
    final class CrashingStore: Store, @unchecked Sendable {
        let base: SQLiteStore
        let failAfter: Int
        private var commits = 0
        private var lookups = 0
        private let lock = NSLock()

        var contentHashLookups: Int { lock.withLock { lookups } }

        init(_ base: SQLiteStore, failAfter: Int) {
            self.base = base
            self.failAfter = failAfter
        }

        struct Crash: Error {}

        func commit(_ batch: CommitBatch) async throws -> CommitCounts {
            let attempt = lock.withLock { commits += 1; return commits }
            if attempt > failAfter { throw Crash() }
            return try await base.commit(batch)
        }
        func startRun(connector: String, startedAt: Date) async throws -> Int64 { try await base.startRun(connector: connector, startedAt: startedAt) }
        func finishRun(_ runID: Int64, outcome: RunOutcome) async throws { try await base.finishRun(runID, outcome: outcome) }
        func checkpoint(connector: String) async throws -> ConnectorState? { try await base.checkpoint(connector: connector) }
        func resetCheckpoint(connector: String) async throws { try await base.resetCheckpoint(connector: connector) }
        func runs(connector: String?, limit: Int) async throws -> [RunRecord] { try await base.runs(connector: connector, limit: limit) }
        func connectorTotals() async throws -> [ConnectorTotals] { try await base.connectorTotals() }
        func quarantineEntries(connector: String?, limit: Int) async throws -> [QuarantineEntry] { try await base.quarantineEntries(connector: connector, limit: limit) }
        func quarantineEntry(id: Int64) async throws -> QuarantineEntry? { try await base.quarantineEntry(id: id) }
        func forEachRecord(connector: String?, _ body: (StoredRecord) throws -> Void) async throws { try await base.forEachRecord(connector: connector, body) }
        func forEachIdentity(_ body: (IdentityRow) throws -> Void) async throws { try await base.forEachIdentity(body) }
        func contentHashes(connector: String, stream: String, sourceIDs: [String]) async throws -> [String: String] {
            lock.withLock { lookups += 1 }
            return try await base.contentHashes(connector: connector, stream: stream, sourceIDs: sourceIDs)
        }
        func hasRecords(connector: String, stream: String) async throws -> Bool {
            try await base.hasRecords(connector: connector, stream: stream)
        }
        func acquireLease(_ name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
            try await base.acquireLease(name, holder: holder, ttl: ttl, now: now)
        }
        func releaseLease(_ name: String, holder: String) async throws {
            try await base.releaseLease(name, holder: holder)
        }
        func leaseHolder(_ name: String) async throws -> String? { try await base.leaseHolder(name) }
        func fileSyncRequest(connector: String, full: Bool, now: Date) async throws -> Int64 {
            try await base.fileSyncRequest(connector: connector, full: full, now: now)
        }
        func untakenSyncRequests() async throws -> [SyncRequest] { try await base.untakenSyncRequests() }
        func takeSyncRequests(ids: [Int64], holder: String, now: Date) async throws -> [SyncRequest] {
            try await base.takeSyncRequests(ids: ids, holder: holder, now: now)
        }
        func answerSyncRequests(ids: [Int64], runID: Int64?, error: String?, now: Date) async throws {
            try await base.answerSyncRequests(ids: ids, runID: runID, error: error, now: now)
        }
        func releaseSyncRequests(ids: [Int64]) async throws { try await base.releaseSyncRequests(ids: ids) }
        func syncRequest(id: Int64) async throws -> SyncRequest? { try await base.syncRequest(id: id) }
        func withdrawSyncRequest(id: Int64) async throws -> Bool { try await base.withdrawSyncRequest(id: id) }
    }

    @Test(arguments: [0, 1, 2, 4])
    func aCrashBetweenParseAndCommitImportsEachRowOnceOnRerun(failAfter: Int) async throws {
        try await withScratchDirectory { directory in
            try Self.drop([Self.header] + Self.receipts(1...10), as: "pos_1.csv", in: directory)
            try Self.drop([Self.header] + Self.receipts(11...14), as: "pos_2.csv", in: directory)
            let config = try Self.config(
                in: directory,
                options: "folder: drop, glob: 'pos_*.csv', stream: receipts, id_field: receipt_id, complete_when: renamed, checkpoint_rows: 3")
            let base = try SQLiteStore.inMemory()
            let crashed = try await sync(config, store: CrashingStore(base, failAfter: failAfter), batchSize: 2)
            #expect(crashed.status == .failed)
            #expect(Self.exists("drop/pos_2.csv", in: directory))  // Not archived: its rows are not all committed.

            let rerun = try await sync(config, store: base, batchSize: 2)
            #expect(rerun.status == .succeeded)
            #expect(try await storedIDs(base).count == 14)
            // Nothing read twice into the store as new: the rerun's new rows plus the first run's committed rows.
            var firstRunNew = 0
            for run in try await base.runs(connector: "pos", limit: 2) where run.id != rerun.runID {
                firstRunNew = run.counts.new
            }
            #expect(firstRunNew + rerun.counts.new == 14)
            #expect(rerun.counts.updated == 0)
            #expect(!Self.exists("drop/pos_1.csv", in: directory) && !Self.exists("drop/pos_2.csv", in: directory))
        }
    }

    @Test func aReimportOfTheSameRowsIsAllUnchanged() async throws {
        try await withScratchDirectory { directory in
            let store = try SQLiteStore.inMemory()
            let config = try Self.config(in: directory)
            try Self.drop([Self.header] + Self.receipts(1...6), as: "pos_1.csv", in: directory)
            _ = try await sync(config, store: store)
            // The same rows under another name and order: not a duplicate file, but every row is unchanged.
            try Self.drop([Self.header] + Self.receipts(1...6).reversed(), as: "pos_2.csv", in: directory)
            let report = try await sync(config, store: store)
            #expect(report.counts == CommitCounts(unchanged: 6))
            #expect(report.isBalanced)
        }
    }
}
