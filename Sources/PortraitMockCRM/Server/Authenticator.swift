import Foundation

/// Checks data requests against ``MockCRM/Auth`` and runs the two OAuth2 token endpoints.
struct Authenticator: Sendable {
    static let hubSpotTokenPath = "/oauth/v1/token"
    static let salesforceTokenPath = "/services/oauth2/token"

    let auth: MockCRM.Auth
    let state: CRMState

    /// Whether `request` carries the configured credentials.
    func accepts(_ request: MockCRM.RequestRecord) -> Bool {
        switch auth {
        case .none:
            return true
        case .bearer(let token):
            return Self.bearerToken(request) == token
        case .basic(let user, let password):
            guard let credentials = Self.basicCredentials(request) else { return false }
            return credentials.user == user && credentials.password == password
        case .apiKeyHeader(let name, let key):
            return request.header(name) == key
        case .apiKeyQuery(let name, let key):
            return request.queryParameter(name) == key
        case .oauth2:
            guard let token = Self.bearerToken(request) else { return false }
            return state.isValidToken(token)
        }
    }

    /// `POST /oauth/v1/token` or `POST /services/oauth2/token` with the client-credentials grant; the client id
    /// and secret come from the form or from HTTP Basic auth, as OAuth2 allows both.
    func token(_ request: MockCRM.RequestRecord, shape: APIShape) -> Answer {
        guard request.method == "POST" else {
            return Answer.json(#"{"error":"invalid_request","error_description":"use POST"}"#, status: 405)
        }
        let form = FormURLEncoded.parse(Substring(decoding: request.body, as: UTF8.self))
        func field(_ name: String) -> String? { form.first { $0.name == name }?.value }
        guard field("grant_type") == "client_credentials" else {
            return .json(
                #"{"error":"unsupported_grant_type","error_description":"grant type not supported"}"#, status: 400)
        }
        let basic = Self.basicCredentials(request)
        let clientID = field("client_id") ?? basic?.user
        let clientSecret = field("client_secret") ?? basic?.password
        guard case .oauth2(let expectedID, let expectedSecret, let lifetime) = auth, clientID == expectedID,
            clientSecret == expectedSecret
        else {
            switch shape {
            case .salesforce:
                return .json(
                    #"{"error":"invalid_client","error_description":"invalid client credentials"}"#, status: 401)
            case .hubSpot, .other:
                return .json(#"{"error":"invalid_client"}"#, status: 401)
            }
        }
        let token = state.issueToken(lifetime: lifetime)
        let seconds = lifetime.components.seconds + (lifetime.components.attoseconds > 0 ? 1 : 0)
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("access_token")
        writer.string(token)
        switch shape {
        case .salesforce:
            writer.key("instance_url")
            writer.string(state.baseURL)
            writer.key("token_type")
            writer.string("Bearer")
            writer.key("issued_at")
            writer.string(String(Int64((Date().timeIntervalSince1970 * 1000).rounded())))
        case .hubSpot, .other:
            writer.key("token_type")
            writer.string("bearer")
        }
        writer.key("expires_in")
        writer.int(Int(seconds))
        writer.endObject()
        return .json(writer.bytes)
    }

    private static func bearerToken(_ request: MockCRM.RequestRecord) -> String? {
        guard let value = request.header("authorization"), let space = value.firstIndex(of: " "),
            value[..<space].lowercased() == "bearer"
        else { return nil }
        return value[value.index(after: space)...].trimmingSpaces()
    }

    private static func basicCredentials(_ request: MockCRM.RequestRecord) -> (user: String, password: String)? {
        guard let value = request.header("authorization"), let space = value.firstIndex(of: " "),
            value[..<space].lowercased() == "basic",
            let data = Data(base64Encoded: value[value.index(after: space)...].trimmingSpaces()),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
