public import Foundation
import PortraitCore
public import PortraitStore
import GRDB

/// The default store: one SQLite file in WAL mode, so readers (`portrait status`, the API) never wait for a sync.
///
/// Open it with ``open(path:createIfMissing:configuration:)``; every failure to open names the file and the fix.
/// Timestamps are stored as unix time in seconds (`REAL`), JSON as canonical text (`JSONValue.canonicalText`).
public final class SQLiteStore: Store {
    /// How the store waits for other processes.
    public struct Configuration: Sendable {
        /// How long an access waits for another process's transaction before failing with a "locked" error.
        public var busyTimeout: TimeInterval

        /// When the write-ahead log is copied back into the database (tests use small sizes).
        var checkpoints = WALCheckpointer.Thresholds()

        public init(busyTimeout: TimeInterval = 5) {
            self.busyTimeout = busyTimeout
        }
    }

    /// The connection: a `DatabasePool` for files, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// The file path, or a description of the in-memory store, for error messages.
    let location: String

    private init(writer: any DatabaseWriter, location: String) throws {
        self.writer = writer
        self.location = location
        try Self.migrate(writer, location: location)
    }

    /// Opens (and if needed creates) the store at `path` and brings its schema up to date.
    ///
    /// Parent directories are created. Each schema migration runs in its own transaction, so an interrupted
    /// upgrade leaves the store as it was before that step.
    ///
    /// - Parameters:
    ///   - path: The store file (`store.path` in `portrait.yml`).
    ///   - createIfMissing: When false, a missing file is an error instead of a new, empty store.
    ///   - configuration: How long to wait for another process holding the store.
    /// - Throws: `PortraitError.store` when the file is not a Portrait store, cannot be read or written, was
    ///   written by a newer Portrait, or stays locked by another process.
    public static func open(
        path: URL, createIfMissing: Bool = true, configuration: Configuration = Configuration()
    ) throws -> SQLiteStore {
        let fileURL = path.standardizedFileURL
        let file = fileURL.path
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: file, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw PortraitError.store(
                    "\(file) is a directory, not a Portrait store. Point store.path in portrait.yml at a file "
                        + "inside it, such as \(file)/portrait.db."
                )
            }
        } else {
            guard createIfMissing else {
                throw PortraitError.store(
                    "there is no Portrait store at \(file). Run `portrait sync` to create one, or point store.path "
                        + "in portrait.yml at an existing store."
                )
            }
            let directory = fileURL.deletingLastPathComponent()
            do {
                try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw PortraitError.store(
                    "cannot create the directory \(directory.path) for the store \(file) "
                        + "(\((error as NSError).localizedDescription)). Create it with write permission for this "
                        + "user, or point store.path in portrait.yml at another location."
                )
            }
        }

        var grdbConfiguration = GRDB.Configuration()
        grdbConfiguration.busyMode = .timeout(configuration.busyTimeout)
        grdbConfiguration.label = "Portrait store"
        // Pages read through a memory map instead of a read call each: a rebuild reads a million profiles' records
        // through the profile index, a page per record. (SQLite caps the map at its compile-time maximum.) The
        // writer's log is copied back into the database beside it rather than inside its commits, every 16 MiB
        // rather than every 4 MiB (`WALCheckpointer`).
        let checkpointer = WALCheckpointer(path: file, thresholds: configuration.checkpoints)
        grdbConfiguration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA mmap_size = 8589934592")
            // The closure lives as long as the connection, and keeps the checkpointer alive for its hook.
            if !db.configuration.readonly, let connection = db.sqliteConnection {
                checkpointer.install(on: connection)
            }
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: file, configuration: grdbConfiguration)
        } catch {
            throw StoreErrors.translate(error, location: file, action: "open the store")
        }
        return try SQLiteStore(writer: pool, location: file)
    }

    /// A private store in memory, for tests: it disappears with the instance.
    public static func inMemory() throws -> SQLiteStore {
        let location = "the in-memory store"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: GRDB.Configuration())
        } catch {
            throw StoreErrors.translate(error, location: location, action: "open the store")
        }
        return try SQLiteStore(writer: queue, location: location)
    }

    /// Runs `work`, turning SQLite errors into `PortraitError.store` messages that name the file.
    func access<T>(_ action: String, _ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch {
            throw StoreErrors.translate(error, location: location, action: action)
        }
    }
}
