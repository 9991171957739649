import Foundation
public import PortraitStore

/// What one connector's sync did. `read == new + updated + unchanged + quarantined`, always.
public struct SyncReport: Sendable, Codable, Hashable {
    public var connector: String
    public var runID: Int64?
    public var status: RunStatus
    public var read: Int
    public var counts: CommitCounts
    /// Warnings the connector reported (the first few; `warningCount` has them all).
    public var warnings: [String]
    public var warningCount: Int
    /// Why the run failed, secrets masked.
    public var error: String?
    public var seconds: Double

    public init(
        connector: String, runID: Int64?, status: RunStatus, read: Int, counts: CommitCounts, warnings: [String],
        warningCount: Int, error: String?, seconds: Double
    ) {
        self.connector = connector
        self.runID = runID
        self.status = status
        self.read = read
        self.counts = counts
        self.warnings = warnings
        self.warningCount = warningCount
        self.error = error
        self.seconds = seconds
    }

    /// True when every record read is accounted for in exactly one outcome.
    public var isBalanced: Bool { read == counts.total }

    /// One line: `crm: read 120 · new 100 · updated 3 · unchanged 12 · quarantined 5 (0.4 s)`.
    public var summaryLine: String {
        var line = "\(connector): read \(read) · new \(counts.new) · updated \(counts.updated) · unchanged \(counts.unchanged)"
            + " · quarantined \(counts.quarantined)"
        if warningCount > 0 { line += " · warnings \(warningCount)" }
        line += String(format: " (%.1f s)", seconds)
        if let error { line += "\n  failed: \(error)" }
        return line
    }
}

/// Progress of a running sync, for a progress line.
public struct SyncProgress: Sendable, Hashable {
    public var connector: String
    public var read: Int
    public var counts: CommitCounts
    public var elapsed: Double
}
