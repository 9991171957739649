import Foundation
import Logging
import PortraitConnectors
import PortraitCore
import PortraitTesting
import Synchronization
import Testing

/// The `rest` connector against small loopback APIs: each pagination style, templates, incremental cursors,
/// retries, bad pages, and `check`'s three distinct failures.
struct RESTConnectorTests {
    static func connector(_ options: JSONValue) throws -> RESTConnector {
        try RESTConnector(
            context: ConnectorContext(
                name: "crm", options: options, baseDirectory: URL(fileURLWithPath: "/tmp"), logger: Logger(label: "test")))
    }

    /// Every message of one read, or the messages before the error and the error.
    static func read(_ connector: RESTConnector, from state: ConnectorState? = nil) async -> (
        messages: [ConnectorMessage], error: (any Error)?
    ) {
        let collected = Mutex<[ConnectorMessage]>([])
        do {
            try await connector.read(from: state, into: ConnectorOutput { message in collected.withLock { $0.append(message) } })
            return (collected.withLock { $0 }, nil)
        } catch {
            return (collected.withLock { $0 }, error)
        }
    }

    static func records(_ messages: [ConnectorMessage]) -> [SourceRecord] {
        messages.compactMap { if case .record(let record) = $0 { record } else { nil } }
    }

    static func checkpoints(_ messages: [ConnectorMessage]) -> [JSONValue] {
        messages.compactMap { if case .checkpoint(let state) = $0 { state.value } else { nil } }
    }

    static func contacts(_ ids: ClosedRange<Int>, updated: (Int) -> String = { "2026-01-01T00:00:\(String(format: "%02d", $0 % 60))Z" })
        -> JSONValue
    {
        .array(ids.map { ["id": .string(String($0)), "email": .string("c\($0)@example.com"), "updatedAt": .string(updated($0))] })
    }

