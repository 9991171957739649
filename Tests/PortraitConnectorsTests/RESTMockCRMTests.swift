import Foundation
import Logging
import PortraitConnectors
import PortraitCore
import PortraitMockCRM
import Synchronization
import Testing

/// The `rest` presets against the mock CRM: whole pulls compared with the CRM's own data, incremental runs,
/// and every fault the mock can inject (rate limits, server errors, slow and dropped connections, truncated
/// and invalid bodies, expired tokens).
struct RESTMockCRMTests {
    static let contacts = MockCRM.generatedContacts(count: 1_250, seed: 42, archivedEvery: 50)

    static func hubspot(_ running: MockCRM.Running, _ extra: [String: JSONValue] = [:]) throws -> RESTConnector {
        var options: [String: JSONValue] = [
            "preset": "hubspot", "base_url": .string(running.baseURL), "auth": ["type": "bearer", "token": "hub-token"],
            "retry": ["base_delay_ms": 5, "max_delay_ms": 20],
        ]
        options.merge(extra) { $1 }
        return try RESTConnectorTests.connector(.object(options))
    }

    static func salesforce(_ running: MockCRM.Running, _ extra: [String: JSONValue] = [:]) throws -> RESTConnector {
        var options: [String: JSONValue] = [
            "preset": "salesforce", "base_url": .string(running.baseURL), "page_size": 200,
            "auth": [
                "type": "oauth2", "token_url": .string(running.url("/services/oauth2/token")), "client_id": "portrait",
                "client_secret": "sf-secret",
            ],
            "retry": ["base_delay_ms": 5, "max_delay_ms": 20],
        ]
        options.merge(extra) { $1 }
        return try RESTConnectorTests.connector(.object(options))
    }

    /// Live contacts' ids and archived contacts' ids, as the CRM holds them now.
    static func truth(_ running: MockCRM.Running, id: (MockCRM.Contact) -> String = \.id) -> (live: Set<String>, archived: Set<String>) {
        let contacts = running.contacts
        return (Set(contacts.filter { !$0.archived }.map(id)), Set(contacts.filter(\.archived).map(id)))
    }

