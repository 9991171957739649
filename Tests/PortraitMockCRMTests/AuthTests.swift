import Foundation
import PortraitMockCRM
import PortraitTesting
import Testing

/// Credentials on the data endpoints of both shapes, and the two OAuth2 token endpoints.
struct AuthTests {
    static let contacts = MockCRM.generatedContacts(count: 5, seed: 3)
    static let hubSpotPath = "/crm/v3/objects/contacts?limit=5"
    static let salesforcePath = "/services/data/v59.0/query?q=SELECT+Id+FROM+Contact"

    struct Case: Sendable, CustomTestStringConvertible {
        var auth: MockCRM.Auth
        /// Headers that carry the right credentials, and a query suffix for the query-parameter kind.
        var headers: [(String, String)]
        var query: String = ""
        var testDescription: String { "\(auth)" }
    }

    static let cases: [Case] = [
        Case(auth: .bearer(token: "pat-na1-123"), headers: [("Authorization", "Bearer pat-na1-123")]),
        Case(auth: .basic(user: "ada", password: "s3cr3t"), headers: [("Authorization", "Basic YWRhOnMzY3IzdA==")]),
        Case(auth: .apiKeyHeader(name: "X-Api-Key", key: "k-1"), headers: [("x-api-key", "k-1")]),
        Case(auth: .apiKeyQuery(name: "hapikey", key: "k-2"), headers: [], query: "&hapikey=k-2"),
    ]

    @Test(arguments: cases)
    func eachKindIsAcceptedWithTheRightCredentialsAndRefusedWithout(_ test: Case) async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: test.auth))
        try await crm.run { running in
            let hubSpot = try await Curl.request(running.url(Self.hubSpotPath + test.query), headers: test.headers)
            #expect(hubSpot.status == 200)
            let salesforce = try await Curl.request(
                running.url(Self.salesforcePath + test.query), headers: test.headers)
            #expect(salesforce.status == 200)

            try await Self.expectRefused(running)
            let wrong = try await Curl.request(
                running.url(Self.hubSpotPath + "&hapikey=wrong"), headers: [("Authorization", "Bearer wrong")])
            #expect(wrong.status == 401)
        }
    }

    /// Both shapes answer 401 with their own error body when no credentials come.
    static func expectRefused(_ running: MockCRM.Running, headers: [(String, String)] = []) async throws {
        let hubSpot = try await Curl.request(running.url(hubSpotPath), headers: headers)
        #expect(hubSpot.status == 401)
        #expect(hubSpot.object?["status"] as? String == "error")
        #expect(hubSpot.object?["message"] as? String == "Authentication credentials not found.")
        #expect(hubSpot.object?["category"] as? String == "INVALID_AUTHENTICATION")
        let salesforce = try await Curl.request(running.url(salesforcePath), headers: headers)
        #expect(salesforce.status == 401)
        let error = salesforce.list?.first as? [String: Any]
        #expect(error?["errorCode"] as? String == "INVALID_SESSION_ID")
        #expect(error?["message"] as? String == "Session expired or invalid")
    }

    static let oauth = MockCRM.Auth.oauth2(clientID: "client-1", clientSecret: "secret-1", tokenLifetime: .seconds(60))

    @Test func anOAuth2TokenFromEitherEndpointWorksUntilTokensExpire() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: Self.oauth))
        try await crm.run { running in
            let hubSpotToken = try await Curl.request(
                running.url("/oauth/v1/token"), method: "POST",
                body: "grant_type=client_credentials&client_id=client-1&client_secret=secret-1")
            let hubSpotBody = try #require(hubSpotToken.object, "\(hubSpotToken.text)")
            #expect(hubSpotBody["token_type"] as? String == "bearer")
            #expect(hubSpotBody["expires_in"] as? Int == 60)
            let first = try #require(hubSpotBody["access_token"] as? String)

            // Salesforce's endpoint, with the client credentials in a Basic header instead of the form.
            let salesforceToken = try await Curl.request(
                running.url("/services/oauth2/token"), method: "POST",
                headers: [("Authorization", "Basic Y2xpZW50LTE6c2VjcmV0LTE=")], body: "grant_type=client_credentials")
            let salesforceBody = try #require(salesforceToken.object, "\(salesforceToken.text)")
            #expect(salesforceBody["token_type"] as? String == "Bearer")
            #expect(salesforceBody["instance_url"] as? String == running.baseURL)
            #expect((salesforceBody["issued_at"] as? String).flatMap { Int64($0) } != nil)
            let second = try #require(salesforceBody["access_token"] as? String)

            for token in [first, second] {
                let bearer = [("Authorization", "Bearer \(token)")]
                #expect(try await Curl.request(running.url(Self.hubSpotPath), headers: bearer).status == 200)
                #expect(try await Curl.request(running.url(Self.salesforcePath), headers: bearer).status == 200)
            }
            try await Self.expectRefused(running)

            running.expireTokens()
            try await Self.expectRefused(running, headers: [("Authorization", "Bearer \(first)")])
            #expect(
                try await Curl.request(running.url(Self.hubSpotPath), headers: [("Authorization", "Bearer \(second)")])
                    .status == 401)
        }
    }

    @Test func aTokenLapsesAfterItsLifetime() async throws {
        let auth = MockCRM.Auth.oauth2(clientID: "c", clientSecret: "s", tokenLifetime: .seconds(3))
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: auth))
        try await crm.run { running in
            let response = try await Curl.request(
                running.url("/oauth/v1/token"), method: "POST",
                body: "grant_type=client_credentials&client_id=c&client_secret=s")
            let token = try #require(response.object?["access_token"] as? String)
            #expect(response.object?["expires_in"] as? Int == 3)
            let bearer = [("Authorization", "Bearer \(token)")]
            #expect(try await Curl.request(running.url(Self.hubSpotPath), headers: bearer).status == 200)
            try await Task.sleep(for: .milliseconds(3_500))
            #expect(try await Curl.request(running.url(Self.hubSpotPath), headers: bearer).status == 401)
        }
    }

    @Test func wrongClientCredentialsAreAnInvalidClient() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: Self.oauth))
        try await crm.run { running in
            for path in ["/oauth/v1/token", "/services/oauth2/token"] {
                let response = try await Curl.request(
                    running.url(path), method: "POST",
                    body: "grant_type=client_credentials&client_id=client-1&client_secret=guess")
                #expect(response.status == 401)
                #expect(response.object?["error"] as? String == "invalid_client")
            }
            let grant = try await Curl.request(
                running.url("/oauth/v1/token"), method: "POST", body: "grant_type=password&client_id=client-1")
            #expect(grant.status == 400)
            #expect(grant.object?["error"] as? String == "unsupported_grant_type")
        }
    }

    @Test func requestsRecordTheCredentialsSent() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: .bearer(token: "t")))
        try await crm.run { running in
            _ = try await Curl.request(running.url(Self.hubSpotPath), headers: [("Authorization", "Bearer t")])
            let request = try #require(running.requests.last)
            #expect(request.method == "GET")
            #expect(request.path == "/crm/v3/objects/contacts")
            #expect(request.query == "limit=5")
            #expect(request.queryParameter("limit") == "5")
            #expect(request.header("Authorization") == "Bearer t")
            #expect(request.headers.contains { $0.name == "authorization" })
        }
    }
}
