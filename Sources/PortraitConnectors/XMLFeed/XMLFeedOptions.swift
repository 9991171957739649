import Foundation
import PortraitCore
import PortraitHTTP

/// An `xml_feed` connector's options, checked and compiled once.
struct XMLFeedOptions: Sendable {
    /// Where documents come from.
    enum Source: Sendable {
        /// One file, read again only when its content changes.
        case file(url: URL, display: String)
        /// A drop folder: each complete file matching the glob imported once, then archived.
        case folder(DropFolder)
        /// An http(s) URL, parsed as its body streams in, fetched with `http` (its timeout, a private CA);
        /// `conditional`: asked with the validators of the last complete read whether it changed; `retry`: until
        /// the body starts.
        case url(
            String, headers: [(String, String)], http: HTTPClient.Configuration, conditional: Bool, retry: RetryPolicy)
    }

    let source: Source
    let selection: XMLSelection
    let stream: String
    /// The field (a key of `fields`) whose value identifies a record; nil: document name and record number.
    let idField: String?
    /// The field holding the record's last update, for the watermark.
    let updatedField: String?
    /// How the feed marks a record deleted: its `field`'s text is one of `values` (compared without case).
    let deletion: (field: String, values: Set<String>)?
    let whitespace: XMLWhitespace
    let limits: XMLLimits
    let checkpointRecords: Int

    /// `deleted: { field: status, values: [deleted, removed] }`; `values` defaults to `["true", "1"]`.
    ///
    /// - Parameter field: `deleted.field`, already checked to name one of the fields.
    private static func deletion(_ option: JSONValue?, field: String?, prefix: String) throws
        -> (field: String, values: Set<String>)?
    {
        guard let option else { return nil }
        let usage =
            "options.deleted must be { field: NAME, values: [TEXT, …] }, NAME a key of options.fields whose text marks a record deleted (values default to true and 1)"
        guard let field else {
            throw PortraitError.configuration("\(prefix): \(usage)")
        }
        let values = option["values"]?.arrayValue ?? ["true", "1"]
        let texts = values.compactMap { value -> String? in
            if case .bool(let flag) = value { return flag ? "true" : "false" }
            return value.textValue?.lowercased()
        }
        guard !texts.isEmpty, texts.count == values.count else {
            throw PortraitError.configuration("\(prefix): \(usage)")
        }
        return (field, Set(texts))
    }

