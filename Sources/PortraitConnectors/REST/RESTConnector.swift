public import PortraitCore
import Foundation
import Logging
import PortraitHTTP

/// Pulls records from a paginated REST API (a CRM's contacts) over the project's libcurl client.
///
/// Each page's records are committed with a checkpoint naming the next page, so a killed run resumes after the
/// last committed page. With `updated_field`, later runs ask only for records updated since the newest one
/// committed (`{since}` in the request). While one page is stored, the next is already being fetched.
public struct RESTConnector: Connector {
    public static let kind = "rest"
    public static let summary = "REST API (CRM contacts): paginated, incremental pulls; presets hubspot and salesforce"
    public static var configSpec: JSONValue { SchemaRegistry.canonical.schema(named: "connectors/rest.schema.json") ?? [:] }

    let name: String
    let options: RESTOptions
    let client: HTTPClient
    let logger: Logger

    public init(context: ConnectorContext) throws {
        name = context.name
        options = try RESTOptions(context: context)
        client = HTTPClient(configuration: options.http)
        logger = context.logger
    }

    public var streamNames: [String] { [options.stream] }

    /// Fetches the first page once, without retries, and reads its record list: an unreachable host, refused
    /// credentials and a wrong `records` path each fail with their own message.
    public func check() async throws {
        let state = RESTState(nil, initialSince: options.initialSince)
        let (response, body) = try await fetch(options.records, cursor: nil, state: state, retry: .never)
        _ = try options.records.page(from: response, body: body, cursor: nil, base: options.base, pageSize: options.pageSize)
    }

    public func discover() async throws -> [StreamDescription] {
        let state = RESTState(nil, initialSince: options.initialSince)
        let (response, body) = try await fetch(options.records, cursor: nil, state: state, retry: options.retry)
        let page = try options.records.page(from: response, body: body, cursor: nil, base: options.base, pageSize: options.pageSize)
        var sample = StreamDescription.FieldSample()
        for record in page.records { sample.add(record) }
        return [StreamDescription(name: options.stream, fields: sample.fields)]
    }

    public func read(from state: ConnectorState?, into output: ConnectorOutput) async throws {
        do {
            try await read(from: RESTState(state, initialSince: options.initialSince), into: output)
        } catch let error as PortraitError where error.kind == .connector {
            throw PortraitError(
                .connector, error.message + "; records up to the last committed page are kept, and the next sync resumes after it")
        }
    }

    private func read(from state: RESTState, into output: ConnectorOutput) async throws {
        var state = state
        if state.phase == .records {
            try await read(options.records, state: &state, into: output)
            state.phase = .deletions
            state.page = nil
        }
        if let deletions = options.deletions {
            try await read(deletions, state: &state, into: output)
        }
        try await output.checkpoint(state.completed().connectorState)
    }

    /// Reads one endpoint from `state.page` to its last page, committing each page with the cursor of the next.
    private func read(_ endpoint: RESTEndpoint, state: inout RESTState, into output: ConnectorOutput) async throws {
        let phase = state.phase
        let snapshot = state
        var fetching: Task<(HTTPResponse, JSONValue), any Error>? = Task {
            try await fetch(endpoint, cursor: snapshot.page, state: snapshot, retry: options.retry)
        }
        defer { fetching?.cancel() }
        while let current = fetching {
            let (response, body) = try await current.value
            let cursor = state.page
            let page = try endpoint.page(from: response, body: body, cursor: cursor, base: options.base, pageSize: options.pageSize)
            state.pagesRead += 1
            let next = page.next.map(scrub)
            // The next page downloads while this one is mapped and committed.
            if let next {
                let snapshot = state
                fetching = Task { try await fetch(endpoint, cursor: next, state: snapshot, retry: options.retry) }
            } else {
                fetching = nil
            }
            let place = "\(response.method) \(response.url) page \(state.pagesRead)"
            for (index, record) in page.records.enumerated() {
                let message = self.message(for: record, endpoint: endpoint, location: "\(place) #\(index + 1)", state: &state)
                try await output.send(message)
            }
            state.phase = phase
            state.page = next
            if next == nil {
                state.pagesRead = 0
                if phase == .records { state.phase = .deletions }
            }
            try await output.checkpoint(state.connectorState)
        }
    }

