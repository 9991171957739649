import Foundation
import Logging
import PortraitConfig
import PortraitConnectors
import PortraitCore
import PortraitService
import PortraitStore
import PortraitStoreSQLite

import Testing

/// Sync accounting, effectively-once re-runs, resumption from checkpoints and quarantine, through the real
/// JSONL connector, mapping and SQLite store.
struct SyncRunnerTests {
    static let mapping = """
            mapping:
              contacts:
                entity: customer
                fields:
                  identifiers.crm_id: id
                  identifiers.email: { from: email, transform: [email] }
                  name: { from: name, transform: [split_name] }
        """

    static func config(in directory: URL, mapping: String = mapping, registry: ConnectorRegistry = BuiltInConnectors.registry) throws -> HubConfig {
        let text = """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: contacts.jsonl }
            \(mapping)
            """
        return try HubConfig.parse(
            text: text, file: directory.appendingPathComponent("portrait.yml"), registry: registry, environment: [:])
    }

    /// A config with one connector of a test `kind` (named as its kind) mapping every stream's `id` to a CRM id.
    static func config<Source: Connector>(of kind: Source.Type, in directory: URL) throws -> (HubConfig, ConnectorRegistry) {
        var registry = BuiltInConnectors.registry
        registry.register(kind)
        let text = """
            connectors:
              - name: \(kind.kind)
                kind: \(kind.kind)
                mapping:
                  "*":
                    entity: customer
                    fields:
                      identifiers.crm_id: id
            """
        let config = try HubConfig.parse(
            text: text, file: directory.appendingPathComponent("portrait.yml"), registry: registry, environment: [:])
        return (config, registry)
    }

