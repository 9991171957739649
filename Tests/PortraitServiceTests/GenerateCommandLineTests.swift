import Foundation
import Testing

/// `portrait generate` as an operator runs it, then the world checked and synced by the binary against
/// `portrait mock-crm` serving the generated contacts.
struct GenerateCommandLineTests {
    let cli = CommandLineTests()

    @Test func generateWritesTheWorldAndItChecksAndSyncs() async throws {
        try await withScratchDirectory { directory in
            let generated = try await cli.run(["generate", "--people", "50", "--seed", "1", "--out", "world"], in: directory)
            #expect(generated.status == 0, "\(generated.stderr)")
            let world = directory.appendingPathComponent("world")
            for path in [
                "portrait.yml", "truth.csv", "crm/contacts.jsonl", "crm/token", "feeds/orders.xml",
                "surveys/responses.csv",
                "drops/members_SH01.csv", "drops/receipts_NY01.csv",
            ] {
                #expect(FileManager.default.fileExists(atPath: world.appendingPathComponent(path).path), "\(path)")
            }
            let truth = try String(contentsOf: world.appendingPathComponent("truth.csv"), encoding: .utf8)
            let lines = truth.split(separator: "\n")
            #expect(lines.first == "connector,stream,source_id,person_id")
            #expect(
                generated.stdout.contains("Wrote a world of 50 people (seed 1) to \(world.path)"), "\(generated.stdout)"
            )
            #expect(generated.stdout.contains("truth.csv: \(lines.count - 1) lines"), "\(generated.stdout)")

            let crm = try await cli.start(
                [
                    "mock-crm", "--port", "0", "--contacts", "world/crm/contacts.jsonl", "--token-file",
                    "world/crm/token",
                ],
                in: directory)
            defer { crm.stop() }
            let contacts = try String(contentsOf: world.appendingPathComponent("crm/contacts.jsonl"), encoding: .utf8)
            #expect(
                crm.output.contains("Mock CRM: \(contacts.split(separator: "\n").count) contacts on"), "\(crm.output)")
            let baseURL = try #require(crm.baseURL)
            let environment = ["PORTRAIT_WORLD_CRM_URL": baseURL]

            let check = try await cli.run(
                ["check", "--config", "world/portrait.yml"], in: directory, environment: environment)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("portrait.yml: valid (5 connector(s), 5 enabled)"), "\(check.stdout)")
            #expect(!check.stdout.contains("    ! "), "every stream mapped, every mapping a stream's: \(check.stdout)")

            let sync = try await cli.run(
                ["sync", "--config", "world/portrait.yml", "--json"], in: directory, environment: environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let reports = try #require(
                try JSONSerialization.jsonObject(with: Data(sync.stdout.utf8)) as? [[String: Any]])
            let stored = reports.compactMap { ($0["counts"] as? [String: Any])?["new"] as? Int }.reduce(0, +)
            let quarantined = reports.compactMap { ($0["counts"] as? [String: Any])?["quarantined"] as? Int }.reduce(
                0, +)
            #expect(reports.count == 5)
            #expect(quarantined == 0, "\(sync.stdout)")
            #expect(stored == lines.count - 1)
        }
    }

    @Test func aFolderThatIsNotEmptyIsRefusedWithTheFix() async throws {
        try await withScratchDirectory { directory in
            try Data("x".utf8).write(to: directory.appendingPathComponent("notes.txt"))
            let refused = try await cli.run(["generate", "--people", "5", "--out", "."], in: directory)
            #expect(refused.status == 2)
            #expect(
                refused.stderr.contains("\(directory.standardizedFileURL.path) exists and is not empty; pass --force"),
                "\(refused.stderr)")
            let forced = try await cli.run(["generate", "--people", "5", "--out", ".", "--force"], in: directory)
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("notes.txt").path))
        }
    }
}