    /// Waits until the mock has received `count` searches: the connector fetches the next page while it sends
    /// the current one, so a fault meant for page n + 2 is injected only once page n + 1 has been asked for.
    static func waitForSearches(_ running: MockCRM.Running, _ count: Int) async throws {
        while running.requests.filter({ $0.path.hasSuffix("/search") }).count < count {
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    static func split(_ records: [SourceRecord]) -> (live: [String], deleted: [String]) {
        (records.filter { !$0.isDeletion }.map(\.sourceID), records.filter(\.isDeletion).map(\.sourceID))
    }

    @Test func hubspotPresetPullsEveryContactOnceAndTheArchivedOnesAsDeletions() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: .bearer(token: "hub-token")))
        try await crm.run { running in
            let (messages, error) = await RESTConnectorTests.read(try Self.hubspot(running))
            #expect(error == nil, "\(String(describing: error))")
            let (live, deleted) = Self.split(RESTConnectorTests.records(messages))
            let truth = Self.truth(running)
            #expect(live.count == truth.live.count && Set(live) == truth.live, "each live contact exactly once")
            #expect(deleted.count == truth.archived.count && Set(deleted) == truth.archived)
            let record = try #require(RESTConnectorTests.records(messages).first)
            #expect(record.fields.value(atPath: "properties.email") != nil)
            #expect(running.requests.first?.method == "POST")
            #expect(running.requests.allSatisfy { $0.header("authorization") == "Bearer hub-token" })
        }
    }

    @Test func salesforcePresetPullsEveryContactOnceWithDeletedOnesFlagged() async throws {
        let crm = MockCRM(
            configuration: .init(contacts: Self.contacts, auth: .oauth2(clientID: "portrait", clientSecret: "sf-secret", tokenLifetime: .seconds(3600))))
        try await crm.run { running in
            let (messages, error) = await RESTConnectorTests.read(try Self.salesforce(running))
            #expect(error == nil, "\(String(describing: error))")
            let (live, deleted) = Self.split(RESTConnectorTests.records(messages))
            let truth = Self.truth(running) { $0.salesforceID! }
            #expect(live.count == truth.live.count && Set(live) == truth.live)
            #expect(deleted.count == truth.archived.count && Set(deleted) == truth.archived)
            #expect(running.requests.filter { $0.path.hasSuffix("/token") }.count == 1, "one token for the whole run")
            #expect(running.requests.contains { $0.path.contains("/queryAll") })
        }
    }

    @Test(arguments: ["hubspot", "salesforce"])
    func aSecondRunReadsOnlyWhatChanged(preset: String) async throws {
        let crm = MockCRM(
            configuration: .init(
                contacts: Self.contacts, auth: .oauth2(clientID: "portrait", clientSecret: "sf-secret", tokenLifetime: .seconds(3600))))
        try await crm.run { running in
            let connector =
                preset == "hubspot"
                ? try Self.hubspot(running, ["auth": ["type": "oauth2", "token_url": .string(running.url("/oauth/v1/token")), "client_id": "portrait", "client_secret": "sf-secret"]])
                : try Self.salesforce(running)
            let first = await RESTConnectorTests.read(connector)
            guard case .checkpoint(let state)? = first.messages.last else {
                Issue.record("a run ends with a checkpoint: \(String(describing: first.error))")
                return
            }
            let later = running.contacts.map(\.updatedAt).max()!.addingTimeInterval(3600)
            running.update(ids: ["7", "8"], at: later)
            running.archive(ids: ["9"], at: later)
            let second = await RESTConnectorTests.read(connector, from: state)
            #expect(second.error == nil)
            let id: (String) -> String = { raw in
                preset == "hubspot" ? raw : running.contacts.first { $0.id == raw }!.salesforceID!
            }
            let (live, deleted) = Self.split(RESTConnectorTests.records(second.messages))
            // `{since}` is the newest instant committed (Salesforce: cut to whole seconds), compared with >=: contacts
            // updated exactly then are read again (and stored as unchanged); nothing else that was not updated is.
            let newest = Self.contacts.map(\.updatedAt).max()!
            let threshold = preset == "salesforce" ? Date(timeIntervalSince1970: newest.timeIntervalSince1970.rounded(.down)) : newest
            let ties = Self.contacts.filter { $0.updatedAt >= threshold && !["7", "8", "9"].contains($0.id) }
            let liveTies = Set(ties.filter { !$0.archived }.map { id($0.id) })
            #expect(Set(live) == Set([id("7"), id("8")]).union(liveTies), "only the updated contacts and the ties at since")
            #expect(Set(deleted).contains(id("9")))
            if preset == "salesforce" {
                #expect(Set(deleted) == Set([id("9")]).union(ties.filter(\.archived).map { id($0.id) }))
            }
        }
    }

    @Test func rateLimitsServerErrorsSlowDroppedAndTruncatedResponsesAreRetried() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: .bearer(token: "hub-token")))
        try await crm.run { running in
            running.inject(
                [.status(429, retryAfter: "1"), .status(500), .status(503), .delay(.milliseconds(300)), .dropConnection, .truncatedBody],
                matching: "/crm/v3/objects/contacts/search")
            let started = ContinuousClock.now
            let (messages, error) = await RESTConnectorTests.read(try Self.hubspot(running))
            #expect(error == nil, "\(String(describing: error))")
            let (live, _) = Self.split(RESTConnectorTests.records(messages))
            #expect(live.count == Self.truth(running).live.count && Set(live) == Self.truth(running).live)
            let searches = running.requests.filter { $0.path.hasSuffix("/search") }
            // 13 pages of 100 live contacts, and five faulty answers retried (the delay is only slow).
            #expect(searches.count == 13 + 5)
            #expect(searches[1].receivedAt - searches[0].receivedAt >= .seconds(1), "Retry-After: 1 is honoured")
            #expect(ContinuousClock.now - started < .seconds(60), "retries wait milliseconds, not the default backoff")
        }
    }

    @Test func aTimeoutIsRetriedAndGivingUpKeepsTheCommittedPages() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: .bearer(token: "hub-token")))
        try await crm.run { running in
            running.inject([.hang], matching: "/crm/v3/objects/contacts/search")
            let patient = try Self.hubspot(running, ["timeout_seconds": 1])
            #expect(await RESTConnectorTests.read(patient).error == nil, "a hung request times out and is retried")

            // The third page fails on every attempt: the two before it stay committed, with the cursor after them.
            let pages = Mutex(0)
            let before = running.requests.filter { $0.path.hasSuffix("/search") }.count
            let failing = try Self.hubspot(running, ["retry": ["max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2]])
            let collected = Mutex<[ConnectorMessage]>([])
            do {
                try await failing.read(from: nil, into: ConnectorOutput { message in
                    collected.withLock { $0.append(message) }
                    if case .checkpoint = message, pages.withLock({ $0 += 1; return $0 }) == 1 {
                        try await Self.waitForSearches(running, before + 2)
                        running.inject([.status(502), .status(502), .status(502)], matching: "/crm/v3/objects/contacts/search")
                    }
                })
                Issue.record("the run must fail once retries run out")
            } catch {
                let message = (error as? PortraitError)?.message ?? "\(error)"
                #expect(message.contains("POST \(running.baseURL)/crm/v3/objects/contacts/search returned HTTP 502 Bad Gateway on all 3 attempts"), "\(message)")
                #expect(message.contains("the next sync resumes after it"))
            }
            let checkpoints = RESTConnectorTests.checkpoints(collected.withLock { $0 })
            #expect(checkpoints.count == 2)
            #expect(checkpoints.last?["page"]?["cursor"] == "200")
            #expect(RESTConnectorTests.records(collected.withLock { $0 }).count == 200)
        }
    }

    @Test func anInvalidPageStopsTheRunAndTheRerunResumesAfterTheLastCommittedPage() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: .bearer(token: "hub-token")))
        try await crm.run { running in
            let connector = try Self.hubspot(running)
            let first = await RESTConnectorTests.read(connector)
            guard case .checkpoint(let done)? = first.messages.last else {
                Issue.record("no final checkpoint")
                return
            }
            // A fresh pull whose fourth page is cut in half.
            let collected = Mutex<[ConnectorMessage]>([])
            let checkpoints = Mutex(0)
            var failure: (any Error)?
            do {
                try await connector.read(from: nil, into: ConnectorOutput { message in
                    collected.withLock { $0.append(message) }
                    if case .checkpoint = message, checkpoints.withLock({ $0 += 1; return $0 }) == 2 {
                        try await Self.waitForSearches(running, 13 + 3)
                        running.inject([.invalidJSON], matching: "/crm/v3/objects/contacts/search")
                    }
                })
            } catch {
                failure = error
            }
            let message = (failure as? PortraitError)?.message ?? "no error"
            #expect(message.contains("POST \(running.baseURL)/crm/v3/objects/contacts/search: the page is not valid JSON"), "\(message)")
            #expect(message.contains("(byte "))
            let partial = collected.withLock { $0 }
            guard case .checkpoint(let resumeFrom)? = partial.last else {
                Issue.record("the last message is the checkpoint")
                return
            }
            let firstIDs = RESTConnectorTests.records(partial).map(\.sourceID)
            #expect(firstIDs.count == 300, "pages 1-3 arrived; page 4 was broken and nothing of it was sent")

            let rest = await RESTConnectorTests.read(connector, from: resumeFrom)
            #expect(rest.error == nil)
            let restIDs = RESTConnectorTests.records(rest.messages).filter { !$0.isDeletion }.map(\.sourceID)
            #expect(Set(firstIDs).isDisjoint(with: restIDs), "nothing twice")
            #expect(Set(firstIDs + restIDs) == Self.truth(running).live, "nothing lost")
            #expect(done.value["since"] != nil)
        }
    }

    @Test func anExpiredTokenIsRenewedOnceAndTheRunGoesOn() async throws {
        let crm = MockCRM(
            configuration: .init(contacts: Self.contacts, auth: .oauth2(clientID: "portrait", clientSecret: "sf-secret", tokenLifetime: .seconds(3600))))
        try await crm.run { running in
            let collected = Mutex<[ConnectorMessage]>([])
            let expired = Mutex(false)
            try await Self.salesforce(running).read(from: nil, into: ConnectorOutput { message in
                collected.withLock { $0.append(message) }
                if case .checkpoint = message, !expired.withLock({ (done: inout Bool) -> Bool in
                    defer { done = true }
                    return done
                }) { running.expireTokens() }
            })
            let (live, _) = Self.split(RESTConnectorTests.records(collected.withLock { $0 }))
            #expect(Set(live) == Self.truth(running) { $0.salesforceID! }.live)
            #expect(running.requests.filter { $0.path.hasSuffix("/token") }.count == 2, "one token, then one renewal")
        }
    }

    @Test func aRetryAfterLongerThanAllowedFailsAtOnceSayingWhen() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, auth: .bearer(token: "hub-token")))
        try await crm.run { running in
            running.inject([.status(429, retryAfter: "3600")], matching: "/crm/v3/objects/contacts/search")
            let started = ContinuousClock.now
            let error = await RESTConnectorTests.read(try Self.hubspot(running)).error
            #expect((error as? PortraitError)?.message.contains("asking to wait 3600 s, more than the 300 s allowed; run again later") == true)
            #expect(ContinuousClock.now - started < .seconds(60), "not the hour it asked for")
        }
    }
}
