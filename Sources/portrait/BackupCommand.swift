import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService
import PortraitStoreSQLite

extension Portrait {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the store, as it stands now, into a new file: a consistent backup while Portrait runs.",
            discussion: """
                The store file alone is not a backup: what was written last may still be in its write-ahead log
                (portrait.db-wal) beside it. This copies both as one, through SQLite's online backup, while syncs
                and `portrait run` go on. The copy is written as FILE.partial, checked and renamed: it is whole or
                absent, and an existing FILE is never overwritten. To use a backup, point store.path at it (or move
                it into place while no portrait runs).
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The new file to write (its folder is created).")
        var file: String

        @Flag(help: "Print what was written as JSON.")
        var json = false

        func run() async throws {
            let workspace = try options.openWorkspace()
            guard let store = workspace.store as? SQLiteStore else {
                throw PortraitError.usage("this store cannot be backed up by portrait backup")
            }
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let destination = URL(fileURLWithPath: file, relativeTo: here)
            let backup = try await store.backup(to: destination)
            if json { return try Terminal.printJSON(backup) }
            let megabytes = String(format: "%.1f", Double(backup.bytes) / 1e6)
            print(
                "Backed up \(workspace.config.storePath.path) to \(backup.file): \(megabytes) MB, \(backup.records) records, \(backup.profiles) profiles, in \(String(format: "%.2f", backup.seconds)) s"
            )
        }
    }
}
