import Foundation
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import PortraitTesting
import Synchronization
import Testing

/// `portrait sync NAME` while a running `portrait run` syncs that connector: it asks the service to run it again
/// at once and prints that run, instead of refusing or racing the service.
@Suite(.timeLimit(.minutes(2)))
struct ServiceSyncRequestTests {
    let cli = CommandLineTests()

    @Test func aSyncByHandAsksTheRunningServiceAndPrintsTheRunItServed() async throws {
        let calls = Mutex(0)
        let (release, releaser) = AsyncStream<Void>.makeStream()
        try await withTestServer({ server in
            server.route("/contacts") { _ in
                // The service's first run waits here until the test lets it go: it holds the lease meanwhile.
                if calls.withLock({
                    $0 += 1; return $0
                }) == 1 {
                    for await _ in release { break }
                }
                return .json(
                    #"{"results":[{"id":"1","properties":{"email":"a@example.com"}},{"id":"2","properties":{"email":"b@example.com"}}]}"#
                )
            }
        }) { running in
            try await withScratchDirectory { directory in
                let config = """
                    service: { port: 0 }
                    connectors:
                      - name: crm
                        kind: rest
                        schedule: 1s
                        options: { base_url: "\(running.baseURL)", path: /contacts, stream: contacts, records: results }
                        mapping:
                          contacts:
                            entity: customer
                            fields:
                              identifiers.crm_id: id
                              identifiers.email: { from: properties.email, transform: [email] }
                    """
                try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
                let service = try ServiceProcess.start(["run", "--log-level", "info"], in: directory)
                defer { service.stop() }
                #expect(await service.waitForOutput("Portrait service on http://127.0.0.1:"), "\(service.output)")
                let store = try SQLiteStore.open(path: directory.appendingPathComponent(".portrait/portrait.db"))
                #expect(await ServiceProcess.wait { calls.withLock { $0 } == 1 }, "the first scheduled run started")
                let holder = try #require(try await store.leaseHolder("sync:crm"))
                #expect(SyncLease.isServiceHolder(holder), "the service holds the lease: \(holder)")

                let sync = Task { [cli] in try await cli.run(["sync", "crm"], in: directory) }
                #expect(
                    await service.waitForErrors("sync requested"), "the service took the request: \(service.errors)")
                releaser.yield()
                let result = try await sync.value
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                #expect(
                    result.stdout.contains("crm: being synced by a running `portrait run`; asked it to sync again now"),
                    "\(result.stdout)")
                let served = try #require(
                    result.stdout.firstMatch(of: /\(run #(\d+), by the running service\)/).flatMap { Int64($0.1) },
                    "\(result.stdout)")
                #expect(result.stdout.contains("crm: read 2 · new 0 · updated 0 · unchanged 2 · quarantined 0"))
                #expect(!result.stdout.contains("already being synced"))

                // The run that answered started after the one in progress ended: never two at once.
                let runs = try await store.runs(connector: "crm", limit: 50)
                let first = try #require(runs.first { $0.id == 1 })
                let answer = try #require(runs.first { $0.id == served })
                #expect(served > 1 && answer.status == .succeeded)
                #expect(answer.startedAt >= (first.finishedAt ?? .distantFuture))
                #expect(service.errors.contains("requests=1"), "a run of the service served the request")
                #expect(try await store.untakenSyncRequests().isEmpty)
                #expect(try await store.syncRequest(id: 1) == nil, "the command withdrew its answered request")

                service.signal(SIGTERM)
                #expect(await service.waitForExit())
                #expect(service.process.terminationStatus == 0)
            }
        }
    }
}
