import Foundation
import PortraitCore

/// What an `xml_feed` connector remembers between runs: the SHA-256 of every document imported whole (so an
/// identical file is not read again), where to resume inside a document a run left part-way, and the
/// "updated since" watermark.
struct XMLFeedState: Sendable, Equatable {
    /// A document left part-way: by a killed run, or stopped by malformed XML after `records` records.
    struct Position: Sendable, Equatable {
        var name: String
        var sha256: String
        /// Record elements already handled (committed or quarantined); a rerun of the same bytes skips them.
        var records: Int
        /// Why the document stopped, when it did (`file:line:column: message`).
        var error: String?
    }

    /// What a URL's server said of the feed last read whole from it, to ask next time whether it changed.
    struct Validators: Sendable, Equatable {
        /// SHA-256 of the URL the validators are for (the URL may hold a key, so it is not kept itself).
        var url: String
        var etag: String?
        var lastModified: String?
        /// When the feed was read whole (ISO 8601).
        var at: String

        /// The conditional request headers that ask whether the feed changed since.
        var requestHeaders: [(String, String)] {
            (etag.map { [("If-None-Match", $0)] } ?? []) + (lastModified.map { [("If-Modified-Since", $0)] } ?? [])
        }
    }

    var imported = ImportedFiles()
    var position: Position?
    var validators: Validators?
    /// The largest `updated_field` value committed, as the feed wrote it.
    var watermark: String?

    init() {}

    init(_ state: ConnectorState?) {
        guard let value = state?.value else { return }
        imported = ImportedFiles(value["imported"])
        if let position = value["position"], let name = position["name"]?.stringValue,
            let sha256 = position["sha256"]?.stringValue, let records = position["records"]?.numberValue
        {
            self.position = Position(
                name: name, sha256: sha256, records: records.clampedInt,
                error: position["error"]?.stringValue)
        }
        watermark = value["watermark"]?.stringValue
        if let fetched = value["fetched"], let url = fetched["url"]?.stringValue,
            let at = fetched["at"]?.stringValue
        {
            validators = Validators(
                url: url, etag: fetched["etag"]?.stringValue, lastModified: fetched["last_modified"]?.stringValue, at: at)
        }
    }

    /// Whether a file of `size` bytes is new without its hash being known: large enough to be hashed beside its
    /// parse (`XMLFeedConnector.hashBesideBytes`), of a size no imported file had, and with no position to resume.
    func isNewBySize(_ size: Int) -> Bool {
        position == nil && size >= XMLFeedConnector.hashBesideBytes && !imported.mayHold(size: size)
    }

    mutating func recordImport(sha256: String, name: String, size: Int? = nil, at date: Date) {
        imported.record(sha256: sha256, name: name, size: size, at: date)
        position = nil
    }

    var connectorState: ConnectorState {
        var value: [String: JSONValue] = [
            "imported": imported.json
        ]
        if let position {
            var entry: [String: JSONValue] = [
                "name": .string(position.name), "sha256": .string(position.sha256),
                "records": .number(Decimal(position.records)),
            ]
            if let error = position.error { entry["error"] = .string(error) }
            value["position"] = .object(entry)
        }
        if let watermark { value["watermark"] = .string(watermark) }
        if let validators {
            var fetched: [String: JSONValue] = [
                "url": .string(validators.url), "at": .string(validators.at),
            ]
            if let etag = validators.etag { fetched["etag"] = .string(etag) }
            if let lastModified = validators.lastModified { fetched["last_modified"] = .string(lastModified) }
            value["fetched"] = .object(fetched)
        }
        return ConnectorState(.object(value))
    }
}
