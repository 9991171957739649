import Dispatch
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database on a connection and thread of its own, so the writer does
/// not stop for it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: a sync's writer copied 64 MiB
/// and synced the file while the parsing and mapping threads waited for it (a tenth of a second, once a second, in
/// an XML feed import). Here the writer's commit hook only asks for a passive checkpoint, which runs beside later
/// commits. A passive checkpoint cannot start the log over while the writer keeps adding to it, so once the log is
/// past ``Thresholds/restartBytes`` and the background checkpoints have left little to copy, the writer copies
/// that little itself: its next commit then writes the log from the start again.
final class WALCheckpointer: Sendable {
    /// When checkpoints run, in bytes of log (turned into frames, one per page written, by the page size).
    struct Thresholds: Sendable {
        /// Log growth after which a background checkpoint is asked for. Not smaller: pages that many commits
        /// touch (b-tree inner pages) are copied once per checkpoint.
        var stepBytes = 16 << 20
        /// Log size from which the writer completes the checkpoint itself (and syncs the database: a stop of
        /// about 50 ms for the pipeline, so not too often; the background checkpoints keep the database current
        /// meanwhile) ...
        var restartBytes = 256 << 20
        /// ... once no more than this is left to copy.
        var tailBytes = 4 << 20
    }

    /// `Thresholds` in frames of one page size.
    private struct Frames {
        var step: Int32
        var restart: Int32
        var tail: Int32

        init(_ thresholds: Thresholds, pageSize: Int) {
            func frames(_ bytes: Int) -> Int32 { Int32(clamping: max(bytes / max(pageSize, 512), 1)) }
            step = frames(thresholds.stepBytes)
            restart = frames(thresholds.restartBytes)
            tail = frames(thresholds.tailBytes)
        }
    }

    private struct State {
        /// Log size when a checkpoint was last asked for.
        var requestedAt: Int32 = 0
        /// Log frames in the database after the last background checkpoint.
        var copied: Int32 = 0
        var running = false
        /// The thresholds in frames of the writer's page size (set when the hook is installed).
        var frames: Frames
    }

    private enum Action {
        case none
        case background
        /// The writer copies what is left, after waiting for a running background checkpoint if `wait`.
        case finish(wait: Bool)
    }

    private let thresholds: Thresholds
    private let path: String
    private let queue = DispatchQueue(label: "Portrait store checkpoints")
    private let state: Mutex<State>
    /// The checkpointing connection, opened at the first checkpoint; used only on `queue`.
    private nonisolated(unsafe) var connection: OpaquePointer?

    init(path: String, thresholds: Thresholds = Thresholds()) {
        self.path = path
        self.thresholds = thresholds
        state = Mutex(State(frames: Frames(thresholds, pageSize: 4_096)))
    }

    deinit {
        if let connection { sqlite3_close_v2(connection) }
    }

    /// Registers the commit hook on the writer connection `db`, in place of SQLite's automatic checkpoint.
    ///
    /// The hook holds this object unretained: the caller keeps it alive as long as the connection.
    func install(on db: OpaquePointer) {
        // The page size of the file, or for a new one the size it will be created with.
        let frames = Frames(thresholds, pageSize: Self.pageSize(of: db))
        state.withLock { $0.frames = frames }
        sqlite3_wal_hook(
            db,
            { context, db, _, frames in
                guard let context, let db else { return SQLITE_OK }
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(frames: frames, on: db)
                return SQLITE_OK
            },
            Unmanaged.passUnretained(self).toOpaque())
    }

    /// After each commit on the writer, with the log's size in frames.
    private func committed(frames: Int32, on writer: OpaquePointer) {
        let action = state.withLock { state -> Action in
            let thresholds = state.frames
            if frames < state.requestedAt {  // The log started over.
                state.requestedAt = 0
                state.copied = 0
            }
            if frames >= thresholds.restart {
                // A reader on an old snapshot can keep the log from starting over; past twice the size the writer
                // copies what it can after every commit, as SQLite's automatic checkpoint would.
                if frames >= 2 * thresholds.restart { return .finish(wait: state.running) }
                if !state.running && frames - state.copied <= thresholds.tail { return .finish(wait: false) }
            }
            guard !state.running, frames - state.requestedAt >= thresholds.step || frames >= thresholds.restart
            else { return .none }
            state.requestedAt = frames
            state.running = true
            return .background
        }
        switch action {
        case .none:
            return
        case .finish(let wait):
            if wait { queue.sync {} }
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        case .background:
            queue.async {
                let copied = self.checkpoint()
                self.state.withLock { state in
                    state.running = false
                    state.copied = max(state.copied, copied)
                }
            }
        }
    }

    /// The database's page size, read on the connection `db` (4096 if it cannot be read).
    private static func pageSize(of db: OpaquePointer) -> Int {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &statement, nil) == SQLITE_OK,
            sqlite3_step(statement) == SQLITE_ROW
        else { return 4_096 }
        return Int(sqlite3_column_int64(statement, 0))
    }

    /// A passive checkpoint on this object's connection: it copies what it can without waiting for anyone.
    ///
    /// - Returns: The log frames now in the database (0 when it could not run; the writer's own checkpoint
    ///   still bounds the log).
    private func checkpoint() -> Int32 {
        if connection == nil {
            var opened: OpaquePointer?
            // A new connection finds the file in WAL mode only once it reads it; until then a checkpoint does
            // nothing.
            guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
                sqlite3_exec(opened, "PRAGMA schema_version", nil, nil, nil) == SQLITE_OK
            else {
                sqlite3_close_v2(opened)
                return 0
            }
            connection = opened
        }
        var copied: Int32 = 0
        guard sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, &copied) == SQLITE_OK
        else { return 0 }
        return copied
    }
}
