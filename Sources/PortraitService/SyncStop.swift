import Synchronization

/// Asks running syncs to stop at their next checkpoint: how `portrait run` shuts down without losing or repeating
/// work.
///
/// A sync given this token (``SyncRunner/sync(_:config:stop:progress:)``) goes on until the connector yields its
/// next checkpoint, commits it with every record before it, and then ends with ``SyncStopped`` (recorded as the run
/// status `stopped`, not `failed`); the next run resumes from that checkpoint. Connectors checkpoint often (`jsonl` every 1,000
/// lines, `csv_drop` every `checkpoint_rows`, `rest` every page), so a stop takes a moment, not a whole source.
public final class SyncStop: Sendable {
    private let requested = Atomic(false)

    public init() {}

    /// Asks every sync holding this token to stop at its next checkpoint; asking again changes nothing.
    public func request() {
        requested.store(true, ordering: .relaxed)
    }

    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}

/// A sync ended at a committed checkpoint because it was asked to stop (``SyncStop``).
public struct SyncStopped: Error, Sendable, CustomStringConvertible {
    public var description: String {
        "stopped at a checkpoint because the service is shutting down; the next run resumes there"
    }
}
