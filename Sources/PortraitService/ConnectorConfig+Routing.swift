import PortraitConfig
import PortraitCore
import PortraitStore

/// Where one source record goes: into the store, or into quarantine with every reason.
enum RoutedRecord {
    case store(RecordWrite)
    case quarantine(QuarantineWrite)
}

/// What can be known of a source record before mapping it: its key, raw text and content hash.
///
/// The hash covers the raw text, the stream mapping's fingerprint and the deletion flag, so a record whose hash
/// equals the stored one would map to the same canonical record: a sync counts it unchanged without mapping it.
/// It holds no copy of the record (a copy retains each of its strings and arrays): the record is passed beside it.
struct PreparedRecord {
    /// The stream's mapping; nil when the connector has none for the stream (the record goes to quarantine).
    var mapping: RecordMapping?
    /// The key the record will be stored under; nil when the mapping's `source_id` field is missing.
    var sourceID: String?
    var rawText: String
    var contentHash: String
}

extension ConnectorConfig {
    func prepare(_ record: SourceRecord) -> PreparedRecord {
        let rawText = record.rawText
        guard let mapping = mapping.mapping(forStream: record.stream) else {
            return PreparedRecord(mapping: nil, sourceID: nil, rawText: rawText, contentHash: "")
        }
        return PreparedRecord(
            mapping: mapping, sourceID: mapping.sourceID(of: record), rawText: rawText,
            contentHash: ContentHash.of(
                rawText: rawText, mappingFingerprint: mapping.fingerprint, deleted: record.isDeletion))
    }

    /// Maps and validates `record` with this connector's mapping for its stream.
    ///
    /// The one place a sync and a quarantine replay decide a record's fate, so both give the same reasons.
    func route(_ record: SourceRecord) -> RoutedRecord {
        route(record, prepared: prepare(record))
    }

    func route(_ record: SourceRecord, prepared: PreparedRecord) -> RoutedRecord {
        guard let mapping = prepared.mapping else {
            return .quarantine(
                QuarantineWrite(
                    stream: record.stream, sourceID: record.sourceID, location: record.location, raw: record.fields,
                    reasons: [
                        "no mapping for stream '\(record.stream)'; add mapping.\(record.stream) (or mapping.*) to connector '\(name)' in portrait.yml, then run `portrait quarantine replay`"
                    ], sourceText: record.sourceText))
        }
        if let mapped = mapping.mapToText(record) {
            return .store(
                RecordWrite(
                    stream: record.stream, sourceID: mapped.sourceID, entity: mapping.entity,
                    rawText: prepared.rawText, canonicalText: mapped.canonicalText, location: record.location,
                    isDeletion: record.isDeletion, contentHash: prepared.contentHash))
        }
        let result = mapping.map(record)
        if let canonical = result.canonical, result.reasons.isEmpty {
            return .store(
                RecordWrite(
                    stream: record.stream, sourceID: result.sourceID, entity: result.entity, raw: record.fields,
                    rawText: prepared.rawText, canonical: canonical, location: record.location,
                    isDeletion: record.isDeletion, contentHash: prepared.contentHash))
        }
        return .quarantine(
            QuarantineWrite(
                stream: record.stream, sourceID: result.sourceID, location: record.location, raw: record.fields,
                reasons: result.reasons, sourceText: record.sourceText))
    }
}