    static func write(_ lines: [String], to directory: URL, file: String = "contacts.jsonl") throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent(file))
    }

    static let contacts = [
        #"{"id":"1","email":"Ana@Example.com","name":"Ana Garcia","source":"webinar"}"#,
        #"{"id":"2","email":"wang@example.cn","name":"王小明"}"#,
        #"{"id":"3","email":"not an email","name":"Bad Email"}"#,
        #"{"id":"4","email":"j@example.com""#,
    ]

    func sync(_ config: HubConfig, store: any Store, registry: ConnectorRegistry = BuiltInConnectors.registry) async throws -> SyncReport {
        let runner = SyncRunner(store: store, registry: registry, logger: Logger(label: "test"), batchSize: 2)
        return try await runner.sync(config.connectors[0], config: config)
    }

    @Test func everyRecordReadIsAccountedForExactlyOnce() async throws {
        try await withScratchDirectory { directory in
            try Self.write(Self.contacts, to: directory)
            let config = try Self.config(in: directory)
            let store = try SQLiteStore.inMemory()
            let report = try await sync(config, store: store)
            #expect(report.status == .succeeded)
            #expect(report.read == 4)
            #expect(report.counts == CommitCounts(new: 2, updated: 0, unchanged: 0, quarantined: 2))
            #expect(report.isBalanced)

            let quarantined = try await store.quarantineEntries(connector: "crm", limit: 10)
            #expect(quarantined.map(\.location).sorted() == ["contacts.jsonl:3", "contacts.jsonl:4"])
            #expect(quarantined.first { $0.location.hasSuffix(":3") }?.reasons.contains { $0.contains("email") } == true)
        }
    }

    @Test func unmappedFieldsAreKeptAsAttributesAndRawIsKeptBeside() async throws {
        try await withScratchDirectory { directory in
            try Self.write(Array(Self.contacts.prefix(1)), to: directory)
            let store = try SQLiteStore.inMemory()
            _ = try await sync(try Self.config(in: directory), store: store)
            var records: [StoredRecord] = []
            try await store.forEachRecord(connector: nil) { records.append($0) }
            #expect(records.count == 1)
            #expect(records.first?.canonical["attributes"]?["source"] == "webinar")
            #expect(records.first?.raw["email"] == "Ana@Example.com")
            #expect(records.first?.canonical["identifiers"]?.arrayValue?.contains(["type": "email", "value": "ana@example.com"]) == true)
        }
    }

    @Test func aFirstImportSkipsHashLookUpsAndStillCountsARepeatedIdOnce() async throws {
        try await withScratchDirectory { directory in
            let repeated = [Self.contacts[0], Self.contacts[1], Self.contacts[0], #"{"id":"5","email":"e@example.com"}"#]
            try Self.write(repeated, to: directory)
            let config = try Self.config(in: directory)
            let store = CSVDropSyncTests.CrashingStore(try SQLiteStore.inMemory(), failAfter: .max)
            let first = try await sync(config, store: store)
            #expect(first.counts == CommitCounts(new: 3, updated: 0, unchanged: 1, quarantined: 0))
            #expect(store.contentHashLookups == 0, "the stream was empty when the run began")

            try await store.resetCheckpoint(connector: "crm")
            let again = try await sync(config, store: store)
            #expect(again.counts == CommitCounts(new: 0, updated: 0, unchanged: 4, quarantined: 0))
            #expect(store.contentHashLookups > 0)
        }
    }

    @Test func rerunFromTheStartChangesNothing() async throws {
        try await withScratchDirectory { directory in
            try Self.write(Self.contacts, to: directory)
            let config = try Self.config(in: directory)
            let store = try SQLiteStore.inMemory()
            _ = try await sync(config, store: store)
            try await store.resetCheckpoint(connector: "crm")
            let again = try await sync(config, store: store)
            #expect(again.counts == CommitCounts(new: 0, updated: 0, unchanged: 2, quarantined: 2))
            #expect(try await store.quarantineEntries(connector: nil, limit: 10).count == 2)
            #expect(try await store.connectorTotals().first?.records == 2)
        }
    }

    @Test func changedRecordIsUpdatedAndAppendedOneIsNewWhenResuming() async throws {
        try await withScratchDirectory { directory in
            try Self.write(Array(Self.contacts.prefix(2)), to: directory)
            let config = try Self.config(in: directory)
            let store = try SQLiteStore.inMemory()
            _ = try await sync(config, store: store)

            // Appended line: resuming from the checkpoint reads only it.
            try Self.write(Array(Self.contacts.prefix(2)) + [#"{"id":"5","email":"new@example.com"}"#], to: directory)
            let resumed = try await sync(config, store: store)
            #expect(resumed.read == 1)
            #expect(resumed.counts.new == 1)

            // A changed record, read from the start: one update, the rest unchanged.
            try Self.write(
                [#"{"id":"1","email":"ana.new@example.com","name":"Ana Garcia","source":"webinar"}"#, Self.contacts[1],
                 #"{"id":"5","email":"new@example.com"}"#], to: directory)
            try await store.resetCheckpoint(connector: "crm")
            let changed = try await sync(config, store: store)
            #expect(changed.counts == CommitCounts(new: 0, updated: 1, unchanged: 2, quarantined: 0))
        }
    }

    @Test func streamWithoutMappingIsQuarantinedWithTheFix() async throws {
        try await withScratchDirectory { directory in
            try Self.write(Array(Self.contacts.prefix(2)), to: directory)
            let config = try Self.config(in: directory, mapping: "")
            let store = try SQLiteStore.inMemory()
            let report = try await sync(config, store: store)
            #expect(report.counts.quarantined == 2)
            let entry = try #require(try await store.quarantineEntries(connector: "crm", limit: 1).first)
            #expect(entry.reasons.first?.contains("no mapping for stream 'contacts'") == true)
        }
    }

    @Test func quarantineReplayStoresRecordsOnceTheMappingIsFixed() async throws {
        try await withScratchDirectory { directory in
            try Self.write(Array(Self.contacts.prefix(2)), to: directory)
            let store = try SQLiteStore.inMemory()
            let broken = try Self.config(in: directory, mapping: "")
            _ = try await sync(broken, store: store)
            #expect(try await store.quarantineEntries(connector: nil, limit: 10).count == 2)

            let fixed = try Self.config(in: directory)
            let outcome = try await QuarantineReplayer(store: store).replay(ids: [], connector: nil, config: fixed)
            #expect(outcome.stored == 2)
            #expect(outcome.stillFailing == 0)
            #expect(try await store.quarantineEntries(connector: nil, limit: 10).isEmpty)
            #expect(try await store.connectorTotals().first?.records == 2)
        }
    }

    @Test func failedRunKeepsRecordsUpToItsCheckpointAndResumesWithoutDuplicates() async throws {
        try await withScratchDirectory { directory in
            let (config, registry) = try Self.config(of: FlakyConnector.self, in: directory)
            let store = try SQLiteStore.inMemory()

            FlakyConnector.failAfter.withLock { $0 = 5 }
            let failed = try await sync(config, store: store, registry: registry)
            #expect(failed.status == .failed)
            #expect(failed.error?.contains("source went away") == true)
            #expect(try await store.checkpoint(connector: "flaky")?.value["next"] == 4)

            FlakyConnector.failAfter.withLock { $0 = nil }
            let resumed = try await sync(config, store: store, registry: registry)
            #expect(resumed.status == .succeeded)
            #expect(resumed.read == 6)  // records 4...9, from the last checkpoint
            #expect(resumed.counts.new + resumed.counts.unchanged == 6)
            #expect(try await store.connectorTotals().first?.records == 10)
            let runs = try await store.runs(connector: "flaky", limit: 10)
            #expect(runs.map(\.status) == [.succeeded, .failed])
        }
    }

    @Test("checkpoints the connector does not wait for are committed with their records, in order, and a stop still ends at one")
    func checkpointsWithoutWaiting() async throws {
        try await withScratchDirectory { directory in
            let (config, registry) = try Self.config(of: PassingCheckpointConnector.self, in: directory)
            let store = try SQLiteStore.inMemory()
            let runner = SyncRunner(store: store, registry: registry, logger: Logger(label: "test"), batchSize: 3)

            PassingCheckpointConnector.failAfter.withLock { $0 = 7 }
            let failed = try await runner.sync(config.connectors[0], config: config)
            #expect(failed.status == .failed)
            #expect(try await store.checkpoint(connector: "passing")?.value["next"] == 6, "the last checkpoint before the failure")
            #expect(try await store.connectorTotals().first?.records ?? 0 >= 6)

            PassingCheckpointConnector.failAfter.withLock { $0 = nil }
            let stop = SyncStop()
            stop.request()
            let stopped = try await runner.sync(config.connectors[0], config: config, stop: stop)
            #expect(stopped.status == .stopped, "a stop request makes the next checkpoint one that is waited for")
            #expect(try await store.checkpoint(connector: "passing")?.value["next"] == 8)

            let resumed = try await runner.sync(config.connectors[0], config: config)
            #expect(resumed.status == .succeeded && resumed.read == 2)
            #expect(try await store.checkpoint(connector: "passing")?.value["next"] == 10)
            #expect(try await store.connectorTotals().first?.records == 10)
        }
    }

    @Test func aRequestedStopEndsTheRunAtItsNextCheckpointAndTheNextRunResumesThere() async throws {
        try await withScratchDirectory { directory in
            // 2,500 lines: the JSONL connector checkpoints every 1,000.
            try Self.write((1...2_500).map { #"{"id":"\#($0)","email":"p\#($0)@example.com"}"# }, to: directory)
            let config = try Self.config(in: directory)
            let store = try SQLiteStore.inMemory()
            let runner = SyncRunner(store: store, registry: BuiltInConnectors.registry, logger: Logger(label: "test"))
            let stop = SyncStop()
            stop.request()
            let stopped = try await runner.sync(config.connectors[0], config: config, stop: stop)
            #expect(stopped.status == .stopped)
            #expect(stopped.error?.contains("stopped at a checkpoint") == true, "\(stopped.error ?? "")")
            #expect(stopped.read == 1_000 && stopped.counts.new == 1_000, "ended at the first checkpoint")
            #expect(stopped.isBalanced)
            #expect(try await store.checkpoint(connector: "crm")?.value["line"] == 1_000)

            let resumed = try await runner.sync(config.connectors[0], config: config)
            #expect(resumed.status == .succeeded)
            #expect(resumed.read == 1_500 && resumed.counts.new == 1_500 && resumed.isBalanced)
            #expect(try await store.connectorTotals().first?.records == 2_500)
        }
    }

    @Test func deletionsAreRecordedNotIgnored() async throws {
        try await withScratchDirectory { directory in
            try Self.write([#"{"id":"1","email":"a@example.com","archived":true}"#], to: directory)
            let text = """
                connectors:
                  - name: crm
                    kind: jsonl
                    options: { path: contacts.jsonl, deleted_field: archived }
                \(Self.mapping)
                """
            let config = try HubConfig.parse(
                text: text, file: directory.appendingPathComponent("portrait.yml"), registry: BuiltInConnectors.registry,
                environment: [:])
            let store = try SQLiteStore.inMemory()
            _ = try await sync(config, store: store)
            let totals = try #require(try await store.connectorTotals().first)
            #expect(totals.deleted == 1)
        }
    }
}

import Synchronization

/// Ten records with a checkpoint every two; fails after `failAfter` records when set.
protocol TenRecordSource: Connector {
    static var failAfter: Mutex<Int?> { get }
    /// Whether the connector waits for its checkpoints (`checkpoint`) or not (`checkpointWithoutWaiting`).
    static var waitsForCheckpoints: Bool { get }
}

extension TenRecordSource {
    static var configSpec: JSONValue { ["type": "object"] }
    func check() async throws {}
    func discover() async throws -> [StreamDescription] { [] }

    func read(from state: ConnectorState?, into output: ConnectorOutput) async throws {
        let start = state?.value["next"]?.intValue ?? 0
        let limit = Self.failAfter.withLock { $0 }
        for index in start..<10 {
            if let limit, index >= limit { throw PortraitError.connector("source went away at record \(index)") }
            try await output.record(SourceRecord(stream: "items", sourceID: "\(index)", fields: ["id": .string("\(index)")], location: "item \(index)"))
            guard index % 2 == 1 else { continue }
            let state = ConnectorState(["next": .number(index + 1)])
            if Self.waitsForCheckpoints {
                try await output.checkpoint(state)
            } else {
                try await output.checkpointWithoutWaiting(state)
            }
        }
    }
}

struct FlakyConnector: TenRecordSource {
    static let kind = "flaky"
    static let summary = "test source that fails on demand"
    static let failAfter = Mutex<Int?>(nil)
    static let waitsForCheckpoints = true
    init(context: ConnectorContext) throws {}
}

struct PassingCheckpointConnector: TenRecordSource {
    static let kind = "passing"
    static let summary = "test source whose checkpoints are not waited for"
    static let failAfter = Mutex<Int?>(nil)
    static let waitsForCheckpoints = false
    init(context: ConnectorContext) throws {}
}

