import Foundation
import PortraitStore
import PortraitStoreSQLite
import Testing

/// `portrait run` stopped and reloaded by signals, as a supervisor does it: the real binary, real signals.
@Suite(.timeLimit(.minutes(3)))
struct ServiceLifecycleTests {
    let cli = CommandLineTests()

    /// `count` contacts as JSON Lines, each with an email and a phone.
    static func writeContacts(_ count: Int, to file: URL) throws {
        var text = ""
        text.reserveCapacity(count * 80)
        for id in 1...count {
            text += #"{"id":"\#(id)","email":"person\#(id)@example.com","phone":"+8613800\#(100_000 + id)"}"# + "\n"
        }
        try Data(text.utf8).write(to: file)
    }

    static func config(schedule: String, extra: String = "") -> String {
        """
        service: { port: 0 }
        connectors:
          - name: crm
            kind: jsonl
            schedule: \(schedule)
            options: { path: contacts.jsonl, stream: contacts }
            mapping: { contacts: { entity: customer, fields: { identifiers.crm_id: id, identifiers.email: email } } }
        \(extra)
        """
    }

    static func store(in directory: URL) throws -> SQLiteStore {
        try SQLiteStore.open(path: directory.appendingPathComponent(".portrait/portrait.db"))
    }

    static func records(_ store: any Store, _ connector: String = "crm") async throws -> Int {
        try await store.connectorTotals().first { $0.connector == connector }?.records ?? 0
    }

