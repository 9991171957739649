import Foundation
import PortraitHTTP
import PortraitStore
import PortraitStoreSQLite
import Testing

/// `portrait run` as an operator starts it: scheduled syncs run by themselves, and a bad schedule is caught by
/// `portrait check` with its line.
struct ServiceRunTests {
    let cli = CommandLineTests()

    @Test func scheduledConnectorsSyncByThemselves() async throws {
        try await withScratchDirectory { directory in
            try Data(#"{"id":"1","email":"a@example.com"}"#.utf8).write(to: directory.appendingPathComponent("c.jsonl"))
            let config = """
                service: { port: 0 }
                connectors:
                  - name: crm
                    kind: jsonl
                    schedule: 1s
                    options: { path: c.jsonl, stream: contacts }
                    mapping: { contacts: { entity: customer, fields: { identifiers.email: email } } }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let service = try await cli.start(["run"], in: directory, lines: 2)
            defer { service.stop() }
            let lines = service.output
            #expect(lines.hasPrefix("Scheduled: crm (1s)\n"), "\(lines)")
            let base = try #require(service.baseURL, "\(lines)")
            // Runs are numbered in the store: wait (generously, for a loaded machine) for a second succeeded one.
            var lastRun: [String: Any]?
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                let status = try await cli.run(["status", "--json"], in: directory)
                let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
                lastRun = (object?["connectors"] as? [[String: Any]])?.first?["lastRun"] as? [String: Any]
                if let id = lastRun?["id"] as? Int, id >= 2, lastRun?["status"] as? String == "succeeded" { break }
            }
            #expect((lastRun?["id"] as? Int ?? 0) >= 2, "the service ran the connector by itself, more than once")
            #expect(lastRun?["status"] as? String == "succeeded")
            let status = try await cli.run(["status"], in: directory)
            #expect(status.stdout.contains("records 1"), "\(status.stdout)")

            // The service's port reports on it: ready, and the store's and the schedule's picture as metrics.
            #expect(try await HTTPClient().get(base + "/readyz").text == "ready")
            let metrics = try await HTTPClient().get(base + "/metrics")
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"portrait_records{connector="crm"} 1.0"#), "\(metrics.text)")
            #expect(metrics.text.contains(#"portrait_last_run_succeeded{connector="crm"} 1.0"#))
            #expect(metrics.text.contains(#"portrait_consecutive_failures{connector="crm"} 0.0"#))
            #expect(metrics.text.contains(#"portrait_intake_rejections_total{reason="badSignature"} 0"#))
        }
    }

    @Test func checkRejectsAScheduleTheServiceCouldNotFollow() async throws {
        try await withScratchDirectory { directory in
            let config = """
                connectors:
                  - name: crm
                    kind: jsonl
                    schedule: "0 25 * * *"
                    options: { path: c.jsonl }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            try Data("{}\n".utf8).write(to: directory.appendingPathComponent("c.jsonl"))
            let check = try await cli.run(["check"], in: directory)
            #expect(check.status == 1)
            #expect(check.stdout.contains("portrait.yml:2: connector 'crm' schedule '0 25 * * *': hour 25 is out of range 0-23"), "\(check.stdout)")
        }
    }

    @Test func aSyncByHandDoesNotRaceTheServiceForAConnector() async throws {
        try await withScratchDirectory { directory in
            try Data(#"{"id":"1","email":"a@example.com"}"#.utf8).write(to: directory.appendingPathComponent("c.jsonl"))
            let config = """
                connectors:
                  - name: crm
                    kind: jsonl
                    options: { path: c.jsonl, stream: contacts }
                    mapping: { contacts: { entity: customer, fields: { identifiers.email: email } } }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            // The service holds the connector's lease, as while its scheduled sync runs.
            let store = try SQLiteStore.open(path: directory.appendingPathComponent(".portrait/portrait.db"))
            #expect(try await store.acquireLease("sync:crm", holder: "the-service", ttl: .seconds(60), now: Date()))
            let busy = try await cli.run(["sync", "crm"], in: directory)
            #expect(busy.status == 1)
            #expect(busy.stdout.contains("crm: already being synced by another portrait process"), "\(busy.stdout)")
            #expect(try await store.connectorTotals().first?.records ?? 0 == 0, "nothing ran")

            try await store.releaseLease("sync:crm", holder: "the-service")
            let free = try await cli.run(["sync", "crm"], in: directory)
            #expect(free.status == 0, "\(free.stdout)")
            #expect(free.stdout.contains("crm: read 1 · new 1"))
            #expect(try await store.acquireLease("sync:crm", holder: "the-service", ttl: .seconds(60), now: Date()), "released after the run")
        }
    }

    @Test func aFileDroppedIntoAWatchedFolderIsImportedAtOnce() async throws {
        try await withScratchDirectory { directory in
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("drop"), withIntermediateDirectories: true)
            let config = """
                service: { port: 0 }
                connectors:
                  - name: store-drops
                    kind: csv_drop
                    options: { folder: drop, glob: "*.csv", stream: receipts, id_field: receipt_id, complete_when: renamed }
                    mapping:
                      receipts:
                        entity: order
                        fields:
                          id: receipt_id
                          placed_at: { const: "2026-01-01T00:00:00Z" }
                          total: { from: amount, transform: [decimal] }
                          currency: { const: CNY }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let service = try await cli.start(["run"], in: directory, lines: 2)
            defer { service.stop() }
            let lines = service.output
            #expect(lines.hasPrefix("Scheduled: store-drops (1h, and when a file lands)"), "\(lines)")

            // The till writes elsewhere and renames the file into the folder, as complete_when: renamed expects.
            let staged = directory.appendingPathComponent("pos_1.csv.part")
            try Data("receipt_id,amount\nR1,10.00\nR2,12.50\n".utf8).write(to: staged)
            let dropped = ContinuousClock.now
            try FileManager.default.moveItem(at: staged, to: directory.appendingPathComponent("drop/pos_1.csv"))
            let archived = directory.appendingPathComponent("drop/archive/pos_1.csv")
            while !FileManager.default.fileExists(atPath: archived.path), ContinuousClock.now - dropped < .seconds(30) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = ContinuousClock.now - dropped
            #expect(FileManager.default.fileExists(atPath: archived.path), "imported and archived")
            // Measured at 0.07 s on an idle machine; the bound leaves room for a loaded one.
            #expect(elapsed < .seconds(3), "imported \(elapsed) after it landed, not at the next hourly run")
            let status = try await cli.run(["status"], in: directory)
            #expect(status.stdout.contains("records 2"), "\(status.stdout)")
        }
    }
}