    init(context: ConnectorContext) throws {
        let options = context.options
        let prefix = "connector '\(context.name)'"
        let given = ["path", "folder", "url"].filter { options[$0] != nil }
        guard given.count == 1 else {
            throw PortraitError.configuration(
                "\(prefix): set exactly one of options.path (a file), options.folder (a drop folder) or options.url (an http(s) feed)"
                    + (given.isEmpty ? "" : "; found \(given.joined(separator: " and "))"))
        }
        if let path = options["path"]?.stringValue {
            source = .file(url: context.url(forPath: path), display: path)
        } else if let folderPath = options["folder"]?.stringValue {
            let completionText = options["complete_when"]?.stringValue ?? DropFolder.Completion.stable.rawValue
            guard let completion = DropFolder.Completion(rawValue: completionText) else {
                throw PortraitError.configuration(
                    "\(prefix): options.complete_when '\(completionText)' is not one of stable, done_marker, renamed")
            }
            let folder = DropFolder(
                url: context.url(forPath: folderPath), displayPath: folderPath,
                glob: options["glob"]?.stringValue ?? "*.xml", completion: completion,
                stableSeconds: options["stable_seconds"]?.doubleValue
                    ?? 5,
                archiveName: options["archive_folder"]?.stringValue ?? "archive",
                rejectedName: options["rejected_folder"]?.stringValue ?? "rejected")
            for (key, value) in [("archive_folder", folder.archiveName), ("rejected_folder", folder.rejectedName)]
            where value.contains("/") || value == "." || value == ".." || folder.matches(value) {
                throw PortraitError.configuration(
                    "\(prefix): options.\(key) '\(value)' must be a plain folder name inside the drop folder that the glob does not match"
                )
            }
            source = .folder(folder)
        } else if let url = options["url"]?.stringValue {
            let lower = url.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw PortraitError.configuration(
                    "\(prefix): options.url '\(HTTPClient.redacted(url))' must be an http:// or https:// URL; for a local file use options.path"
                )
            }
            var headers: [(String, String)] = []
            for (name, value) in (options["headers"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let text = value.textValue else {
                    throw PortraitError.configuration("\(prefix): options.headers.\(name) must be text")
                }
                headers.append((name, text))
            }
            let seconds = options["timeout_seconds"]?.intValue ?? 3600
            source = .url(
                url, headers: headers,
                http: HTTPClient.Configuration(
                    timeout: .seconds(max(seconds, 1)), caBundlePath: try context.caBundlePath(),
                    settingNames: .init(caBundle: "options.ca_bundle")),
                conditional: options["conditional_get"]?.boolValue ?? true,
                retry: RetryPolicy(option: options["retry"]))
        } else {
            throw PortraitError.configuration("\(prefix): options.path, options.folder and options.url must be text")
        }

        guard let record = options["record"]?.stringValue else {
            throw PortraitError.configuration(
                "\(prefix): options.record is required: the path of the record element, such as /shop:feed/shop:order")
        }
        var namespaces: [String: String] = [:]
        for (name, value) in options["namespaces"]?.objectValue ?? [:] {
            guard let uri = value.stringValue, !uri.isEmpty else {
                throw PortraitError.configuration(
                    "\(prefix): options.namespaces.\(name) must be a namespace URI, such as urn:example:shop")
            }
            namespaces[name] = uri
        }
        selection = try XMLSelection(record: record, fields: options["fields"], namespaces: namespaces, prefix: prefix)
        stream = options["stream"]?.stringValue ?? selection.recordPath.last!.local
        let fieldNames = Set((options["fields"]?.objectValue ?? [:]).keys)
        /// The option at `key` (`id_field`, `deleted.field`), which must name one of `fields`.
        func fieldName(_ value: JSONValue?, key: String) throws -> String? {
            guard let name = value?.stringValue, !fieldNames.contains(name) else { return value?.stringValue }
            let close = Suggestions.closest(to: name, among: fieldNames).map { "; did you mean '\($0)'?" } ?? ""
            throw PortraitError.configuration(
                "\(prefix): options.\(key) '\(name)' is not one of options.fields (\(fieldNames.sorted().joined(separator: ", ")))\(close)"
            )
        }
        idField = try fieldName(options["id_field"], key: "id_field")
        updatedField = try fieldName(options["updated_field"], key: "updated_field")
        deletion = try Self.deletion(
            options["deleted"], field: fieldName(options["deleted"]?["field"], key: "deleted.field"), prefix: prefix)
        let whitespaceText = options["whitespace"]?.stringValue ?? XMLWhitespace.collapse.rawValue
        guard let whitespace = XMLWhitespace(rawValue: whitespaceText) else {
            throw PortraitError.configuration(
                "\(prefix): options.whitespace '\(whitespaceText)' is not one of collapse, trim, preserve")
        }
        self.whitespace = whitespace
        var limits = XMLLimits()
        if let depth = options["max_depth"]?.numberValue {
            limits.maxDepth = max(depth.clampedInt, 2)
        }
        if let bytes = options["max_record_bytes"]?.numberValue {
            limits.maxRecordBytes = max(bytes.clampedInt, 1024)
        }
        guard limits.maxDepth > selection.recordPath.count else {
            throw PortraitError.configuration(
                "\(prefix): options.max_depth (\(limits.maxDepth)) must be deeper than options.record (\(selection.recordPath.count) levels)"
            )
        }
        self.limits = limits
        checkpointRecords =
            options["checkpoint_records"]?.intValue.map { max($0, 1) } ?? 10_000
    }
}
