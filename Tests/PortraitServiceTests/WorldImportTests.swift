import Foundation
import Logging
import PortraitConfig
import PortraitMockCRM
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import PortraitWorld
import Testing

/// A generated world imports through the real connectors, as its `portrait.yml` says: the CRM from the mock CRM
/// serving `crm/contacts.jsonl`, everything else from its files. Every record is stored, none is quarantined.
struct WorldImportTests {
    @Test func everySiloImportsWithNothingQuarantinedAndOneRecordPerTruthLine() async throws {
        try await withScratchDirectory { directory in
            let world = directory.appendingPathComponent("world")
            let summary = try WorldGenerator(config: WorldConfig(people: 600, seed: 5)).generate(into: world)
            let truth = try String(contentsOf: world.appendingPathComponent("truth.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst()
            #expect(truth.count == summary.records)

            let contacts = try MockCRM.contacts(fromJSONL: world.appendingPathComponent("crm/contacts.jsonl"))
            let token = try String(contentsOf: world.appendingPathComponent("crm/token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let crm = MockCRM(configuration: .init(contacts: contacts, auth: .bearer(token: token)))
            try await crm.run(port: 0) { running in
                let config = try Workspace.loadConfig(
                    at: world.appendingPathComponent("portrait.yml"),
                    environment: ["PORTRAIT_WORLD_CRM_URL": running.baseURL])
                #expect(
                    config.connectors.map(\.name) == [
                        "crm", "shop-orders", "store-members", "store-receipts", "survey",
                    ])
                let store = try SQLiteStore.open(path: config.storePath)
                let runner = SyncRunner(
                    store: store, registry: Workspace.registry, logger: Logger(label: "world-import"))
                for connector in config.connectors {
                    let report = try await runner.sync(connector, config: config)
                    #expect(report.status == .succeeded, "\(connector.name): \(report.error ?? "")")
                    #expect(report.counts.quarantined == 0, "\(report.summaryLine)")
                    #expect(report.warningCount == 0, "\(connector.name): \(report.warnings)")
                }
                let quarantined = try await store.quarantineEntries(connector: nil, limit: 5)
                #expect(quarantined.isEmpty, "\(quarantined.map { "\($0.location): \($0.reasons)" })")

                let totals = try await store.connectorTotals()
                var expected: [String: Int] = [:]
                for line in truth { expected[String(line.split(separator: ",")[0]), default: 0] += 1 }
                #expect(Dictionary(uniqueKeysWithValues: totals.map { ($0.connector, $0.records) }) == expected)
                #expect(totals.reduce(0) { $0 + $1.records } == truth.count)

                // The stored identities name the same records as the truth.
                var stored: Set<String> = []
                try await store.forEachRecord(connector: nil) {
                    stored.insert("\($0.connector),\($0.stream),\($0.sourceID)")
                }
                let named = Set(truth.map { $0.split(separator: ",").prefix(3).joined(separator: ",") })
                #expect(stored == named)
            }
        }
    }
}
