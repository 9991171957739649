public import PortraitConfig
import PortraitCore
public import PortraitStore

/// Maps quarantined records again with the current config, after an operator fixed the mapping.
///
/// Entries that now map and validate are stored as records and leave quarantine in the same transaction;
/// the rest stay, with their reasons refreshed.
public struct QuarantineReplayer: Sendable {
    public struct Outcome: Sendable, Codable, Hashable {
        public var replayed = 0
        public var stored = 0
        public var stillFailing = 0
        /// Entries that cannot be replayed from what was kept (input the connector could not read at all).
        public var notReplayable = 0
        public var messages: [String] = []
    }

    public var store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Replays the entries with `ids`, or every entry of `connector` (or of all connectors) when `ids` is empty.
    public func replay(ids: [Int64], connector: String?, config: HubConfig) async throws -> Outcome {
        var entries: [QuarantineEntry] = []
        if ids.isEmpty {
            entries = try await store.quarantineEntries(connector: connector, limit: Int.max)
        } else {
            for id in ids {
                guard let entry = try await store.quarantineEntry(id: id) else {
                    throw PortraitError.notFound("no quarantine entry \(id); `portrait quarantine list` shows the ids")
                }
                entries.append(entry)
            }
        }
        var outcome = Outcome()
        for (connectorName, group) in Dictionary(grouping: entries, by: \.connector).sorted(by: { $0.key < $1.key }) {
            guard let connectorConfig = config.connector(named: connectorName) else {
                outcome.notReplayable += group.count
                outcome.messages.append(
                    "\(group.count) entr\(group.count == 1 ? "y" : "ies") of connector '\(connectorName)', which is no longer in portrait.yml")
                continue
            }
            var batch = CommitBatch(connector: connectorName, runID: nil)
            for entry in group {
                outcome.replayed += 1
                guard case .object = entry.raw else {
                    outcome.notReplayable += 1
                    outcome.messages.append(
                        "#\(entry.id) (\(entry.location)): the input could not be read as a record; fix the source and sync again")
                    continue
                }
                let record = SourceRecord(
                    stream: entry.stream, sourceID: entry.sourceID ?? entry.location, fields: entry.raw, location: entry.location,
                    sourceText: entry.sourceText)
                switch connectorConfig.route(record) {
                case .store(let write):
                    batch.records.append(write)
                    batch.resolvedQuarantine.append(entry.id)
                    outcome.stored += 1
                case .quarantine(let write):
                    batch.quarantine.append(write)  // Refreshes the entry's reasons.
                    outcome.stillFailing += 1
                }
            }
            _ = try await store.commit(batch)
        }
        return outcome
    }
}