    @Test func sigtermMidSyncStopsAtACheckpointAndTheNextSyncLosesAndRepeatsNothing() async throws {
        try await withScratchDirectory { directory in
            let rows = 30_000
            try Self.writeContacts(rows, to: directory.appendingPathComponent("contacts.jsonl"))
            try Data(Self.config(schedule: "1s").utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let service = try ServiceProcess.start(["run", "--log-level", "info"], in: directory)
            defer { service.stop() }
            // As soon as the first scheduled sync has started: it has most of the file still to read.
            #expect(await service.signal(SIGTERM, whenErrorsContain: "scheduled sync started"), "\(service.errors)")
            #expect(await service.waitForExit(), "still running after SIGTERM:\n\(service.output)")
            #expect(
                service.process.terminationReason == .exit, "killed by signal \(service.process.terminationStatus)")
            #expect(service.process.terminationStatus == 0, "\(service.errors)")
            #expect(
                service.output.contains("Stopping (SIGTERM): syncs in progress end at their next checkpoint"),
                "\(service.output)")
            #expect(service.output.contains("Stopped: every sync ended at a checkpoint and released its lease"))

            let store = try Self.store(in: directory)
            let stored = try await Self.records(store)
            #expect(stored > 0 && stored < rows, "stopped mid-sync at a checkpoint (\(stored) of \(rows) stored)")
            #expect(try await store.leaseHolder("sync:crm") == nil, "the lease was released")
            let stopped = try #require(try await store.runs(connector: "crm", limit: 1).first)
            #expect(stopped.status == .stopped)
            #expect(stopped.error?.contains("stopped at a checkpoint") == true, "\(stopped.error ?? "")")
            #expect(stopped.read == stopped.counts.total && stopped.counts.new == stored)

            // The next sync resumes at that checkpoint: nothing read twice, nothing lost.
            let sync = try await cli.run(["sync", "crm", "--json", "--no-resolve"], in: directory)
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            let reports = try JSONSerialization.jsonObject(with: Data(sync.stdout.utf8)) as? [[String: Any]]
            let report = try #require(reports?.first, "\(sync.stdout)")
            let counts = try #require(report["counts"] as? [String: Int])
            let read = try #require(report["read"] as? Int)
            let outcomes = ["new", "updated", "unchanged", "quarantined"].map { counts[$0] ?? 0 }
            #expect(read == outcomes.reduce(0, +), "read = new + updated + unchanged + quarantined")
            #expect(read == rows - stored && counts["new"] == rows - stored, "\(report)")
            #expect(try await Self.records(store) == rows)
        }
    }

    @Test func sighupReloadsAValidConfigAndKeepsTheRunningOneWhenTheNewOneIsBroken() async throws {
        try await withScratchDirectory { directory in
            try Self.writeContacts(3, to: directory.appendingPathComponent("contacts.jsonl"))
            try Self.writeContacts(2, to: directory.appendingPathComponent("shop.jsonl"))
            let file = directory.appendingPathComponent("portrait.yml")
            try Data(Self.config(schedule: "1h").utf8).write(to: file)
            let service = try ServiceProcess.start(in: directory)
            defer { service.stop() }
            #expect(await service.waitForOutput("Portrait service on http://127.0.0.1:"), "\(service.output)")
            #expect(service.output.hasPrefix("Scheduled: crm (1h)\n"), "\(service.output)")

            // A changed schedule and a new connector: both take effect without a restart.
            let shop = """
                  - name: shop
                    kind: jsonl
                    schedule: 1s
                    options: { path: shop.jsonl, stream: contacts }
                    mapping: { contacts: { entity: customer, fields: { identifiers.email: email } } }
                """
            try Data(Self.config(schedule: "1s", extra: shop).utf8).write(to: file)
            service.signal(SIGHUP)
            #expect(
                await service.waitForOutput("Reloaded portrait.yml: scheduled crm (1s), shop (1s)"), "\(service.output)"
            )
            let store = try Self.store(in: directory)
            #expect(
                try await ServiceProcess.wait {
                    let (crm, shop) = (try await Self.records(store, "crm"), try await Self.records(store, "shop"))
                    return crm == 3 && shop == 2
                }, "both connectors ran on their new schedules")

            // A broken config: refused with its file and line, and the running schedules go on.
            let broken =
                shop + """

                      - name: nightly
                        kind: jsonl
                        schedule: "0 25 * * *"
                        options: { path: shop.jsonl }
                    """
            let text = Self.config(schedule: "1s", extra: broken)
            try Data(text.utf8).write(to: file)
            let line = text.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("- name: nightly") }.map { $0 + 1 }
            service.signal(SIGHUP)
            let refusal =
                "portrait.yml:\(line ?? 0): connector 'nightly' schedule '0 25 * * *': hour 25 is out of range"
            #expect(await service.waitForErrors(refusal), "\(service.errors)")
            #expect(service.errors.contains("reload refused; the previous config keeps running"))
            #expect(service.output.contains("Reload refused, the previous config keeps running: \(refusal)"))
            let before = try await store.runs(connector: "shop", limit: 1).first?.id ?? 0
            #expect(
                try await ServiceProcess.wait(timeout: .seconds(30)) {
                    try await store.runs(connector: "shop", limit: 1).first?.id ?? 0 > before
                }, "shop still runs every second under the previous config")
            #expect(service.process.isRunning)

            service.signal(SIGTERM)
            #expect(await service.waitForExit())
            #expect(service.process.terminationReason == .exit && service.process.terminationStatus == 0)
        }
    }

    @Test func aScheduledSyncsWarningsAreLogged() async throws {
        try await withScratchDirectory { directory in
            try Data("{\"id\":\"1\"}\n".utf8).write(to: directory.appendingPathComponent("contacts.jsonl"))
            // The mapping is named for the entity, not for the stream `contacts`.
            let config = """
                service: { port: 0 }
                connectors:
                  - name: crm
                    kind: jsonl
                    schedule: 1s
                    options: { path: contacts.jsonl, stream: contacts }
                    mapping:
                      customer: { entity: customer, fields: { identifiers.crm_id: id } }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let service = try ServiceProcess.start(["run"], in: directory)
            defer { service.stop() }
            #expect(await service.waitForErrors("sync warning", timeout: .seconds(30)), "\(service.errors)")
            #expect(
                await service.waitForErrors(
                    "stream 'contacts' has no mapping, so each of its records would go to quarantine"),
                "\(service.errors)")
            service.signal(SIGTERM)
            #expect(await service.waitForExit())
        }
    }

    @Test func infoLogsOfTheServiceCarryNoPersonalData() async throws {
        try await withScratchDirectory { directory in
            // Valid records, records quarantined for their email or phone, and a line that is not JSON at all.
            let contacts = """
                {"id":"1","email":"ana.garcia@example.com","phone":"13800138000","name":"Ana Garcia"}
                {"id":"2","email":"wang.xiaoming@example","phone":"+86 139 0013 9000","name":"王小明"}
                {"id":"3","email":"li.na@example.cn","phone":"12","name":"Li Na"}
                not json, but it names ana.garcia@example.com and 13800138000
                """
            try Data((contacts + "\n").utf8).write(to: directory.appendingPathComponent("contacts.jsonl"))
            let config = """
                service: { port: 0 }
                connectors:
                  - name: crm
                    kind: jsonl
                    schedule: 1s
                    options: { path: contacts.jsonl, stream: contacts }
                    mapping:
                      contacts:
                        entity: customer
                        fields:
                          identifiers.crm_id: id
                          identifiers.email: { from: email, transform: [email] }
                          identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
                          name: { from: name, transform: [split_name] }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let service = try ServiceProcess.start(["run", "--log-level", "info"], in: directory)
            defer { service.stop() }
            #expect(await service.waitForOutput("Portrait service on http://127.0.0.1:"), "\(service.output)")
            let store = try Self.store(in: directory)
            #expect(
                try await ServiceProcess.wait {
                    try await store.connectorTotals().first.map { $0.records == 1 && $0.quarantined == 3 } ?? false
                }, "one record stored, three quarantined")
            #expect(await service.waitForErrors("identity resolved"))
            service.signal(SIGHUP)
            #expect(await service.waitForOutput("Reloaded portrait.yml"))
            service.signal(SIGTERM)
            #expect(await service.waitForExit())

            let logs = service.output + service.errors
            #expect(logs.contains("scheduled sync finished"), "info lines were written: \(logs)")
            let personal = [
                "ana.garcia", "13800138000", "+8613800138000", "Ana Garcia", "Garcia", "wang.xiaoming", "王小明",
                "13900139000", "139 0013 9000", "li.na@example.cn", "Li Na",
            ]
            for value in personal {
                #expect(!logs.contains(value), "\(value) in the service's info logs:\n\(logs)")
            }
        }
    }
}
