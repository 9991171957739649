import Foundation
import PortraitStoreSQLite
import Testing

/// `portrait backup`: a consistent copy of the store that is itself a store, never over an existing file.
struct BackupCommandTests {
    let cli = CommandLineTests()

    @Test func aBackupIsAWholeStoreAndNeverOverwritesAFile() async throws {
        try await withScratchDirectory { directory in
            try ServiceLifecycleTests.writeContacts(500, to: directory.appendingPathComponent("contacts.jsonl"))
            try Data(ServiceLifecycleTests.config(schedule: "1h").utf8)
                .write(to: directory.appendingPathComponent("portrait.yml"))
            let sync = try await cli.run(["sync", "--no-resolve"], in: directory)
            #expect(sync.status == 0, "\(sync.stderr)")

            let backup = try await cli.run(["backup", "backups/monday.db"], in: directory)
            #expect(backup.status == 0, "\(backup.stderr)")
            let file = directory.appendingPathComponent("backups/monday.db")
            #expect(backup.stdout.contains("to \(file.standardizedFileURL.path): "), "\(backup.stdout)")
            #expect(backup.stdout.contains(" MB, 500 records, 0 profiles, in "), "\(backup.stdout)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
            #expect(leftovers == ["monday.db"], "no partial copy or log beside it")

            // The copy opens as a store with every record.
            let copy = try SQLiteStore.open(path: file, createIfMissing: false)
            #expect(try await ServiceLifecycleTests.records(copy) == 500)

            // An existing file is never overwritten, nor the store itself.
            let before = try Data(contentsOf: file)
            let again = try await cli.run(["backup", "backups/monday.db"], in: directory)
            #expect(again.status == 2)
            #expect(again.stderr.contains("exists; a backup never overwrites a file"), "\(again.stderr)")
            #expect(try Data(contentsOf: file) == before)
            let itself = try await cli.run(["backup", ".portrait/portrait.db"], in: directory)
            #expect(itself.status == 2)
            #expect(itself.stderr.contains("is the store itself"), "\(itself.stderr)")

            let json = try await cli.run(["backup", "backups/tuesday.db", "--json"], in: directory)
            let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(report?["records"] as? Int == 500, "\(json.stdout)")
        }
    }
}
