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
    /// Counts per part of the input (per file of a drop folder), in the order the connector read them.
    public var parts: [RunPart]

    public init(
        connector: String, runID: Int64?, status: RunStatus, read: Int, counts: CommitCounts, warnings: [String],
        warningCount: Int, error: String?, seconds: Double, parts: [RunPart] = []
    ) {
        self.parts = parts
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
        for part in parts { line += "\n    " + part.summaryLine }
        if let error { line += "\n  \(status == .stopped ? "stopped" : "failed"): \(error)" }
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

extension RunPart {
    /// `pos_0114.csv: read 120 · new 118 · … · quarantined 2`, or the note of a file that was not read.
    public var summaryLine: String {
        let counts =
            "read \(read) · new \(counts.new) · updated \(counts.updated) · unchanged \(counts.unchanged)"
            + " · quarantined \(counts.quarantined)"
        guard let note else { return "\(name): \(counts)" }
        return read > 0 ? "\(name): \(counts) · \(note)" : "\(name): \(note)"
    }
}
