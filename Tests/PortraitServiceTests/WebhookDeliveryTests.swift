import Crypto
import Foundation
import Logging
import PortraitConfig
import PortraitCore
import PortraitProfiles
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import PortraitTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Webhook delivery against a loopback receiver: order, signatures, filters, a receiver that is down, refusals,
/// dead letters, replays and a graceful stop. Backoffs are milliseconds here.
struct WebhookDeliveryTests {
    static let secret = "whsec-test-3f9a1c"
    static let timing = WebhookDispatcher.Timing(
        baseDelay: .milliseconds(5), maxDelay: .milliseconds(40), maxRetryAfter: .milliseconds(50),
        pollInterval: .milliseconds(10))
    static let at = Date(timeIntervalSince1970: 1_790_000_000)

    static func webhook(
        _ url: String, name: String = "crm-hook", events: Set<ProfileChange.Kind> = Set(ProfileChange.Kind.allCases),
        segments: Set<String>? = nil, maxAttempts: Int = 8
    ) -> WebhookConfig {
        WebhookConfig(
            name: name, url: url, secret: secret, events: events, segments: segments, maxAttempts: maxAttempts,
            timeout: .seconds(5))
    }

    static func dispatcher(
        _ webhook: WebhookConfig, store: SQLiteStore, counters: WebhookCounters = WebhookCounters()
    ) -> WebhookDispatcher {
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        return WebhookDispatcher(webhook: webhook, store: store, timing: timing, counters: counters, logger: logger)
    }

    /// A mixed feed: five changes of three profiles.
    static let feed: [ProfileChange] = [
        ProfileChange(at: at, kind: .created, profile: "P00000001", detail: ["records": ["customer": 1]]),
        ProfileChange(at: at, kind: .entered, profile: "P00000001", segment: "vip_active"),
        ProfileChange(at: at, kind: .updated, profile: "P00000002", detail: ["changes": []]),
        ProfileChange(at: at, kind: .merged, profile: "P00000003", other: "P00000001"),
        ProfileChange(at: at, kind: .exited, profile: "P00000001", segment: "vip_active"),
    ]