    private func message(
        for record: JSONValue, endpoint: RESTEndpoint, location: String, state: inout RESTState
    ) -> ConnectorMessage {
        guard case .object = record else {
            return .unreadable(
                UnreadableRecord(
                    stream: options.stream, location: location, raw: record.canonicalText,
                    reasons: ["expected a JSON object, found \(record.typeName)"]))
        }
        guard let id = record.value(atPath: endpoint.idField)?.textValue, !id.isEmpty else {
            return .unreadable(
                UnreadableRecord(
                    stream: options.stream, location: location, raw: record.canonicalText,
                    reasons: ["missing record id '\(endpoint.idField)'; set options.id_field to the field that identifies a record"]))
        }
        if let field = options.updatedField, let value = record.value(atPath: field), let instant = RESTTimestamp.milliseconds(value) {
            state.consider(instant)
        }
        let deleted = endpoint.listsDeletions || options.deletedFlag.map { record.value(atPath: $0.field) == $0.value } == true
        return .record(SourceRecord(stream: options.stream, sourceID: id, fields: record, location: location, isDeletion: deleted))
    }

    /// Fetches and parses one page, retrying transient failures and renewing an OAuth2 token the API refused.
    ///
    /// - Throws: `PortraitError.connector` with the URL (never the query, where keys may travel), the status and
    ///   what to check; secrets are scrubbed from any text the server sent back.
    private func fetch(
        _ endpoint: RESTEndpoint, cursor: RESTPageCursor?, state: RESTState, retry: RetryPolicy
    ) async throws -> (HTTPResponse, JSONValue) {
        let request = endpoint.request(base: options.base, cursor: cursor, values: options.values(since: state.since))
        let onRetry = logger.retryLogger(connector: name, url: request.url)
        do {
            var (authorized, token) = try await options.auth.authorize(request, client: client, retry: retry)
            var response = try await client.send(authorized, retry: retry, onRetry: onRetry)
            if response.status == 401, case .oauth2(let credentials) = options.auth, let token {
                // An expired or revoked token: fetch a new one and try once more.
                await credentials.invalidate(token)
                (authorized, _) = try await options.auth.authorize(request, client: client, retry: retry)
                response = try await client.send(authorized, retry: retry, onRetry: onRetry)
            }
            guard response.isSuccess else { throw refusal(response) }
            do {
                return (response, try JSONValue(parsing: response.body))
            } catch let error as PortraitError {
                throw PortraitError.connector(
                    "\(response.method) \(response.url): the page is \(error.message) (\(response.body.count) bytes received); nothing from this page was stored")
            }
        } catch let error as PortraitError {
            throw PortraitError(error.kind, scrub(error.message))
        }
    }

    /// An error for a response whose status is not 2xx, naming what to check.
    private func refusal(_ response: HTTPResponse) -> PortraitError {
        var message = "\(response.method) \(response.url) returned \(response.statusText)"
        let detail = response.serverMessage
        if !detail.isEmpty { message += ": \(detail)" }
        switch response.status {
        case 401, 403:
            message += "; the API refused the credentials: check options.auth (and the secret it references)"
        case 404:
            message += "; check options.base_url and options.path (or object for a preset)"
        case 400:
            message += "; the API rejected the request: check options.query, options.body and the field names"
        default:
            break
        }
        return PortraitError.connector(message)
    }

    /// `text` with every configured secret replaced, for text that may echo what was sent.
    private func scrub(_ text: String) -> String {
        options.auth.secrets.reduce(text) { $1.isEmpty ? $0 : $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// A next-page link without the API key the server may have echoed into it (it is added to every request).
    private func scrub(_ cursor: RESTPageCursor) -> RESTPageCursor {
        guard case .url(let link) = cursor, case .apiKeyQuery(let name, _) = options.auth,
            var components = URLComponents(string: link)
        else { return cursor }
        components.queryItems = components.queryItems?.filter { $0.name != name }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        return .url(components.string ?? link)
    }
}
