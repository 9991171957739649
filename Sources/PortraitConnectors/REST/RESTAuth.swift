import Foundation
import PortraitCore
import PortraitHTTP

/// How requests prove who they are, from `options.auth`. Secret values arrive already resolved from
/// `${ENV}` or `${file:…}` and are only ever written into request headers or the query: never into messages.
enum RESTAuth: Sendable {
    case none
    case bearer(token: String)
    case basic(username: String, password: String)
    case apiKeyHeader(name: String, key: String)
    case apiKeyQuery(name: String, key: String)
    case oauth2(OAuth2ClientCredentials)

    static let types = ["none", "bearer", "basic", "api_key", "oauth2"]

    init(_ value: JSONValue?, at path: String) throws {
        guard let value else {
            self = .none
            return
        }
        let type = value["type"]?.stringValue ?? ""
        func required(_ key: String, _ hint: String) throws -> String {
            guard let text = value[key]?.stringValue, !text.isEmpty else {
                throw PortraitError.configuration("\(path).\(key) is required for auth type \(type): \(hint)")
            }
            return text
        }
        switch type {
        case "none": self = .none
        case "bearer": self = .bearer(token: try required("token", "token: ${CRM_TOKEN}"))
        case "basic":
            self = .basic(
                username: try required("username", "the account name"),
                password: try required("password", "password: ${CRM_PASSWORD}"))
        case "api_key":
            let key = try required("api_key", "api_key: ${CRM_API_KEY}")
            switch (value["header"]?.stringValue, value["query"]?.stringValue) {
            case (let header?, nil): self = .apiKeyHeader(name: header, key: key)
            case (nil, let parameter?): self = .apiKeyQuery(name: parameter, key: key)
            default:
                throw PortraitError.configuration(
                    "\(path): set exactly one of header (header: X-API-Key) or query (query: api_key) for auth type api_key")
            }
        case "oauth2":
            let tokenURL = try required("token_url", "the token endpoint, such as https://auth.example.com/oauth/token")
            _ = try RESTBaseURL(tokenURL, at: "\(path).token_url").origin
            self = .oauth2(
                OAuth2ClientCredentials(
                    tokenURL: tokenURL, clientID: try required("client_id", "the client id"),
                    clientSecret: try required("client_secret", "client_secret: ${CRM_CLIENT_SECRET}"),
                    scope: value["scope"]?.stringValue))
        default:
            let close = Suggestions.closest(to: type, among: Self.types).map { "; did you mean '\($0)'?" } ?? ""
            throw PortraitError.configuration(
                "\(path).type \(type.isEmpty ? "is required" : "'\(type)' is not known"): one of \(Self.types.joined(separator: ", "))\(close)"
            )
        }
    }

    /// The secret values, so messages built from server replies can be scrubbed of them.
    var secrets: [String] {
        switch self {
        case .none: return []
        case .bearer(let token): return [token]
        case .basic(_, let password): return [password]
        case .apiKeyHeader(_, let key), .apiKeyQuery(_, let key): return [key]
        case .oauth2(let credentials): return [credentials.clientSecret]
        }
    }
}

/// OAuth2 client credentials (RFC 6749 §4.4): a token fetched when first needed, reused until shortly before it
/// expires, and fetched again early when the API refuses it (401).
actor OAuth2ClientCredentials {
    nonisolated let tokenURL: String
    nonisolated let clientID: String
    nonisolated let clientSecret: String
    nonisolated let scope: String?

    private var token: (value: String, expires: ContinuousClock.Instant)?
    /// One fetch at a time: concurrent requests wait for the same token.
    private var fetching: Task<(String, ContinuousClock.Instant), any Error>?

    /// A token is renewed this long before the server says it expires, so it never expires mid-request.
    static let margin = Duration.seconds(30)

    init(tokenURL: String, clientID: String, clientSecret: String, scope: String?) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }

    /// A valid access token, fetching one when there is none or it is about to expire.
    func accessToken(client: HTTPClient, retry: RetryPolicy) async throws -> String {
        if let token, ContinuousClock.now < token.expires { return token.value }
        if let fetching { return try await fetching.value.0 }
        let task = Task { try await self.fetch(client: client, retry: retry) }
        fetching = task
        defer { fetching = nil }
        let fetched = try await task.value
        token = fetched
        return fetched.0
    }

    /// Forgets `refused` (the API answered 401 to it), so the next `accessToken` fetches a new one.
    func invalidate(_ refused: String) {
        if token?.value == refused { token = nil }
    }

    private func fetch(client: HTTPClient, retry: RetryPolicy) async throws -> (String, ContinuousClock.Instant) {
        var form = "grant_type=client_credentials&client_id=\(RESTEndpoint.encode(clientID))"
        form += "&client_secret=\(RESTEndpoint.encode(clientSecret))"
        if let scope { form += "&scope=\(RESTEndpoint.encode(scope))" }
        let request = HTTPRequest(
            method: "POST", url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.utf8))
        let started = ContinuousClock.now
        let response = try await client.send(request, retry: retry)
        let place = "POST \(HTTPClient.redacted(tokenURL))"
        guard response.isSuccess else {
            var message = "\(place) (OAuth2 token endpoint) returned \(response.statusText)"
            if let error = (try? JSONValue(parsing: response.body))?["error"]?.stringValue {
                message += " (\(error))"
            }
            if response.status == 400 || response.status == 401 || response.status == 403 {
                message += "; the client credentials were refused: check options.auth.client_id and client_secret"
            }
            throw PortraitError.connector(message.replacingOccurrences(of: clientSecret, with: "***"))
        }
        guard let body = try? JSONValue(parsing: response.body), let value = body["access_token"]?.stringValue,
            !value.isEmpty
        else {
            throw PortraitError.connector("\(place) (OAuth2 token endpoint) answered without an access_token")
        }
        let lifetime = body["expires_in"]?.textValue.flatMap(Int.init) ?? 3600
        let expires = started + .seconds(max(lifetime, 1)) - Self.margin
        return (value, expires)
    }
}

extension RESTAuth {
    /// `request` with its credentials added; `token` is the OAuth2 access token used, for `invalidate`.
    func authorize(_ request: HTTPRequest, client: HTTPClient, retry: RetryPolicy) async throws -> (
        HTTPRequest, token: String?
    ) {
        var request = request
        switch self {
        case .none:
            return (request, nil)
        case .bearer(let token):
            request.headers.append(("Authorization", "Bearer \(token)"))
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            request.headers.append(("Authorization", "Basic \(encoded)"))
        case .apiKeyHeader(let name, let key):
            request.headers.append((name, key))
        case .apiKeyQuery(let name, let key):
            request.url += (request.url.contains("?") ? "&" : "?") + "\(RESTEndpoint.encode(name))=\(RESTEndpoint.encode(key))"
        case .oauth2(let credentials):
            let token = try await credentials.accessToken(client: client, retry: retry)
            request.headers.append(("Authorization", "Bearer \(token)"))
            return (request, token)
        }
        return (request, nil)
    }
}
