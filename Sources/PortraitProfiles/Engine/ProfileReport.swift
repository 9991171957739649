import Foundation

/// What one rebuild or update did, for the CLI, logs and tests.
public struct ProfileReport: Sendable {
    public enum Mode: String, Sendable, Hashable { case rebuild, update }

    public var mode: Mode
    /// Profiles computed from their records.
    public var computed = 0
    public var created = 0
    public var updated = 0
    /// Written without a new version: only clock-driven fields (recency, age) or provenance changed.
    public var refreshed = 0
    public var unchanged = 0
    public var split = 0
    public var merged = 0
    public var deleted = 0
    public var entered = 0
    public var exited = 0
    /// Records read, and those whose canonical text could not be read (listed in their profile's document).
    public var records = 0
    public var unreadableRecords = 0
    /// Orders counted in some profile (each in exactly one).
    public var orders = 0
    /// Seconds per stage, in order.
    public var stages: [(String, Double)] = []

    public init(mode: Mode) {
        self.mode = mode
    }

    /// One line: `profiles: 1,000 computed (12 new, 3 updated, ...), segments: 5 entered, 1 exited`.
    public var summary: String {
        var parts = ["\(computed) computed", "\(created) new", "\(updated) updated"]
        if refreshed > 0 { parts.append("\(refreshed) refreshed") }
        parts.append("\(unchanged) unchanged")
        if split > 0 { parts.append("\(split) split off") }
        if merged > 0 { parts.append("\(merged) merged away") }
        if deleted > 0 { parts.append("\(deleted) deleted") }
        var line = "profiles (\(mode.rawValue)): " + parts.joined(separator: ", ")
            + "; segments: \(entered) entered, \(exited) exited; \(records) records, \(orders) orders"
        if unreadableRecords > 0 { line += "; \(unreadableRecords) records unreadable (listed in their profiles)" }
        return line
    }

    mutating func count(_ counts: RecordCounts, unreadable: Int) {
        records += counts.total
        orders += Int(counts.order)
        unreadableRecords += unreadable
    }

    mutating func lap(_ stage: String, since start: inout ContinuousClock.Instant) {
        let now = ContinuousClock.now
        let elapsed = now - start
        stages.append((stage, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        start = now
    }
}
