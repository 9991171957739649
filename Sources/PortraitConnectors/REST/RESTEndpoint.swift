import Foundation
import PortraitCore
import PortraitHTTP

/// One API listing, as a request template plus where its records and next page are: the records endpoint, or
/// the endpoint that lists deleted records.
///
/// Templates may use `{since}` (the incremental cursor, in the configured format) and `{page_size}` in the path,
/// query values, header values and body strings; a body string that is exactly `{page_size}` becomes a number.
struct RESTEndpoint: Sendable {
    var method: String
    /// Relative to `base_url` (`/crm/v3/objects/contacts/search`), or an absolute URL.
    var path: String
    var query: [(String, String)]
    var headers: [(String, String)]
    var body: JSONValue?
    /// Dotted path of the record list in the response body (`results`, `data.items`); empty: the body is the list.
    var records: String
    var idField: String
    var pagination: RESTPagination
    /// Every record this endpoint lists is a deletion (an archived-records endpoint).
    var listsDeletions: Bool

    /// What the placeholders stand for in one run.
    struct Values {
        var since: String
        var pageSize: Int
    }

    /// The request for the page at `cursor` (nil: the first page).
    func request(base: RESTBaseURL, cursor: RESTPageCursor?, values: Values) -> HTTPRequest {
        var query = self.query.map { ($0.0, Self.fill($0.1, values)) }
        var body = self.body.map { Self.fill($0, values) }
        var url: String
        if case .url(let next)? = cursor {
            url = next
            query = []
        } else {
            url = base.resolve(Self.fill(path, values))
            switch (pagination, cursor) {
            case (.cursor(_, let parameter, let inBody), .cursor(let value)?):
                if inBody {
                    var object = body?.objectValue ?? [:]  // The options check that a body is an object.
                    object[parameter] = .string(value)
                    body = .object(object)
                } else {
                    query.append((parameter, value))
                }
            case (.page(let parameter, let sizeParameter, let start), _):
                var number = start
                if case .number(let n)? = cursor { number = n }
                query.append((parameter, String(number)))
                if let sizeParameter { query.append((sizeParameter, String(values.pageSize))) }
            case (.offset(let parameter, let limitParameter), _):
                var offset = 0
                if case .offset(let n)? = cursor { offset = n }
                query.append((parameter, String(offset)))
                if let limitParameter { query.append((limitParameter, String(values.pageSize))) }
            default:
                break
            }
        }
        if !query.isEmpty {
            url += (url.contains("?") ? "&" : "?") + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        var headers = self.headers.map { ($0.0, Self.fill($0.1, values)) }
        if !headers.contains(where: { $0.0.lowercased() == "accept" }) { headers.append(("Accept", "application/json")) }
        var bytes: [UInt8]?
        if let body {
            bytes = Array(body.canonicalText.utf8)
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: bytes)
    }

    /// One page of a response: its records, and where the next page starts (nil: this was the last).
    struct Page {
        var records: [JSONValue]
        var next: RESTPageCursor?
    }

    /// Reads the records and the next page from a successful response.
    ///
    /// - Throws: `PortraitError.connector` naming the URL when the body is not JSON (with the byte offset), has no
    ///   list at `records`, or points the next page at another host.
    func page(
        from response: HTTPResponse, body: JSONValue, cursor: RESTPageCursor?, base: RESTBaseURL, pageSize: Int
    ) throws -> Page {
        let place = "\(response.method) \(response.url)"
        guard let found = body.value(atPath: records) else {
            let keys = body.objectValue.map { $0.keys.sorted().joined(separator: ", ") } ?? body.typeName
            throw PortraitError.connector(
                "\(place): the response has no record list at '\(records.isEmpty ? "(body)" : records)' (it has: \(keys)); set options.records to the path of the list"
            )
        }
        guard case .array(let list) = found else {
            throw PortraitError.connector(
                "\(place): '\(records)' in the response is \(found.typeName), not a list of records; set options.records to the path of the list"
            )
        }
        var next: RESTPageCursor?
        switch pagination {
        case .none:
            next = nil
        case .cursor(let path, _, _):
            if let value = body.value(atPath: path)?.textValue, !value.isEmpty { next = .cursor(value) }
        case .nextLink(let path, let done):
            let finished = done.flatMap { body.value(atPath: $0)?.boolValue } ?? false
            if !finished, let link = body.value(atPath: path)?.stringValue, !link.isEmpty {
                next = .url(try base.follow(link, from: place))
            }
        case .linkHeader:
            if let link = response.header("Link").flatMap(Self.nextLink) { next = .url(try base.follow(link, from: place)) }
        case .page(_, _, let start):
            var number = start
            if case .number(let n)? = cursor { number = n }
            if list.count >= pageSize, !list.isEmpty { next = .number(number + 1) }
        case .offset:
            var offset = 0
            if case .offset(let n)? = cursor { offset = n }
            if list.count >= pageSize, !list.isEmpty { next = .offset(offset + list.count) }
        }
        if let next, next == cursor {
            throw PortraitError.connector(
                "\(place): the server gave the same next page as the page just read, which would loop forever; check options.pagination"
            )
        }
        return Page(records: list, next: next)
    }

    /// The `rel="next"` target of an RFC 8288 `Link` header.
    static func nextLink(_ header: String) -> String? {
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = pieces.dropFirst().contains { parameter in
                let lowered = parameter.lowercased().replacingOccurrences(of: " ", with: "")
                return lowered == "rel=\"next\"" || lowered == "rel=next"
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }

    static func fill(_ text: String, _ values: Values) -> String {
        guard text.contains("{") else { return text }
        return text.replacingOccurrences(of: "{since}", with: values.since)
            .replacingOccurrences(of: "{page_size}", with: String(values.pageSize))
    }

    static func fill(_ value: JSONValue, _ values: Values) -> JSONValue {
        switch value {
        case .string("{page_size}"): return .number(values.pageSize)
        case .string(let text): return .string(fill(text, values))
        case .array(let list): return .array(list.map { fill($0, values) })
        case .object(let object): return .object(object.mapValues { fill($0, values) })
        default: return value
        }
    }

    /// Percent-encodes all but RFC 3986's unreserved characters (so `+`, `&`, `=` and spaces in a SOQL query or a
    /// secret travel intact).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// The API's base URL: resolves template paths and checks that next-page links stay on the same origin, so
/// credentials are never sent to a host the operator did not configure.
struct RESTBaseURL: Sendable {
    let text: String
    /// `scheme://host[:port]`, lowercased.
    let origin: String

    init(_ text: String, at path: String) throws {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw PortraitError.configuration(
                "\(path) '\(HTTPClient.redacted(text))' must be an http:// or https:// URL such as https://api.example.com")
        }
        guard components.query == nil, components.user == nil, components.password == nil else {
            throw PortraitError.configuration(
                "\(path) must not carry a query string or credentials; put keys in options.auth")
        }
        self.text = trimmed
        origin = "\(scheme)://\(host.lowercased())" + (components.port.map { ":\($0)" } ?? "")
    }

    /// `path` against the base: absolute URLs stay as they are.
    func resolve(_ path: String) -> String {
        let lower = path.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return path }
        return text + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// A next-page link from the server: absolute on the same origin, or a path from the origin's root.
    func follow(_ link: String, from place: String) throws -> String {
        let lower = link.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard lower == origin || lower.hasPrefix(origin + "/") || lower.hasPrefix(origin + "?") else {
                throw PortraitError.connector(
                    "\(place): the next page is on another host (\(HTTPClient.redacted(link))); Portrait only follows links on \(origin), so credentials never leave it"
                )
            }
            return link
        }
        return origin + (link.hasPrefix("/") ? link : "/" + link)
    }
}
