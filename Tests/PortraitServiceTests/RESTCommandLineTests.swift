import Foundation
import PortraitTesting
import Synchronization
import Testing

/// The `rest` connector through the `portrait` binary: `check`'s three distinct failures, and secrets that never
/// reach a log line, an error or `status`, even while requests are retried and tokens renewed.
struct RESTCommandLineTests {
    let cli = CommandLineTests()

    static let mapping = """
            mapping:
              contacts:
                entity: customer
                fields:
                  identifiers.crm_id: id
                  identifiers.email: { from: properties.email, transform: [email] }
        """

    @Test func checkTellsUnreachableBadTokenAndWrongRecordsPathApart() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { request in
                request.header("authorization") == "Bearer right-token"
                    ? .json(#"{"results":[{"id":"1","properties":{"email":"a@example.com"}}]}"#)
                    : .json(#"{"status":"error","message":"Authentication credentials not found."}"#, status: 401)
            }
        }) { running in
            try await withScratchDirectory { directory in
                let config = """
                    connectors:
                      - name: offline
                        kind: rest
                        options: { base_url: "http://127.0.0.1:9", path: /contacts, records: results, auth: { type: bearer, token: "${RIGHT_TOKEN}" } }
                      - name: bad-token
                        kind: rest
                        options: { base_url: "\(running.baseURL)", path: /contacts, records: results, auth: { type: bearer, token: "${WRONG_TOKEN}" } }
                      - name: wrong-path
                        kind: rest
                        options: { base_url: "\(running.baseURL)", path: /contacts, records: data.items, auth: { type: bearer, token: "${RIGHT_TOKEN}" } }
                      - name: good
                        kind: rest
                        options: { base_url: "\(running.baseURL)", path: /contacts, records: results, auth: { type: bearer, token: "${RIGHT_TOKEN}" } }
                    """
                try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
                let environment = ["RIGHT_TOKEN": "right-token", "WRONG_TOKEN": "wrong-token-5521"]
                let check = try await run(["check"], in: directory, environment: environment)
                #expect(check.status == 1)
                let lines = check.stdout.split(separator: "\n").map(String.init)
                let offline = try #require(lines.first { $0.contains("✗ offline") })
                #expect(offline.contains("Couldn't connect to server"), "\(offline)")
                #expect(offline.contains("check that the server is running and the host and port are right"))
                let badToken = try #require(lines.first { $0.contains("✗ bad-token") })
                #expect(badToken.contains("HTTP 401 Unauthorized: Authentication credentials not found.; the API refused the credentials"))
                let wrongPath = try #require(lines.first { $0.contains("✗ wrong-path") })
                #expect(wrongPath.contains("no record list at 'data.items' (it has: results); set options.records"))
                #expect(lines.contains { $0.contains("✓ good (rest)") })
                #expect(!check.stdout.contains("wrong-token-5521") && !check.stderr.contains("wrong-token-5521"))
                #expect(!check.stdout.contains("right-token") && !check.stderr.contains("right-token"))
            }
        }
    }

    @Test func secretsNeverReachLogsErrorsOrStatus() async throws {
        let calls = Mutex(0)
        try await withTestServer({ server in
            server.route("/oauth/token", method: "POST") { request in
                let form = String(decoding: request.body, as: UTF8.self)
                return form.contains("client_secret=client-secret-7731")
                    ? .json(#"{"access_token":"issued-access-token-4410","expires_in":3600}"#)
                    : .json(#"{"error":"invalid_client"}"#, status: 401)
            }
            server.route("/contacts") { request in
                guard request.header("authorization") == "Bearer issued-access-token-4410" else {
                    return .json(#"{"message":"expired"}"#, status: 401)
                }
                // A rate limit and a server error on the way, so retries are logged.
                switch calls.withLock({ $0 += 1; return $0 }) {
                case 1: return TestHTTPServer.Response(status: 429, headers: [("Retry-After", "0")], body: "slow down")
                case 2: return TestHTTPServer.Response(status: 500, body: "oops")
                default: return .json(#"{"results":[{"id":"1","properties":{"email":"a@example.com"}}]}"#)
                }
            }
            server.route("/keyed") { _ in TestHTTPServer.Response(status: 503, body: "down") }
        }) { running in
            try await withScratchDirectory { directory in
                let config = """
                    connectors:
                      - name: crm
                        kind: rest
                        options:
                          base_url: "\(running.baseURL)"
                          path: /contacts
                          stream: contacts
                          records: results
                          retry: { base_delay_ms: 1, max_delay_ms: 5 }
                          auth: { type: oauth2, token_url: "\(running.url("/oauth/token"))", client_id: portrait, client_secret: "${CLIENT_SECRET}" }
                    \(Self.mapping)
                      - name: keyed
                        kind: rest
                        options:
                          base_url: "\(running.baseURL)"
                          path: /keyed
                          stream: contacts
                          retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 }
                          auth: { type: api_key, api_key: "${API_KEY}", query: hapikey }
                    \(Self.mapping)
                    """
                try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
                let environment = ["CLIENT_SECRET": "client-secret-7731", "API_KEY": "api-key-9902"]
                let sync = try await run(["sync", "--log-level", "trace"], in: directory, environment: environment)
                #expect(sync.status == 1, "the keyed connector fails")
                #expect(sync.stdout.contains("crm: read 1 · new 1"), "\(sync.stdout)")
                #expect(sync.stdout.contains("GET \(running.baseURL)/keyed returned HTTP 503 Service Unavailable on all 2 attempts"), "\(sync.stdout)")
                #expect(sync.stderr.contains("retrying a request"), "retries are logged: \(sync.stderr)")
                let check = try await run(["check"], in: directory, environment: environment)
                let status = try await run(["status", "--json"], in: directory, environment: environment)
                let statusText = try await run(["status"], in: directory, environment: environment)
                for output in [sync.stdout, sync.stderr, check.stdout, check.stderr, status.stdout, status.stderr, statusText.stdout] {
                    for secret in ["client-secret-7731", "api-key-9902", "issued-access-token-4410"] {
                        #expect(!output.contains(secret), "\(secret) leaked")
                    }
                }
            }
        }
    }

    @Test func mockCRMCommandServesGeneratedContactsToASync() async throws {
        try await withScratchDirectory { directory in
            try Data("bench-token\n".utf8).write(to: directory.appendingPathComponent("token"))
            let server = try await cli.start(
                ["mock-crm", "--port", "0", "--contacts", "250", "--archived-every", "50", "--token-file", "token"],
                in: directory)
            defer { server.stop() }
            let firstLine = server.output
            let url = try #require(server.baseURL, "\(firstLine)")
            #expect(firstLine.hasPrefix("Mock CRM: 250 contacts on \(url)"))
            let config = """
                connectors:
                  - name: crm
                    kind: rest
                    options: { preset: hubspot, base_url: "\(url)", auth: { type: bearer, token: "${file:token}" } }
                \(Self.mapping)
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let sync = try await run(["sync"], in: directory, environment: [:])
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sync.stdout.contains("crm: read 250 · new 250"), "\(sync.stdout)")
        }
    }

    func run(_ arguments: [String], in directory: URL, environment: [String: String]) async throws -> CommandLineTests.Result {
        try await cli.run(arguments, in: directory, environment: environment)
    }
}
