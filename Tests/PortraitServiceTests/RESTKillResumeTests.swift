import Foundation
import PortraitMockCRM
import Testing

/// A `rest` sync killed mid-way (SIGKILL, no chance to clean up) and run again ends with exactly what one
/// uninterrupted run stores: nothing lost, nothing twice, the same locations.
struct RESTKillResumeTests {
    let cli = CommandLineTests()

    static func config(_ baseURL: String) -> String {
        """
        connectors:
          - name: crm
            kind: rest
            options:
              preset: hubspot
              base_url: "\(baseURL)"
              auth: { type: bearer, token: "${CRM_TOKEN}" }
            mapping:
              contacts:
                entity: customer
                fields:
                  identifiers.crm_id: id
                  identifiers.email: { from: properties.email, transform: [email] }
                  name.given: properties.firstname
                  name.family: properties.lastname
        """
    }

    static let environment = ["CRM_TOKEN": "kill-test-token"]

    func run(_ arguments: [String], in directory: URL) async throws -> CommandLineTests.Result {
        try await cli.run(arguments, in: directory, environment: Self.environment)
    }

    /// The stored records as comparable lines: everything but the time they were written.
    func export(_ directory: URL) async throws -> [String] {
        let result = try await run(["export", "records", "--format", "jsonl"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map { line in
            let text = String(line)
            guard let range = text.range(of: #","updated_at":"[^"]*""#, options: .regularExpression) else { return text }
            return text.replacingCharacters(in: range, with: "")
        }.sorted()
    }

    @Test func aKilledSyncResumesAndEndsLikeACleanRun() async throws {
        let contacts = MockCRM.generatedContacts(count: 3_000, seed: 9, archivedEvery: 100)
        let crm = MockCRM(configuration: .init(contacts: contacts, auth: .bearer(token: "kill-test-token")))
        try await crm.run { running in
            try await withScratchDirectory { killed in
                try await withScratchDirectory { clean in
                    for directory in [killed, clean] {
                        try Data(Self.config(running.baseURL).utf8).write(to: directory.appendingPathComponent("portrait.yml"))
                    }
                    // Eleven searches answer normally; the twelfth never does, and the sync is killed while it waits.
                    running.inject(Array(repeating: .delay(.zero), count: 11) + [.hang], matching: "/crm/v3/objects/contacts/search")
                    let process = try await cli.start(["sync"], in: killed, environment: Self.environment, lines: 0).process
                    let deadline = ContinuousClock.now + .seconds(60)
                    var committed: [String] = []
                    while ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(300))
                        let searches = running.requests.filter { $0.path.hasSuffix("/search") }.count
                        guard searches >= 12 else { continue }
                        committed = try await export(killed)
                        if committed.count >= 1_100 { break }
                    }
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    #expect(process.terminationReason == .uncaughtSignal)
                    #expect(committed.count == 1_100, "eleven pages were committed before the kill")

                    let resumed = try await run(["sync", "--json"], in: killed)
                    #expect(resumed.status == 0, "\(resumed.stderr)")
                    let report = try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [[String: Any]]
                    let counts = report?.first?["counts"] as? [String: Any]
                    #expect(counts?["new"] as? Int == 3_000 - 1_100, "\(resumed.stdout)")
                    #expect(counts?["unchanged"] as? Int == 0, "no committed page is read again")
                    #expect(counts?["updated"] as? Int == 0)

                    let cleanRun = try await run(["sync"], in: clean)
                    #expect(cleanRun.status == 0, "\(cleanRun.stderr)")
                    let afterResume = try await export(killed)
                    let afterCleanRun = try await export(clean)
                    #expect(afterResume.count == 3_000)
                    let differing = zip(afterResume, afterCleanRun).first { $0.0 != $0.1 }
                    #expect(differing == nil, "the same records, contents and locations; first difference: \(String(describing: differing))")
                }
            }
        }
    }
}