    @Test func anHTTPSAPIIsTrustedThroughItsCABundleAndRefusedWithoutIt() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(
                JSONValue.object(["data": Self.contacts(1...3)]).canonicalText, to: "served/contacts.json")
            try await TestTLSServer.serving(directory.file("served"), keys: directory.file("keys")) { server in
                let base = server.url("").dropLast()  // https://127.0.0.1:PORT
                var options: [String: JSONValue] = [
                    "base_url": .string(String(base)), "path": "/contacts.json", "records": "data",
                    "pagination": ["type": "none"], "ca_bundle": .string(server.caBundle.path),
                ]
                let (messages, error) = await Self.read(try Self.connector(.object(options)))
                #expect(error == nil, "\(String(describing: error))")
                #expect(Self.records(messages).map(\.sourceID) == ["1", "2", "3"])

                options["ca_bundle"] = nil
                let (refused, refusal) = await Self.read(try Self.connector(.object(options)))
                #expect(Self.records(refused).isEmpty)
                let message = "\(refusal.map { "\($0)" } ?? "")"
                #expect(message.contains("could not be verified"), "\(message)")
                #expect(message.contains("set options.ca_bundle to a PEM file"), "\(message)")
            }
        }
    }

    @Test func cursorInTheQueryReadsEveryPageAndCheckpointsTheNextCursor() async throws {
        try await withTestServer({ server in
            server.route("/v1/contacts") { request in
                let after = Int(request.queryParameter("after") ?? "0")!
                let page = Self.contacts((after + 1)...min(after + 2, 5))
                let next: JSONValue = after + 2 < 5 ? ["next": ["after": .string(String(after + 2))]] : [:]
                return .json(JSONValue.object(["data": ["items": page], "paging": next]).canonicalText)
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/v1/contacts", "records": "data.items", "updated_field": "updatedAt",
                "pagination": ["type": "cursor", "path": "paging.next.after", "parameter": "after"],
            ])
            let (messages, error) = await Self.read(rest)
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["1", "2", "3", "4", "5"])
            let checkpoints = Self.checkpoints(messages)
            #expect(checkpoints.map { $0["page"]?["cursor"]?.stringValue } == ["2", "4", nil, nil])
            #expect(checkpoints.last?["since"] == "2026-01-01T00:00:05.000Z")
            #expect(running.requests.map { $0.queryParameter("after") } == [nil, "2", "4"])
            #expect(Self.records(messages)[2].location.hasPrefix("GET \(running.baseURL)/v1/contacts page 2 #1"))
        }
    }

    @Test func searchBodyCarriesSinceCursorAndPageSizeAsANumber() async throws {
        try await withTestServer({ server in
            server.route("/search", method: "POST") { request in
                let body = try JSONValue(parsing: request.body)
                let after = Int(body["after"]?.stringValue ?? "0")!
                let next: JSONValue = after == 0 ? ["next": ["after": "2"]] : [:]
                return .json(JSONValue.object(["results": Self.contacts((after + 1)...(after + 2)), "paging": next]).canonicalText)
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/search", "records": "results", "page_size": 2,
                "body": ["filter": ["since": "{since}"], "limit": "{page_size}"], "since_format": "epoch_ms",
                "initial_since": "2025-01-01T00:00:00Z",
                "pagination": ["type": "cursor", "path": "paging.next.after", "parameter": "after", "in": "body"],
            ])
            let (messages, error) = await Self.read(rest)
            #expect(error == nil)
            #expect(Self.records(messages).count == 4)
            let bodies = try running.requests.map { try JSONValue(parsing: $0.body) }
            #expect(bodies.map { $0["limit"] } == [2, 2])
            #expect(bodies.map { $0["filter"]?["since"] } == ["1735689600000", "1735689600000"])
            #expect(bodies.map { $0["after"] } == [nil, "2"])
            #expect(running.requests.allSatisfy { $0.method == "POST" && $0.header("content-type") == "application/json" })
        }
    }

    @Test func nextLinkRelativeToTheOriginStopsWhenDone() async throws {
        try await withTestServer({ server in
            server.route("/query") { _ in
                .json(#"{"done":false,"nextRecordsUrl":"/query/abc-2","records":[{"Id":"a"},{"Id":"b"}]}"#)
            }
            server.route("/query/abc-2") { _ in
                .json(#"{"done":true,"nextRecordsUrl":"/query/never","records":[{"Id":"c"}]}"#)
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/query", "records": "records", "id_field": "Id",
                "pagination": ["type": "next_link", "path": "nextRecordsUrl", "done": "done"],
            ])
            let (messages, error) = await Self.read(rest)
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["a", "b", "c"])
            #expect(running.requests.map(\.path) == ["/query", "/query/abc-2"])
            #expect(Self.checkpoints(messages).first?["page"]?["url"]?.stringValue == running.url("/query/abc-2"))
        }
    }

    @Test func linkHeaderPagesAndPageNumbersAndOffsetsStopAtAShortPage() async throws {
        try await withTestServer({ server in
            server.route("/linked") { request in
                let page = Int(request.queryParameter("p") ?? "1")!
                var response = TestHTTPServer.Response.json(Self.contacts((page * 10)...(page * 10 + 1)).canonicalText)
                if page < 3 {
                    response.headers.append(("Link", "<\(request.header("host").map { "http://\($0)" } ?? "")/linked?p=\(page + 1)>; rel=\"next\", </linked?p=1>; rel=\"first\""))
                }
                return response
            }
            server.route("/numbered") { request in
                let page = Int(request.queryParameter("page")!)!
                #expect(request.queryParameter("per_page") == "2")
                return .json(Self.contacts(page == 3 ? (30...30) : ((page * 10)...(page * 10 + 1))).canonicalText)
            }
            server.route("/offset") { request in
                let offset = Int(request.queryParameter("offset")!)!
                return .json(Self.contacts(offset < 4 ? ((offset + 1)...(offset + 2)) : ((offset + 1)...(offset + 1))).canonicalText)
            }
        }) { running in
            let linked = try Self.connector(["base_url": .string(running.baseURL), "path": "/linked", "pagination": ["type": "link_header"]])
            #expect(Self.records(await Self.read(linked).messages).map(\.sourceID) == ["10", "11", "20", "21", "30", "31"])

            let numbered = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/numbered", "page_size": 2,
                "pagination": ["type": "page", "parameter": "page", "size_parameter": "per_page"],
            ])
            #expect(Self.records(await Self.read(numbered).messages).map(\.sourceID) == ["10", "11", "20", "21", "30"])

            let offset = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/offset", "page_size": 2,
                "pagination": ["type": "offset", "parameter": "offset", "limit_parameter": "limit"],
            ])
            #expect(Self.records(await Self.read(offset).messages).map(\.sourceID) == ["1", "2", "3", "4", "5"])
            #expect(running.requests.filter { $0.path == "/offset" }.map { $0.queryParameter("offset") } == ["0", "2", "4"])
        }
    }

    @Test func aSecondRunAsksOnlyForWhatChangedSinceTheNewestCommittedRecord() async throws {
        try await withTestServer({ server in
            server.route("/v1/contacts") { _ in
                .json(Self.contacts(1...3, updated: { "2026-02-0\($0)T10:00:00.250+0800" }).canonicalText)
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/v1/contacts", "updated_field": "updatedAt",
                "query": ["updated_since": "{since}"],
            ])
            let first = await Self.read(rest)
            guard case .checkpoint(let state)? = first.messages.last else {
                Issue.record("a run ends with a checkpoint")
                return
            }
            #expect(state.value["since"] == "2026-02-03T02:00:00.250Z")
            _ = await Self.read(rest, from: state)
            #expect(running.requests.map { $0.queryParameter("updated_since") } == ["1970-01-01T00:00:00Z", "2026-02-03T02:00:00Z"])
        }
    }

    @Test func resumesAtTheCommittedPageWithTheRunsOwnSince() async throws {
        try await withTestServer({ server in
            server.route("/v1/contacts") { request in
                let after = Int(request.queryParameter("after") ?? "0")!
                let next: JSONValue = after < 4 ? ["after": .string(String(after + 2))] : .null
                return .json(JSONValue.object(["results": Self.contacts((after + 1)...(after + 2)), "next": next]).canonicalText)
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/v1/contacts", "records": "results", "updated_field": "updatedAt",
                "query": ["since": "{since}"], "pagination": ["type": "cursor", "path": "next.after", "parameter": "after"],
            ])
            let saved = ConnectorState(["since": "2025-06-01T00:00:00.000Z", "phase": "records", "page": ["cursor": "4"]])
            let (messages, error) = await Self.read(rest, from: saved)
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["5", "6"])
            #expect(running.requests.map { $0.queryParameter("after") } == ["4"])
            #expect(running.requests.map { $0.queryParameter("since") } == ["2025-06-01T00:00:00Z"])
        }
    }

    @Test func deletionsByFlagAndByEndpoint() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { _ in .json(#"[{"id":"1","archived":false},{"id":"2","archived":true}]"#) }
            server.route("/contacts/deleted") { _ in .json(#"{"items":[{"contact_id":"9"}]}"#) }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts", "deleted": ["field": "archived"],
            ])
            #expect(Self.records(await Self.read(rest).messages).map(\.isDeletion) == [false, true])
            let endpoint = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts",
                "deleted": ["path": "/contacts/deleted", "records": "items", "id_field": "contact_id"],
            ])
            let records = Self.records(await Self.read(endpoint).messages)
            #expect(records.map(\.sourceID) == ["1", "2", "9"])
            #expect(records.map(\.isDeletion) == [false, false, true])
        }
    }

    @Test func retriesServerErrorsAndHonoursRetryAfter() async throws {
        let calls = Mutex(0)
        try await withTestServer({ server in
            server.route("/contacts") { _ in
                let call = calls.withLock { $0 += 1; return $0 }
                switch call {
                case 1: return TestHTTPServer.Response(status: 500, body: "boom")
                case 2: return TestHTTPServer.Response(status: 429, headers: [("Retry-After", "1")], body: "slow down")
                default: return .json(#"[{"id":"1"}]"#)
                }
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts", "retry": ["base_delay_ms": 10, "max_delay_ms": 20],
            ])
            let started = ContinuousClock.now
            let (messages, error) = await Self.read(rest)
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["1"])
            #expect(running.requests.count == 3)
            #expect(ContinuousClock.now - started >= .seconds(1), "Retry-After: 1 is waited for")
        }
    }

    @Test func givingUpNamesTheURLTheStatusAndTheAttemptsButNoSecret() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { _ in TestHTTPServer.Response(status: 503, body: "down") }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts",
                "auth": ["type": "api_key", "api_key": "s3cr3t-key", "query": "hapikey"],
                "retry": ["max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2],
            ])
            let (messages, error) = await Self.read(rest)
            #expect(messages.isEmpty)
            let message = try #require(error as? PortraitError).message
            #expect(message.contains("GET \(running.baseURL)/contacts returned HTTP 503 Service Unavailable on all 3 attempts"))
            #expect(message.contains("the next sync resumes after it"))
            #expect(!message.contains("s3cr3t-key"))
            #expect(running.requests.count == 3)
            #expect(running.requests.allSatisfy { $0.queryParameter("hapikey") == "s3cr3t-key" })
        }
    }

    @Test func aPageThatIsNotJSONStopsTheRunAfterTheCommittedPages() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { request in
                request.queryParameter("page") == "1"
                    ? .json(Self.contacts(1...2).canonicalText) : .json(#"[{"id":"3"}, {"id": "4""#)
            }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts", "page_size": 2,
                "pagination": ["type": "page", "parameter": "page"],
            ])
            let (messages, error) = await Self.read(rest)
            #expect(Self.records(messages).map(\.sourceID) == ["1", "2"])
            #expect(Self.checkpoints(messages).map { $0["page"]?["page"] } == [2])
            let message = try #require(error as? PortraitError).message
            #expect(message.contains("GET \(running.baseURL)/contacts: the page is not valid JSON"))
            #expect(message.contains("(byte 24)"))
            #expect(message.contains("nothing from this page was stored"))
        }
    }

    @Test func checkTellsAnUnreachableHostABadTokenAndAWrongRecordsPathApart() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { request in
                request.header("authorization") == "Bearer good"
                    ? .json(#"{"results":[{"id":"1"}],"paging":{}}"#)
                    : .json(#"{"status":"error","message":"Authentication credentials not found."}"#, status: 401)
            }
        }) { running in
            func failure(_ options: JSONValue) async throws -> String {
                let rest = try Self.connector(options)
                do {
                    try await rest.check()
                    return "passed"
                } catch {
                    return (error as? PortraitError)?.message ?? "\(error)"
                }
            }
            let good: JSONValue = [
                "base_url": .string(running.baseURL), "path": "/contacts", "records": "results",
                "auth": ["type": "bearer", "token": "good"],
            ]
            #expect(try await failure(good) == "passed")

            var unreachable = good
            unreachable = .object(unreachable.objectValue!.merging(["base_url": "http://127.0.0.1:9"]) { $1 })
            let unreachableMessage = try await failure(unreachable)
            #expect(unreachableMessage.contains("Couldn't connect to server"), "\(unreachableMessage)")
            #expect(unreachableMessage.contains("check that the server is running"))

            let badToken = JSONValue.object(good.objectValue!.merging(["auth": ["type": "bearer", "token": "wrong-token"]]) { $1 })
            let badTokenMessage = try await failure(badToken)
            #expect(badTokenMessage.contains("returned HTTP 401 Unauthorized: Authentication credentials not found."))
            #expect(badTokenMessage.contains("the API refused the credentials: check options.auth"))
            #expect(!badTokenMessage.contains("wrong-token"))

            let wrongPath = JSONValue.object(good.objectValue!.merging(["records": "data.items"]) { $1 })
            let wrongPathMessage = try await failure(wrongPath)
            #expect(wrongPathMessage.contains("the response has no record list at 'data.items' (it has: paging, results)"))
        }
    }

    @Test func nextLinksToAnotherHostAreRefused() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { _ in .json(#"{"items":[{"id":"1"}],"next":"https://evil.example.net/steal"}"#) }
        }) { running in
            let rest = try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts", "records": "items",
                "auth": ["type": "bearer", "token": "t"], "pagination": ["type": "next_link", "path": "next"],
            ])
            let (_, error) = await Self.read(rest)
            #expect((error as? PortraitError)?.message.contains("the next page is on another host (https://evil.example.net/steal)") == true)
            #expect(running.requests.count == 1)
        }
    }

    @Test func oauth2FetchesATokenReusesItAndRenewsItAfterA401() async throws {
        let issued = Mutex(0)
        try await withTestServer({ server in
            server.route("/oauth/token", method: "POST") { request in
                let form = String(decoding: request.body, as: UTF8.self)
                guard form.contains("client_secret=shh%21") && form.contains("grant_type=client_credentials") else {
                    return .json(#"{"error":"invalid_client"}"#, status: 401)
                }
                let number = issued.withLock { $0 += 1; return $0 }
                return .json(#"{"access_token":"token-\#(number)","expires_in":3600}"#)
            }
            server.route("/contacts") { request in
                let after = request.queryParameter("after")
                // The first token stops being accepted after the first page.
                let accepted = after == nil ? ["Bearer token-1"] : ["Bearer token-2"]
                guard let auth = request.header("authorization"), accepted.contains(auth) else {
                    return .json(#"{"message":"expired"}"#, status: 401)
                }
                return .json(after == nil ? #"{"items":[{"id":"1"}],"next":"2"}"# : #"{"items":[{"id":"2"}]}"#)
            }
        }) { running in
            let options: JSONValue = [
                "base_url": .string(running.baseURL), "path": "/contacts", "records": "items",
                "pagination": ["type": "cursor", "path": "next", "parameter": "after"],
                "auth": ["type": "oauth2", "token_url": .string(running.url("/oauth/token")), "client_id": "portrait", "client_secret": "shh!"],
            ]
            let (messages, error) = await Self.read(try Self.connector(options))
            #expect(error == nil)
            #expect(Self.records(messages).map(\.sourceID) == ["1", "2"])
            #expect(issued.withLock { $0 } == 2)

            let wrongSecret = JSONValue.object(options.objectValue!.merging([
                "auth": ["type": "oauth2", "token_url": .string(running.url("/oauth/token")), "client_id": "portrait", "client_secret": "nope"]
            ]) { $1 })
            let failure = await Self.read(try Self.connector(wrongSecret)).error
            let message = try #require(failure as? PortraitError).message
            #expect(message.contains("(OAuth2 token endpoint) returned HTTP 401 Unauthorized (invalid_client)"))
            #expect(!message.contains("nope"))
        }
    }

    @Test func basicAndHeaderKeysAreSent() async throws {
        try await withTestServer({ server in
            server.route("/contacts") { _ in .json(#"[]"#) }
        }) { running in
            _ = await Self.read(try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts", "auth": ["type": "basic", "username": "ana", "password": "pw"],
            ]))
            _ = await Self.read(try Self.connector([
                "base_url": .string(running.baseURL), "path": "/contacts",
                "auth": ["type": "api_key", "api_key": "k1", "header": "X-API-Key"],
            ]))
            #expect(running.requests[0].header("authorization") == "Basic " + Data("ana:pw".utf8).base64EncodedString())
            #expect(running.requests[1].header("x-api-key") == "k1")
        }
    }

    @Test func configurationMistakesNameTheOption() throws {
        func message(_ options: JSONValue) -> String {
            do {
                _ = try Self.connector(options)
                return "accepted"
            } catch {
                return (error as? PortraitError)?.message ?? "\(error)"
            }
        }
        #expect(message(["preset": "hubspt"]).contains("options.preset 'hubspt' is not one of hubspot, salesforce; did you mean 'hubspot'?"))
        #expect(message(["path": "/x"]).contains("options.base_url is required"))
        #expect(message(["base_url": "ftp://x", "path": "/x"]).contains("must be an http:// or https:// URL"))
        #expect(message(["base_url": "https://x", "path": "/x", "pagination": ["type": "cursr"]]).contains("did you mean 'cursor'?"))
        #expect(message(["base_url": "https://x", "path": "/x", "auth": ["type": "api_key", "api_key": "k"]]).contains("set exactly one of header"))
        #expect(message(["preset": "salesforce"]).contains("options.base_url is required"))
        #expect(message(["preset": "hubspot"]) == "accepted")
    }
}