    /// A store whose webhook `name` starts before the first change appended next.
    static func store(startingWebhooks names: [String] = ["crm-hook"]) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        for name in names { try await store.rewindWebhook(name, toChange: 1, now: at) }
        return store
    }

    /// What the receiver checks on every request: the signature over the exact body, and headers that agree with it.
    static func verify(_ request: TestHTTPServer.Request) throws -> (change: Int, delivery: Int, type: String) {
        let code = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Array(secret.utf8)))
        let expected = "sha256=" + code.map { String(format: "%02x", $0) }.joined()
        #expect(request.header("X-Portrait-Signature") == expected, "signature")
        #expect(request.header("Content-Type") == "application/json")
        let body = try JSONValue(parsing: request.body)
        let type = try #require(body["type"]?.stringValue)
        #expect(request.header("X-Portrait-Event") == type)
        let delivery = try #require(body["delivery_id"]?.intValue)
        #expect(request.header("X-Portrait-Delivery") == String(delivery))
        #expect(body["webhook"]?.stringValue != nil)
        let change = try #require(body["id"]?.intValue)
        return (change, delivery, type)
    }

    @Test func aReceiverGetsEveryChangeInOrderSignedWithTheSecret() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        try await withTestServer({ $0.route("/hook", method: "POST", TestHTTPServer.Response(status: 204)) }) { server in
            let counters = WebhookCounters()
            let dispatcher = Self.dispatcher(Self.webhook(server.url("/hook")), store: store, counters: counters)
            let round = try await dispatcher.deliverAvailable()
            #expect(round.delivered == 5 && round.dead == 0 && round.retried == 0)

            let received = try server.requests.map(Self.verify)
            #expect(received.map(\.change) == ids.map(Int.init))
            #expect(received.map(\.type) == Self.feed.map(\.kind.rawValue))
            let body = try JSONValue(parsing: server.requests[3].body)
            #expect(body["into"]?.stringValue == "P00000001" && body["profile_id"]?.stringValue == "P00000003")
            #expect(body["webhook"]?.stringValue == "crm-hook")

            let log = try await store.webhookDeliveries("crm-hook", status: nil, limit: 10)
            #expect(log.allSatisfy { $0.status == .delivered && $0.attempts == 1 && $0.lastStatusCode == 204 })
            #expect(Set(log.map(\.id)) == Set(received.map { Int64($0.delivery) }))
            #expect(try await store.webhookCursor("crm-hook") == ids.last)
            #expect(counters.snapshot()["crm-hook"]?.delivered == 5)

            // Caught up: another round sends nothing.
            #expect(try await dispatcher.deliverAvailable().delivered == 0)
            #expect(server.requests.count == 5)
        }
    }

    @Test func aNewWebhookStartsAtTheEndOfTheFeed() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.appendChangesForTesting(Array(Self.feed.prefix(3)))
        try await withTestServer({ $0.route("/hook", method: "POST", TestHTTPServer.Response(status: 200)) }) { server in
            let dispatcher = Self.dispatcher(Self.webhook(server.url("/hook")), store: store)
            #expect(try await dispatcher.deliverAvailable().delivered == 0)
            #expect(try await store.webhookCursor("crm-hook") == 3)
            let later = try await store.appendChangesForTesting([Self.feed[3]])
            #expect(try await dispatcher.deliverAvailable().delivered == 1)
            #expect(try server.requests.map(Self.verify).map(\.change) == later.map(Int.init))
        }
    }

    @Test func eventTypesAndSegmentsFilterWhatIsSent() async throws {
        let store = try await Self.store(startingWebhooks: ["vip-merges", "vip-all"])
        var feed = Self.feed
        feed.insert(ProfileChange(at: Self.at, kind: .entered, profile: "P00000002", segment: "churn_risk"), at: 2)
        feed.append(ProfileChange(at: Self.at, kind: .updated, profile: "P00000002"))  // Filtered out by the first: the cursor still moves.
        let ids = try await store.appendChangesForTesting(feed)
        try await withTestServer({
            $0.route("/a", method: "POST", TestHTTPServer.Response(status: 200))
            $0.route("/b", method: "POST", TestHTTPServer.Response(status: 200))
        }) { server in
            let narrow = Self.webhook(
                server.url("/a"), name: "vip-merges", events: [.entered, .merged], segments: ["vip_active"])
            let wide = Self.webhook(server.url("/b"), name: "vip-all", segments: ["vip_active"])
            try await Self.dispatcher(narrow, store: store).deliverAvailable()
            try await Self.dispatcher(wide, store: store).deliverAvailable()

            let toA = try server.requests.filter { $0.path == "/a" }.map(Self.verify)
            #expect(toA.map(\.type) == ["segment.entered", "profile.merged"])
            let entered = try JSONValue(parsing: server.requests.first { $0.path == "/a" }!.body)
            #expect(entered["segment"]?.stringValue == "vip_active")

            let toB = try server.requests.filter { $0.path == "/b" }.map(Self.verify)
            // Every profile event, and the segment events of vip_active only (not churn_risk).
            #expect(toB.map(\.type) == ["profile.created", "segment.entered", "profile.updated", "profile.merged", "segment.exited", "profile.updated"])
            #expect(!toB.map(\.change).contains(Int(ids[2])))

            #expect(try await store.webhookCursor("vip-merges") == ids.last)
            #expect(try await store.webhookCursor("vip-all") == ids.last)
        }
    }

    @Test func aReceiverAnswering503ForAWhileGetsEverythingInOrderOnce() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        let answered = Mutex(0)
        let acknowledged = Mutex<[Int]>([])
        try await withTestServer({
            $0.route("/hook", method: "POST") { request in
                let count = answered.withLock { $0 += 1; return $0 }
                // Down for the first six requests (some asking to retry after 0 s), then up.
                if count <= 6 {
                    return TestHTTPServer.Response(status: 503, headers: count % 2 == 0 ? [("Retry-After", "0")] : [], body: "maintenance")
                }
                let (change, _, _) = try Self.verify(request)
                acknowledged.withLock { $0.append(change) }
                return TestHTTPServer.Response(status: 200)
            }
        }) { server in
            let counters = WebhookCounters()
            let round = try await Self.dispatcher(Self.webhook(server.url("/hook")), store: store, counters: counters)
                .deliverAvailable()
            #expect(round.delivered == 5 && round.retried == 6 && round.dead == 0)
            // The first change took every failed attempt; the rest waited behind it.
            #expect(acknowledged.withLock { $0 } == ids.map(Int.init))
            let first = try #require(try await store.webhookDeliveries("crm-hook", status: nil, limit: 10).last)
            #expect(first.changeID == ids[0] && first.attempts == 7 && first.status == .delivered && first.lastStatusCode == 200)
            #expect(counters.snapshot()["crm-hook"]?.failures[.status] == 6)
        }
    }

    @Test func aReceiverThatRefusesConnectionsForAWhileGetsEverythingInOrderOnce() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        let port = try Self.freePort()
        let webhook = Self.webhook("http://127.0.0.1:\(port)/hook", maxAttempts: 1_000)
        let counters = WebhookCounters()
        let dispatcher = Self.dispatcher(webhook, store: store, counters: counters)
        let delivering = Task { try await dispatcher.deliverAvailable() }
        // Nothing listens yet: attempts fail with connection refused and back off.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let pending = try await store.pendingWebhookDeliveries("crm-hook", limit: 1).first, pending.attempts >= 3 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let pending = try #require(try await store.pendingWebhookDeliveries("crm-hook", limit: 10).first)
        #expect(pending.changeID == ids[0] && pending.attempts >= 2 && pending.lastStatusCode == nil)
        #expect(pending.lastError?.isEmpty == false)
        #expect(try await store.webhookCursor("crm-hook") == ids[0], "later changes wait behind the first")

        var server = TestHTTPServer()
        server.route("/hook", method: "POST", TestHTTPServer.Response(status: 202))
        try await server.run(port: port) { server in
            let round = try await delivering.value
            #expect(round.delivered == 5 && round.dead == 0)
            let received = try server.requests.map(Self.verify)
            #expect(received.map(\.change) == ids.map(Int.init), "in order, each once")
        }
        #expect(counters.snapshot()["crm-hook"]?.failures[.transport] ?? 0 >= 2)
        let log = try await store.webhookDeliveries("crm-hook", status: nil, limit: 10)
        #expect(log.count == 5 && log.allSatisfy { $0.status == .delivered })
    }

    @Test func aRefusalDeadLettersAtOnceDeliveryGoesOnAndReplayDeliversIt() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        let refusing = Mutex(true)
        try await withTestServer({
            $0.route("/hook", method: "POST") { request in
                let (change, _, _) = try Self.verify(request)
                if change == Int(ids[1]) && refusing.withLock({ $0 }) {
                    return TestHTTPServer.Response(status: 422, body: #"{"message":"unknown segment"}"#)
                }
                // Change 4 fails for good: a 500 on every attempt.
                if change == Int(ids[3]) && refusing.withLock({ $0 }) { return TestHTTPServer.Response(status: 500) }
                return TestHTTPServer.Response(status: 200)
            }
        }) { server in
            let counters = WebhookCounters()
            let dispatcher = Self.dispatcher(Self.webhook(server.url("/hook"), maxAttempts: 3), store: store, counters: counters)
            let round = try await dispatcher.deliverAvailable()
            #expect(round.delivered == 3 && round.dead == 2)
            #expect(try server.requests.map(Self.verify).map(\.change) == [ids[0], ids[1], ids[2], ids[3], ids[3], ids[3], ids[4]].map(Int.init))

            let dead = try await store.webhookDeliveries("crm-hook", status: .dead, limit: 10)
            #expect(dead.map(\.changeID) == [ids[3], ids[1]])
            #expect(dead[1].attempts == 1 && dead[1].lastStatusCode == 422)
            #expect(dead[1].lastError?.contains("refused") == true, "\(dead[1].lastError ?? "")")
            #expect(dead[0].attempts == 3 && dead[0].lastStatusCode == 500)
            #expect(dead[0].lastError?.contains("gave up after 3 attempts") == true, "\(dead[0].lastError ?? "")")
            #expect(counters.snapshot()["crm-hook"]?.dead == 2)

            // The receiver is fixed; replay re-delivers the dead letters (in change order), with their delivery ids.
            refusing.withLock { $0 = false }
            #expect(try await store.requeueDeadWebhookDeliveries("crm-hook", now: Date()) == 2)
            let replayed = try await dispatcher.deliverAvailable()
            #expect(replayed.delivered == 2 && replayed.dead == 0)
            let last = try server.requests.suffix(2).map(Self.verify)
            #expect(last.map(\.change) == [ids[1], ids[3]].map(Int.init))
            #expect(last.map { Int64($0.delivery) } == dead.reversed().map(\.id))
            #expect(try await store.webhookDeliveries("crm-hook", status: .dead, limit: 10).isEmpty)
        }
    }

    @Test func replayFromRewindsTheCursorAndSendsTheChangesAgain() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        try await withTestServer({ $0.route("/hook", method: "POST", TestHTTPServer.Response(status: 200)) }) { server in
            let dispatcher = Self.dispatcher(Self.webhook(server.url("/hook")), store: store)
            try await dispatcher.deliverAvailable()
            try await store.rewindWebhook("crm-hook", toChange: ids[3], now: Date())
            #expect(try await dispatcher.deliverAvailable().delivered == 2)
            let received = try server.requests.map(Self.verify)
            #expect(received.map(\.change) == (ids + ids.suffix(2)).map(Int.init))
            #expect(Set(received.map(\.delivery)).count == 7, "a replay is a new delivery")
        }
    }

    @Test func aGracefulStopEndsBetweenAttemptsAndLosesNothing() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        let up = Mutex(false)
        try await withTestServer({
            $0.route("/hook", method: "POST") { _ in
                up.withLock { $0 } ? TestHTTPServer.Response(status: 200) : TestHTTPServer.Response(status: 503)
            }
        }) { server in
            var slow = Self.timing
            slow.baseDelay = .seconds(30)
            slow.maxDelay = .seconds(30)
            var logger = Logger(label: "webhook-test")
            logger.logLevel = .critical
            let dispatcher = WebhookDispatcher(
                webhook: Self.webhook(server.url("/hook")), store: store, timing: slow, logger: logger)
            let stop = StopSignal()
            let running = Task { await dispatcher.run(stop: stop) }
            while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            // The first attempt failed: it now waits up to 30 s for its retry. A stop ends the wait at once.
            let asked = ContinuousClock.now
            stop.request()
            await running.value
            #expect(ContinuousClock.now - asked < .seconds(5))
            #expect(server.requests.count == 1)
            let pending = try await store.pendingWebhookDeliveries("crm-hook", limit: 10)
            #expect(pending.map(\.changeID) == [ids[0]] && pending.first?.attempts == 1)
            #expect(try await store.webhookCursor("crm-hook") == ids[0])
            // The lease was given back, so the next run (another process) can deliver at once.
            #expect(try await store.leaseHolder(WebhookDispatcher.leaseName(of: "crm-hook")) == nil)

            // The next run sends the pending delivery first, then the rest, in order.
            up.withLock { $0 = true }
            try await Self.dispatcher(Self.webhook(server.url("/hook")), store: store).deliverAvailable()
            let received = try server.requests.map(Self.verify)
            #expect(received.map(\.change) == [Int(ids[0])] + ids.map(Int.init))
            #expect(received[0].delivery == received[1].delivery, "a retry keeps its delivery id")
        }
    }

    @Test func twoServicesOnOneStoreNeverDeliverTheSameWebhook() async throws {
        let store = try await Self.store()
        let ids = try await store.appendChangesForTesting(Self.feed)
        try await withTestServer({ $0.route("/hook", method: "POST", TestHTTPServer.Response(status: 200)) }) { server in
            let webhook = Self.webhook(server.url("/hook"))
            var logger = Logger(label: "webhook-test")
            logger.logLevel = .critical
            let one = WebhookDispatcher(webhook: webhook, store: store, timing: Self.timing, logger: logger, holder: "a:1:x:webhooks")
            let two = WebhookDispatcher(webhook: webhook, store: store, timing: Self.timing, logger: logger, holder: "b:2:y:webhooks")
            let stop = StopSignal()
            let first = Task { await one.run(stop: stop) }
            let second = Task { await two.run(stop: stop) }
            let deadline = ContinuousClock.now + .seconds(10)
            while server.requests.count < 5 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(100))
            stop.request()
            await first.value
            await second.value
            #expect(try server.requests.map(Self.verify).map(\.change) == ids.map(Int.init))
        }
    }

    @Test func metricsCountDeliveriesAndFailuresPerWebhook() async throws {
        let store = try await Self.store()
        _ = try await store.appendChangesForTesting(Array(Self.feed.prefix(2)))
        let calls = Mutex(0)
        try await withTestServer({
            $0.route("/hook", method: "POST") { _ in
                calls.withLock { $0 += 1; return $0 } == 1 ? TestHTTPServer.Response(status: 502) : TestHTTPServer.Response(status: 200)
            }
        }) { server in
            let counters = WebhookCounters()
            try await Self.dispatcher(Self.webhook(server.url("/hook")), store: store, counters: counters).deliverAvailable()
            let metrics = ServiceMetrics(store: store)
            metrics.observe(webhooks: counters)
            let lines = await metrics.metrics().split(separator: "\n").map(String.init)
            func value(_ name: String, _ labels: [String]) -> String? {
                lines.first { $0.hasPrefix(name + "{") && labels.allSatisfy($0.contains) }?.split(separator: " ").last.map(String.init)
            }
            #expect(value("portrait_webhook_deliveries_total", [#"webhook="crm-hook""#, #"outcome="delivered""#]) == "2", "\(lines)")
            #expect(value("portrait_webhook_deliveries_total", [#"webhook="crm-hook""#, #"outcome="dead""#]) == "0")
            #expect(value("portrait_webhook_failures_total", [#"webhook="crm-hook""#, #"reason="status""#]) == "1")
            #expect(value("portrait_webhook_dead_letters", [#"webhook="crm-hook""#]) == "0.0")
        }
    }

    /// A port nothing listens on now (bound, read, closed), for a receiver that comes up later.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw PortraitError.io("cannot reserve a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
