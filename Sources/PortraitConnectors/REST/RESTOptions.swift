import Foundation
import PortraitCore
import PortraitHTTP

/// A `rest` connector's options with its preset applied, checked and compiled once.
struct RESTOptions: Sendable {
    let base: RESTBaseURL
    let stream: String
    let records: RESTEndpoint
    /// An endpoint listing deleted or archived records, read after the records.
    let deletions: RESTEndpoint?
    /// A record whose value at this path equals `value` is a deletion (`archived: true`, `IsDeleted: true`).
    let deletedFlag: (field: String, value: JSONValue)?
    /// The record field holding its last update; with it, runs after the first pull only what changed.
    let updatedField: String?
    let sinceFormat: RESTTimestamp.Format
    /// `{since}` on the first run, as milliseconds since 1970.
    let initialSince: Int64
    let pageSize: Int
    let auth: RESTAuth
    let retry: RetryPolicy
    let http: HTTPClient.Configuration

    init(context: ConnectorContext) throws {
        let prefix = "connector '\(context.name)': options"
        var options = context.options
        if let presetName = options["preset"]?.stringValue {
            guard let preset = RESTPreset(rawValue: presetName) else {
                let names = RESTPreset.allCases.map(\.rawValue)
                let close = Suggestions.closest(to: presetName, among: names).map { "; did you mean '\($0)'?" } ?? ""
                throw PortraitError.configuration(
                    "\(prefix).preset '\(presetName)' is not one of \(names.joined(separator: ", "))\(close)")
            }
            options = try preset.merged(with: options, at: prefix)
        }
        guard let baseText = options["base_url"]?.stringValue else {
            throw PortraitError.configuration(
                "\(prefix).base_url is required: the API's root, such as https://yourcompany.my.salesforce.com")
        }
        base = try RESTBaseURL(baseText, at: "\(prefix).base_url")
        guard let path = options["path"]?.stringValue else {
            throw PortraitError.configuration(
                "\(prefix).path is required: the listing to read, such as /v1/contacts (or set preset: hubspot or salesforce)")
        }
        let idField = options["id_field"]?.stringValue ?? "id"
        records = try Self.endpoint(
            options, path: path, idField: idField, listsDeletions: false, at: prefix)
        pageSize = options["page_size"]?.intValue.map { max($0, 1) } ?? 100
        stream = options["stream"]?.stringValue ?? "records"
        updatedField = options["updated_field"]?.stringValue

        switch options["deleted"] {
        case nil:
            deletions = nil
            deletedFlag = nil
        case .object(let deleted)? where deleted["field"] != nil:
            guard let field = deleted["field"]?.stringValue else {
                throw PortraitError.configuration("\(prefix).deleted.field must be the path of the deletion flag, such as archived")
            }
            deletedFlag = (field, deleted["value"] ?? true)
            deletions = nil
        case .object(let deleted)? where deleted["path"] != nil:
            deletions = try Self.endpoint(
                .object(deleted), path: deleted["path"]?.stringValue ?? "", idField: deleted["id_field"]?.stringValue ?? idField,
                listsDeletions: true, at: "\(prefix).deleted")
            deletedFlag = nil
        default:
            throw PortraitError.configuration(
                "\(prefix).deleted must be { field: archived } (a flag on each record) or { path: /v1/contacts/deleted, records: … } (an endpoint listing deletions)"
            )
        }

        let formatText = options["since_format"]?.stringValue ?? RESTTimestamp.Format.iso8601.rawValue
        guard let format = RESTTimestamp.Format(rawValue: formatText) else {
            throw PortraitError.configuration(
                "\(prefix).since_format '\(formatText)' is not one of \(RESTTimestamp.Format.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        sinceFormat = format
        if let initial = options["initial_since"] {
            guard let milliseconds = RESTTimestamp.milliseconds(initial) else {
                throw PortraitError.configuration(
                    "\(prefix).initial_since must be a date-time such as 2024-01-01T00:00:00Z")
            }
            initialSince = milliseconds
        } else {
            initialSince = 0
        }

        auth = try RESTAuth(options["auth"], at: "\(prefix).auth")
        retry = RetryPolicy(option: options["retry"])
        http = HTTPClient.Configuration(
            connectTimeout: .seconds(options["connect_timeout_seconds"]?.intValue ?? 10),
            timeout: .seconds(options["timeout_seconds"]?.intValue ?? 60),
            maxResponseBytes: options["max_response_bytes"]?.intValue ?? 32 << 20,
            caBundlePath: try context.caBundlePath(),
            settingNames: .init(caBundle: "options.ca_bundle", maxResponseBytes: "options.max_response_bytes"))
    }

    /// The `{since}` and `{page_size}` values for a run whose cursor is `since`.
    func values(since: Int64) -> RESTEndpoint.Values {
        RESTEndpoint.Values(since: RESTTimestamp.text(since, as: sinceFormat), pageSize: pageSize)
    }

    private static func endpoint(
        _ options: JSONValue, path: String, idField: String, listsDeletions: Bool, at prefix: String
    ) throws -> RESTEndpoint {
        func pairs(_ key: String) throws -> [(String, String)] {
            guard let value = options[key] else { return [] }
            guard case .object(let object) = value else {
                throw PortraitError.configuration("\(prefix).\(key) must be a mapping of names to values")
            }
            return try object.keys.sorted().map { name in
                guard let text = object[name]?.textValue else {
                    throw PortraitError.configuration("\(prefix).\(key).\(name) must be text or a number")
                }
                return (name, text)
            }
        }
        let method = (options["method"]?.stringValue ?? (options["body"] != nil ? "POST" : "GET")).uppercased()
        guard ["GET", "POST"].contains(method) else {
            throw PortraitError.configuration("\(prefix).method must be GET or POST, not '\(method)'")
        }
        if let body = options["body"], body.objectValue == nil {
            throw PortraitError.configuration("\(prefix).body must be a JSON object (the search request)")
        }
        return RESTEndpoint(
            method: method, path: path, query: try pairs("query"), headers: try pairs("headers"),
            body: options["body"], records: options["records"]?.stringValue ?? "", idField: idField,
            pagination: try RESTPagination(options["pagination"], at: "\(prefix).pagination"),
            listsDeletions: listsDeletions)
    }
}
