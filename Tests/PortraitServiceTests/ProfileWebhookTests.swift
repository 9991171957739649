import Foundation
import PortraitCore
import PortraitIdentity
import PortraitProfiles
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import PortraitTesting
import Testing

/// From records to a receiver: identity places them, the profile engine writes the change feed, a webhook delivers
/// the events it asked for, in feed order, signed.
struct ProfileWebhookTests {
    @Test func profileAndSegmentEventsFromTheEngineReachTheReceiverInOrder() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.rewindWebhook("growth", toChange: 1, now: WebhookDeliveryTests.at)
        func customer(_ email: String, _ given: String) -> JSONValue {
            ["identifiers": [["type": "email", "value": .string(email)]], "name": ["given": .string(given), "family": "Lee"]]
        }
        let records: [RecordWrite] = [
            RecordWrite(stream: "contacts", sourceID: "C1", entity: .customer, raw: customer("a@x.cn", "Ann"),
                        canonical: customer("a@x.cn", "Ann"), location: "crm:1"),
            RecordWrite(stream: "contacts", sourceID: "C2", entity: .customer, raw: customer("b@x.cn", "Bo"),
                        canonical: customer("b@x.cn", "Bo"), location: "crm:2"),
        ]
        _ = try await store.commit(CommitBatch(connector: "crm", runID: nil, records: records))
        let order: JSONValue = [
            "id": "O1", "placed_at": "2026-11-20T10:00:00Z", "total": 80, "channel": "online", "customer": customer("a@x.cn", "Ann"),
        ]
        _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [
            RecordWrite(stream: "orders", sourceID: "O1", entity: .order, raw: order, canonical: order, location: "shop:1"),
        ]))
        var identity = IdentitySettings.standard
        identity.trainingPairs = 10_000
        _ = try await IdentityResolver(settings: identity, store: store).resolvePending()
        let now = Date(timeIntervalSince1970: Timestamps.seconds("2026-11-25T00:00:00Z")!)
        _ = try await ProfileEngine(store: store, settings: .standard).update(now: now)

        try await withTestServer({ $0.route("/hook", method: "POST", TestHTTPServer.Response(status: 200)) }) { server in
            let webhook = WebhookDeliveryTests.webhook(
                server.url("/hook"), name: "growth", events: [.created, .entered], segments: ["new_customers"])
            let round = try await WebhookDeliveryTests.dispatcher(webhook, store: store).deliverAvailable()
            let received = try server.requests.map(WebhookDeliveryTests.verify)
            #expect(round.delivered == received.count)
            // Two profiles created, then Ann (one purchase five days ago) entering new_customers.
            #expect(received.map(\.type) == ["profile.created", "profile.created", "segment.entered"])
            #expect(received.map(\.change) == received.map(\.change).sorted())
            let entered = try JSONValue(parsing: server.requests[2].body)
            #expect(entered["segment"]?.stringValue == "new_customers")
        }
    }
}
