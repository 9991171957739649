import Foundation
import PortraitMockCRM
import PortraitTesting
import Testing

/// Injected faults, each seen through curl as the libcurl-based connector will see it.
struct FaultTests {
    static let contacts = MockCRM.generatedContacts(count: 50, seed: 5)
    static let listPath = "/crm/v3/objects/contacts?limit=20"

    @Test func aStatusFaultAnswersOnceWithRetryAfterThenTheRequestSucceeds() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.inject([.status(429, retryAfter: "2"), .status(503)], matching: "/crm/v3/objects/contacts")
            let limited = try await Curl.request(running.url(Self.listPath))
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "2")
            #expect(limited.object?["category"] as? String == "RATE_LIMITS")
            let unavailable = try await Curl.request(running.url(Self.listPath))
            #expect(unavailable.status == 503)
            #expect(unavailable.header("Retry-After") == nil)
            let ok = try await Curl.request(running.url(Self.listPath))
            #expect(ok.status == 200)
            #expect(running.requests.count == 3)
        }
    }

    @Test func faultsApplyOnlyToMatchingPathsInOrder() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.inject([.status(500, body: "boom")], matching: "/services/")
            #expect(try await Curl.request(running.url(Self.listPath)).status == 200)
            let salesforce = try await Curl.request(running.url("/services/data/v59.0/query?q=SELECT+Id+FROM+Contact"))
            #expect(salesforce.status == 500)
            #expect(salesforce.text == "boom")
            #expect(salesforce.header("Content-Type")?.hasPrefix("text/plain") == true)
        }
    }

    @Test func aDelayWaitsThenAnswersNormally() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.inject([.delay(.milliseconds(300))])
            let started = ContinuousClock.now
            let response = try await Curl.request(running.url(Self.listPath))
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(response.status == 200)
            #expect((response.object?["results"] as? [Any])?.count == 20)
        }
    }

    @Test func aDroppedConnectionIsATransportError() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.inject([.dropConnection])
            let response = try await Curl.request(running.url(Self.listPath))
            #expect(response.exitCode == 52, "\(response.stderr)")
            #expect(response.stderr.contains("Empty reply from server"))
            #expect(response.status == 0)
            #expect(try await Curl.request(running.url(Self.listPath)).status == 200)
        }
    }

    @Test func aTruncatedBodyIsATransportErrorAfterTheHead() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let whole = try await Curl.request(running.url(Self.listPath))
            running.inject([.truncatedBody])
            let response = try await Curl.request(running.url(Self.listPath))
            #expect(response.exitCode == 18, "\(response.stderr)")
            #expect(response.stderr.contains("transfer closed with"))
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == String(whole.body.count))
            #expect(response.body == Array(whole.body.prefix(whole.body.count / 2)))
        }
    }

    @Test func invalidJSONIsACompleteResponseThatDoesNotParse() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.inject([.invalidJSON])
            let response = try await Curl.request(running.url(Self.listPath))
            #expect(response.exitCode == 0)
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == String(response.body.count))
            #expect(!response.body.isEmpty)
            #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) == nil)
        }
    }

    @Test func aHangEndsWhenTheClientGivesUpAndTheServerStillServes() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.inject([.hang])
            let started = ContinuousClock.now
            let response = try await Curl.request(running.url(Self.listPath), maxTime: 0.5)
            #expect(response.exitCode == 28, "\(response.stderr)")
            #expect(ContinuousClock.now - started < .seconds(10), "ended by the client's timeout, not a stuck server")
            #expect(try await Curl.request(running.url(Self.listPath)).status == 200)
        }
    }

    @Test func stoppingTheServerEndsAHangingRequest() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        let started = ContinuousClock.now
        let response = try await crm.run { running in
            running.inject([.hang])
            let client = Task { try await Curl.request(running.url(Self.listPath), maxTime: 180) }
            // Leave the body only once the request is in.
            while running.requests.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            return client
        }.value
        // Well short of curl's own limit (180 s), yet generous: in a full suite on a loaded 2-core machine this
        // took 40 s once (0.07 s alone), every step waiting for a turn on the cooperative threads.
        #expect(ContinuousClock.now - started < .seconds(150))
        #expect(response.exitCode != 0)
        #expect(response.exitCode != 28, "the request should end when the server stops, not at curl's timeout")
    }

    @Test func pageLatencyDelaysDataPagesOnly() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts, pageLatency: .seconds(1)))
        try await crm.run { running in
            let pageStarted = ContinuousClock.now
            let page = try await Curl.request(running.url(Self.listPath))
            #expect(page.status == 200)
            #expect(ContinuousClock.now - pageStarted >= .seconds(1))
            let otherStarted = ContinuousClock.now
            let other = try await Curl.request(running.url("/nowhere"))
            #expect(other.status == 404)
            #expect(ContinuousClock.now - otherStarted < .seconds(1))
        }
    }
}
