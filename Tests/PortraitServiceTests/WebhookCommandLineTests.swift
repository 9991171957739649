import Foundation
import PortraitCore
import PortraitHTTP
import PortraitProfiles
import PortraitStoreSQLite
import PortraitTesting
import Synchronization
import Testing

/// Webhooks as an operator meets them: `portrait run` delivering to a loopback receiver, `/metrics`, and
/// `portrait webhooks list|deliveries|replay` on the store it left.
struct WebhookCommandLineTests {
    let cli = CommandLineTests()

    @Test func theServiceDeliversAndTheCommandsShowListAndReplay() async throws {
        try await withScratchDirectory { directory in
            let secret = "whsec-cli-77e1d0"
            try Data(secret.utf8).write(to: directory.appendingPathComponent("hook-secret"))
            // Five changes in the feed before the service starts; the webhook is rewound to the first of them.
            let store = try SQLiteStore.open(path: directory.appendingPathComponent(".portrait/portrait.db"))
            let at = Date(timeIntervalSince1970: 1_790_000_000)
            let ids = try await store.appendChangesForTesting(
                (1...5).map { ProfileChange(at: at, kind: $0 == 3 ? .merged : .updated, profile: "P0000000\($0)", other: $0 == 3 ? "P00000001" : nil) })
            let refused = Int(ids[2])
            let received = Mutex<[Int]>([])
            try await withTestServer({
                $0.route("/hook", method: "POST") { request in
                    let change = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
                    received.withLock { $0.append(change) }
                    return TestHTTPServer.Response(status: change == refused ? 410 : 200)
                }
            }) { server in
                try Data(
                    """
                    service: { port: 0 }
                    connectors: []
                    webhooks:
                      - name: crm-sync
                        url: \(server.url("/hook"))
                        secret: ${file:hook-secret}
                        max_attempts: 3
                    """.utf8
                ).write(to: directory.appendingPathComponent("portrait.yml"))

                let replayFrom = try await cli.run(["webhooks", "replay", "crm-sync", "--from", "1"], in: directory)
                #expect(replayFrom.status == 0, "\(replayFrom.stderr)")
                #expect(replayFrom.stdout.contains("crm-sync: delivery starts again at change 1"))

                let service = try ServiceProcess.start(["run", "--log-level", "info"], in: directory)
                defer { service.stop() }
                #expect(await service.waitForOutput("Portrait service on http://127.0.0.1:"), "\(service.output)\(service.errors)")
                #expect(service.output.contains("Webhook: crm-sync → \(server.url("/hook"))"))
                let deadline = ContinuousClock.now + .seconds(30)
                while received.withLock({ $0.count }) < 5 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(received.withLock { $0 } == ids.map(Int.init), "in order, the refused one once")

                let base = try #require(service.output.firstMatch(of: /Portrait service on (http:\/\/127\.0\.0\.1:\d+)/).map { String($0.output.1) })
                let metrics = try await HTTPClient().get(base + "/metrics").text
                #expect(metrics.contains(#"portrait_webhook_deliveries_total{webhook="crm-sync",outcome="delivered"} 4"#), "\(metrics)")
                #expect(metrics.contains(#"portrait_webhook_deliveries_total{webhook="crm-sync",outcome="dead"} 1"#), "\(metrics)")

                service.signal(SIGTERM)
                #expect(await service.waitForExit(), "\(service.output)")
                #expect(service.process.terminationStatus == 0, "\(service.errors)")
                #expect(!service.errors.contains(secret) && !service.output.contains(secret), "the secret is never logged")
            }

            let list = try await cli.run(["webhooks", "list"], in: directory)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("crm-sync  http://127.0.0.1:"), "\(list.stdout)")
            #expect(list.stdout.contains("cursor: change \(ids[4]) of \(ids[4]) · pending 0 · delivered 4 · dead 1"), "\(list.stdout)")

            // `portrait status` shows where delivery stands beside the connectors.
            let status = try await cli.run(["status"], in: directory)
            #expect(status.stdout.contains("webhook crm-sync → http://127.0.0.1:"), "\(status.stdout)")
            #expect(status.stdout.contains("  cursor: change \(ids[4]) of \(ids[4]) · pending 0 · delivered 4 · dead 1"))
            let statusJSON = try await cli.run(["status", "--json"], in: directory)
            let report = try JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)) as? [String: Any]
            let webhooks = try #require(report?["webhooks"] as? [[String: Any]], "\(statusJSON.stdout)")
            #expect(webhooks.first?["name"] as? String == "crm-sync" && webhooks.first?["delivered"] as? Int == 4)

            let dead = try await cli.run(["webhooks", "deliveries", "crm-sync", "--status", "dead"], in: directory)
            #expect(dead.status == 0, "\(dead.stderr)")
            #expect(dead.stdout.contains("change \(ids[2])  dead  1 attempt  HTTP 410"), "\(dead.stdout)")
            #expect(dead.stdout.contains("HTTP 410 Gone: the receiver refused it"), "\(dead.stdout)")

            let json = try await cli.run(["webhooks", "deliveries", "crm-sync", "--json", "--limit", "2"], in: directory)
            #expect(json.stdout.split(separator: "\n").count == 2, "\(json.stdout)")

            let replay = try await cli.run(["webhooks", "replay", "crm-sync", "--dead"], in: directory)
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stdout.contains("crm-sync: 1 dead letter queued for delivery again"), "\(replay.stdout)")
            let after = try await cli.run(["webhooks", "list"], in: directory)
            #expect(after.stdout.contains("pending 1 · delivered 4 · dead 0"), "\(after.stdout)")

            let unknown = try await cli.run(["webhooks", "replay", "crm-synk", "--dead"], in: directory)
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("no webhook named 'crm-synk' in portrait.yml; did you mean 'crm-sync'?"), "\(unknown.stderr)")
            let both = try await cli.run(["webhooks", "replay", "crm-sync"], in: directory)
            #expect(both.status == 2 && both.stderr.contains("give exactly one of --dead or --from CHANGE_ID"), "\(both.stderr)")
        }
    }

    /// SIGHUP applies a changed `webhooks:` list: a removed webhook stops, an added one starts, a changed one goes
    /// on from its cursor under its new URL, and `/metrics` follows.
    @Test func aReloadAddsChangesAndRemovesWebhooksWithoutARestart() async throws {
        try await withScratchDirectory { directory in
            try Data("whsec-reload-1".utf8).write(to: directory.appendingPathComponent("hook-secret"))
            let store = try SQLiteStore.open(path: directory.appendingPathComponent(".portrait/portrait.db"))
            let at = Date(timeIntervalSince1970: 1_790_000_000)
            @Sendable func append(_ count: Int, from first: Int) async throws -> [Int] {
                try await store.appendChangesForTesting(
                    (first..<(first + count)).map { ProfileChange(at: at, kind: .updated, profile: "P\($0)") }
                ).map(Int.init)
            }
            let early = try await append(3, from: 1)
            let received = Mutex<[String: [Int]]>([:])
            try await withTestServer({ routes in
                for path in ["/a", "/b", "/c"] {
                    routes.route(path, method: "POST") { request in
                        let change = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
                        received.withLock { $0[path, default: []].append(change) }
                        return TestHTTPServer.Response(status: 200)
                    }
                }
            }) { server in
                let file = directory.appendingPathComponent("portrait.yml")
                func write(_ hooks: [(String, String)]) throws {
                    let entries = hooks.map { name, path in
                        "  - name: \(name)\n    url: \(server.url(path))\n    secret: ${file:hook-secret}\n"
                    }
                    try Data(("service: { port: 0 }\nconnectors: []\nwebhooks:\n" + entries.joined()).utf8).write(to: file)
                }
                func delivered(_ path: String) -> [Int] { received.withLock { $0[path] ?? [] } }

                try write([("first", "/a")])
                #expect(try await cli.run(["webhooks", "replay", "first", "--from", "1"], in: directory).status == 0)
                let service = try ServiceProcess.start(["run", "--log-level", "info"], in: directory)
                defer { service.stop() }
                #expect(await ServiceProcess.wait(timeout: .seconds(30)) { delivered("/a") == early }, "\(service.output)")

                // One webhook removed, one added (rewound to the start of the feed before the reload).
                try write([("second", "/b")])
                #expect(try await cli.run(["webhooks", "replay", "second", "--from", "1"], in: directory).status == 0)
                service.signal(SIGHUP)
                #expect(
                    await service.waitForOutput("Reloaded webhooks: added second; removed first"), "\(service.output)")
                #expect(service.output.contains("Webhook: second → \(server.url("/b"))"))
                #expect(await ServiceProcess.wait(timeout: .seconds(30)) { delivered("/b") == early }, "\(service.output)")
                let later = try await append(2, from: 4)
                #expect(await ServiceProcess.wait(timeout: .seconds(30)) { delivered("/b") == early + later })
                #expect(delivered("/a") == early, "the removed webhook receives nothing more")

                let base = try #require(
                    service.output.firstMatch(of: /Portrait service on (http:\/\/127\.0\.0\.1:\d+)/).map { String($0.output.1) })
                let metrics = try await HTTPClient().get(base + "/metrics").text
                #expect(metrics.contains(#"portrait_webhook_deliveries_total{webhook="second",outcome="delivered"} 5"#), "\(metrics)")
                #expect(!metrics.contains(#"webhook="first""#), "\(metrics)")

                // The same webhook at a new URL: it goes on from its cursor, at the new address only.
                try write([("second", "/c")])
                service.signal(SIGHUP)
                #expect(await service.waitForOutput("Reloaded webhooks: changed second"), "\(service.output)")
                let last = try await append(2, from: 6)
                #expect(await ServiceProcess.wait(timeout: .seconds(30)) { delivered("/c") == last }, "\(service.output)")
                #expect(delivered("/b") == early + later)

                service.signal(SIGTERM)
                #expect(await service.waitForExit(), "\(service.output)")
                #expect(service.process.terminationStatus == 0, "\(service.errors)")
            }
        }
    }
}
