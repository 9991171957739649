import PortraitConfig
import PortraitCore
import PortraitStore

/// Where one source record goes: into the store, or into quarantine with every reason.
enum RoutedRecord {
    case store(RecordWrite)
    case quarantine(QuarantineWrite)
}

extension ConnectorConfig {
    /// Maps and validates `record` with this connector's mapping for its stream.
    ///
    /// The one place a sync and a quarantine replay decide a record's fate, so both give the same reasons.
    func route(_ record: SourceRecord) -> RoutedRecord {
        guard let mapping = mapping.mapping(forStream: record.stream) else {
            return .quarantine(
                QuarantineWrite(
                    stream: record.stream, sourceID: record.sourceID, location: record.location, raw: record.fields,
                    reasons: [
                        "no mapping for stream '\(record.stream)'; add mapping.\(record.stream) (or mapping.*) to connector '\(name)' in portrait.yml, then run `portrait quarantine replay`"
                    ]))
        }
        let result = mapping.map(record)
        if let canonical = result.canonical, result.reasons.isEmpty {
            return .store(
                RecordWrite(
                    stream: record.stream, sourceID: result.sourceID, entity: result.entity, raw: record.fields,
                    canonical: canonical, location: record.location, isDeletion: record.isDeletion))
        }
        return .quarantine(
            QuarantineWrite(
                stream: record.stream, sourceID: result.sourceID, location: record.location, raw: record.fields,
                reasons: result.reasons))
    }
}
