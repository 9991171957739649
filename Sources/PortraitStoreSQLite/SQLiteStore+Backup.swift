public import Foundation
import GRDB
import PortraitCore

extension SQLiteStore {
    /// What ``backup(to:)`` wrote.
    public struct Backup: Sendable, Codable {
        public var file: String
        public var bytes: Int
        public var records: Int
        public var profiles: Int
        public var seconds: Double
    }

    /// Copies the whole store, as it stands at one moment, into a new file: SQLite's online backup, read in one
    /// transaction, so syncs and `portrait run` go on meanwhile and the copy is consistent. The store file alone is
    /// not a backup: what was written last may still be in its write-ahead log beside it.
    ///
    /// The copy is written as `FILE.partial`, checked (`PRAGMA quick_check`) and then renamed, so a backup is
    /// whole or absent. It is a store like any other: point `store.path` at it to use it.
    ///
    /// - Throws: `PortraitError.usage` when `destination` exists or is the store itself; `PortraitError.store` when
    ///   the copy cannot be written or does not check out.
    public func backup(to destination: URL) async throws -> Backup {
        let target = destination.standardizedFileURL
        let fileManager = FileManager.default
        guard target.path != URL(fileURLWithPath: location).standardizedFileURL.path else {
            throw PortraitError.usage("\(target.path) is the store itself; give the backup another path")
        }
        guard !fileManager.fileExists(atPath: target.path) else {
            throw PortraitError.usage(
                "\(target.path) exists; a backup never overwrites a file: remove it or give another path")
        }
        let partial = target.deletingLastPathComponent().appendingPathComponent(target.lastPathComponent + ".partial")
        let started = ContinuousClock.now
        do {
            try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            // A partial copy from an interrupted backup is never used: it is started over.
            for suffix in ["", "-journal", "-wal", "-shm"] {
                try? fileManager.removeItem(atPath: partial.path + suffix)
            }
            let counts = try await access("back the store up to \(target.path)") {
                try Self.copy(writer, to: partial)
            }
            try fileManager.moveItem(at: partial, to: target)
            let bytes = (try? fileManager.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
            let elapsed = ContinuousClock.now - started
            return Backup(
                file: target.path, bytes: bytes, records: counts.records, profiles: counts.profiles,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        } catch {
            try? fileManager.removeItem(at: partial)
            throw error as? PortraitError
                ?? PortraitError.store(
                    "cannot write the backup \(target.path) (\((error as NSError).localizedDescription)); check the folder's permissions and free space"
                )
        }
    }

    /// The copy itself, closed before it is renamed; returns what it holds.
    private static func copy(_ source: any DatabaseWriter, to file: URL) throws -> (records: Int, profiles: Int) {
        let copy = try DatabaseQueue(path: file.path)
        try source.backup(to: copy)
        return try copy.read { db in
            let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "no answer"
            guard check == "ok" else {
                throw PortraitError.store("the backup \(file.path) does not check out (\(check)); nothing was kept")
            }
            let records = try Int.fetchOne(db, sql: "SELECT count(*) FROM records") ?? 0
            let profiles = try Int.fetchOne(db, sql: "SELECT count(*) FROM profiles") ?? 0
            return (records, profiles)
        }
    }
}
