public import Foundation
public import Logging
public import PortraitConfig
import PortraitCore
import PortraitHTTP
import PortraitIntake
public import PortraitProfiles
public import PortraitStore

/// What webhook delivery needs of the store: the change feed, the cursors and delivery log, and leases.
public typealias WebhookDeliveryStore = Store & WebhookStore & ProfileReader

/// Delivers the change feed to one webhook, strictly in change-id order.
///
/// A round first settles the pending deliveries (a retry cut short by a restart, dead letters put back by
/// `portrait webhooks replay --dead`), then reads the changes after the webhook's cursor. Each change the filters
/// accept is enqueued (its pending row written and the cursor moved past it, in one transaction) and then
/// attempted until it is settled: delivered (2xx), or dead (a 4xx other than 408 and 429 at once, anything else
/// after `max_attempts`). Later changes wait behind a delivery being retried; a dead letter lets them pass.
///
/// Delivery is at least once: a process that dies after the receiver answered but before the answer is recorded
/// sends that delivery again (with the same `X-Portrait-Delivery`), and never loses one.
public struct WebhookDispatcher: Sendable {
    /// Backoff and polling; tests shorten them.
    public struct Timing: Sendable {
        /// The wait before the first retry; each later one doubles (half of it random), up to `maxDelay`.
        public var baseDelay: Duration
        public var maxDelay: Duration
        /// The longest `Retry-After` honoured; a longer one is waited for this long.
        public var maxRetryAfter: Duration
        /// How often `run` looks for new changes once caught up.
        public var pollInterval: Duration
        /// Changes read per query of the feed.
        public var batchSize: Int
        /// The store lease that keeps two services on one store from delivering the same webhook; renewed while
        /// held, so it only runs out when its holder dies.
        public var leaseTTL: Duration

        public init(
            baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(300),
            maxRetryAfter: Duration = .seconds(900),
            pollInterval: Duration = .seconds(1), batchSize: Int = 200, leaseTTL: Duration = .seconds(600)
        ) {
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.maxRetryAfter = maxRetryAfter
            self.pollInterval = pollInterval
            self.batchSize = max(batchSize, 1)
            self.leaseTTL = leaseTTL
        }
    }

    /// What one round did.
    public struct Round: Sendable, Hashable {
        public var delivered = 0
        public var dead = 0
        /// Failed attempts that were retried.
        public var retried = 0
        /// True when the round ended on a stop request rather than by catching up.
        public var stopped = false

        public init() {}
    }

    public let webhook: WebhookConfig
    let store: any WebhookDeliveryStore
    let client: HTTPClient
    let timing: Timing
    let counters: WebhookCounters
    let logger: Logger
    let holder: String

    public init(
        webhook: WebhookConfig, store: any WebhookDeliveryStore, timing: Timing = Timing(),
        counters: WebhookCounters = WebhookCounters(), logger: Logger,
        holder: String = Scheduler.makeHolder(role: "webhooks")
    ) {
        self.webhook = webhook
        self.store = store
        self.timing = timing
        self.counters = counters
        self.logger = logger
        self.holder = holder
        self.client = HTTPClient(
            configuration: HTTPClient.Configuration(
                connectTimeout: min(webhook.timeout, .seconds(10)), timeout: webhook.timeout, maxResponseBytes: 1 << 20,
                followRedirects: false))
    }

    /// The store lease of a webhook's deliveries.
    public static func leaseName(of webhook: String) -> String { "webhook:\(webhook)" }

    /// Delivers rounds until `stop` is requested: each time it catches up it waits `pollInterval` for more.
    ///
    /// Store errors are logged and the round tried again after a backoff; the lease is given back at the end.
    public func run(stop: StopSignal) async {
        var failures = 0
        var waitingForLease = false
        while !stop.isRequested && !Task.isCancelled {
            do {
                guard try await renewLease() else {
                    if !waitingForLease {
                        logger.info(
                            "webhook delivered by another service on this store; waiting for its lease",
                            metadata: ["webhook": "\(webhook.name)", "lease": "\(Self.leaseName(of: webhook.name))"])
                    }
                    waitingForLease = true
                    await stop.sleep(for: timing.pollInterval * 5)
                    continue
                }
                waitingForLease = false
                _ = try await deliverAvailable(stop: stop)
                failures = 0
                await stop.sleep(for: timing.pollInterval)
            } catch is CancellationError {
                break
            } catch {
                failures += 1
                logger.error(
                    "webhook round failed; trying again after a backoff",
                    metadata: ["webhook": "\(webhook.name)", "error": "\(error)", "failures": "\(failures)"])
                await stop.sleep(for: backoff(beforeRetry: failures))
            }
        }
        try? await store.releaseLease(Self.leaseName(of: webhook.name), holder: holder)
    }

    /// Delivers what the feed holds for this webhook now, in order, and returns when caught up (or on `stop`,
    /// between deliveries). Usable without `run`: a test, or a one-off catch-up.
    ///
    /// A webhook seen for the first time starts at the end of the feed: it receives the changes made from then on
    /// (`portrait webhooks replay NAME --from 1` sends the history).
    ///
    /// - Throws: The store's errors; `CancellationError`.
    @discardableResult
    public func deliverAvailable(stop: StopSignal = StopSignal()) async throws -> Round {
        var round = Round()
        rounds: while !stop.isRequested {
            try Task.checkCancellation()
            if let pending = try await store.pendingWebhookDeliveries(webhook.name, limit: 1).first {
                guard try await settle(pending, change: nil, round: &round, stop: stop) else { break }
                continue
            }
            guard let cursor = try await store.webhookCursor(webhook.name) else {
                let end = try await store.latestChangeID()
                _ = try await store.moveWebhookCursor(webhook.name, from: nil, to: end, now: Date())
                logger.info(
                    "webhook starts at the end of the change feed",
                    metadata: ["webhook": "\(webhook.name)", "cursor": "\(end)"])
                continue
            }
            let changes = try await store.changes(afterID: cursor, since: nil, profile: nil, limit: timing.batchSize)
            guard let last = changes.last?.id else { break }
            var position = cursor
            for change in changes {
                guard let id = change.id, webhook.accepts(change.kind, segment: change.segment) else { continue }
                if stop.isRequested { break rounds }
                // The cursor jumps over the changes filtered out before this one.
                guard
                    let delivery = try await store.enqueueWebhookDelivery(
                        webhook.name, changeID: id, cursor: position, now: Date())
                else { continue rounds }  // Rewound meanwhile (`replay --from`): read again from the new cursor.
                position = id
                guard try await settle(delivery, change: change, round: &round, stop: stop) else { break rounds }
                // A replay may have rewound the cursor or put dead letters back while this one was delivered.
                if try await store.webhookCursor(webhook.name) != position { continue rounds }
            }
            if last > position {
                _ = try await store.moveWebhookCursor(webhook.name, from: position, to: last, now: Date())
            }
        }
        round.stopped = stop.isRequested
        return round
    }

    /// Attempts `delivery` until it is delivered or dead; false when a stop came first (it stays pending).
    private func settle(
        _ delivery: WebhookDelivery, change: ProfileChange?, round: inout Round, stop: StopSignal
    ) async throws -> Bool {
        let metadata: Logger.Metadata = [
            "webhook": "\(webhook.name)", "delivery": "\(delivery.id)", "change": "\(delivery.changeID)",
        ]
        var found = change
        if found == nil {
            found = try await store.changes(afterID: delivery.changeID - 1, since: nil, profile: nil, limit: 1)
                .first { $0.id == delivery.changeID }
        }
        guard let change = found else {
            try await store.recordWebhookAttempt(
                id: delivery.id, status: .dead, statusCode: nil,
                error: "change \(delivery.changeID) is no longer in the feed",
                at: Date())
            counters.count(webhook.name, .dead)
            round.dead += 1
            logger.warning("webhook delivery dead: its change is no longer in the feed", metadata: metadata)
            return true
        }
        let body = Self.payload(change, webhook: webhook.name, deliveryID: delivery.id)
        let request = HTTPRequest(
            method: "POST", url: webhook.url,
            headers: [
                ("Content-Type", "application/json"),
                ("X-Portrait-Event", change.kind.rawValue),
                ("X-Portrait-Delivery", String(delivery.id)),
                (IntakeSignature.headerName, IntakeSignature.value(for: body, secret: webhook.secret)),
            ],
            body: body)
        var attempts = delivery.attempts
        while true {
            if stop.isRequested { return false }
            guard try await renewLease() else { return false }
            let outcome = await attempt(request)
            attempts += 1
            let now = Date()
            switch outcome {
            case .delivered(let code):
                try await store.recordWebhookAttempt(
                    id: delivery.id, status: .delivered, statusCode: code, error: nil, at: now)
                counters.count(webhook.name, .delivered)
                round.delivered += 1
                logger.debug("webhook delivered", metadata: metadata.merging(["status": "\(code)"]) { $1 })
                return true
            case .cancelled:
                throw CancellationError()
            case .refused(let code, let reason):
                let error = "\(reason): the receiver refused it"
                try await store.recordWebhookAttempt(
                    id: delivery.id, status: .dead, statusCode: code, error: error, at: now)
                counters.count(webhook.name, .failed(.status))
                counters.count(webhook.name, .dead)
                round.dead += 1
                logger.warning(
                    "webhook delivery dead: the receiver refused it; delivery goes on with the next change",
                    metadata: metadata.merging(["status": "\(code)", "attempts": "\(attempts)"]) { $1 })
                return true
            case .failed(let code, let reason, let retryAfter):
                counters.count(webhook.name, .failed(code == nil ? .transport : .status))
                guard attempts < webhook.maxAttempts else {
                    let error = "\(reason) (gave up after \(attempts) attempts)"
                    try await store.recordWebhookAttempt(
                        id: delivery.id, status: .dead, statusCode: code, error: error, at: now)
                    counters.count(webhook.name, .dead)
                    round.dead += 1
                    logger.warning(
                        "webhook delivery dead: out of attempts; delivery goes on with the next change",
                        metadata: metadata.merging(["error": "\(reason)", "attempts": "\(attempts)"]) { $1 })
                    return true
                }
                try await store.recordWebhookAttempt(
                    id: delivery.id, status: .pending, statusCode: code, error: reason, at: now)
                round.retried += 1
                let delay = retryAfter.map { min($0, timing.maxRetryAfter) } ?? backoff(beforeRetry: attempts)
                logger.info(
                    "webhook delivery failed; retrying after a backoff (later changes wait behind it)",
                    metadata: metadata.merging(
                        ["error": "\(reason)", "attempts": "\(attempts)", "retry_in_seconds": "\(Self.seconds(delay))"]
                    ) { $1 })
                try await wait(delay, stop: stop)
            }
        }
    }

    private enum Outcome {
        case delivered(Int)
        /// A 4xx other than 408 and 429: sending it again would be refused again.
        case refused(Int, String)
        /// Worth another attempt: a 5xx, 408, 429, a redirect, or a transport error (status nil).
        case failed(Int?, String, retryAfter: Duration?)
        case cancelled
    }

    private func attempt(_ request: HTTPRequest) async -> Outcome {
        do {
            let response = try await client.send(request)
            let status = response.status
            if response.isSuccess { return .delivered(status) }
            if (400..<500).contains(status) && status != 408 && status != 429 {
                return .refused(status, response.statusText)
            }
            let retryAfter =
                (status == 429 || status == 503) ? response.header("Retry-After").flatMap(HTTPClient.retryAfter) : nil
            return .failed(status, response.statusText, retryAfter: retryAfter)
        } catch is CancellationError {
            return .cancelled
        } catch let error as PortraitError {
            return Task.isCancelled ? .cancelled : .failed(nil, error.message, retryAfter: nil)
        } catch {
            return Task.isCancelled ? .cancelled : .failed(nil, "\(error)", retryAfter: nil)
        }
    }

    /// Waits `delay` (or until `stop`), renewing the lease on the way so a long backoff does not lose it.
    private func wait(_ delay: Duration, stop: StopSignal) async throws {
        var left = delay
        let chunk = timing.leaseTTL / 3
        while left > .zero && !stop.isRequested {
            let step = min(left, chunk)
            await stop.sleep(for: step)
            try Task.checkCancellation()
            left -= step
            if left > .zero { _ = try await renewLease() }
        }
    }

    private func renewLease() async throws -> Bool {
        try await store.acquireLease(
            Self.leaseName(of: webhook.name), holder: holder, ttl: timing.leaseTTL, now: Date())
    }

    /// The wait before retry number `retry` (1 for the first): half the capped exponential delay plus a random part
    /// up to the other half, so deliveries that failed together do not return together.
    func backoff(beforeRetry retry: Int) -> Duration {
        let capped = min(timing.baseDelay * (1 << min(max(retry - 1, 0), 30)), timing.maxDelay)
        let half = capped / 2
        return half + half * Double.random(in: 0...1)
    }

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.3f", value)
    }

    /// The exact bytes POSTed (and signed): the change as `portrait changes` prints it, with `webhook` and
    /// `delivery_id`, as canonical JSON (sorted keys, no spaces).
    public static func payload(_ change: ProfileChange, webhook: String, deliveryID: Int64) -> [UInt8] {
        var object = change.json.objectValue ?? [:]
        object["webhook"] = .string(webhook)
        object["delivery_id"] = .number(Int(deliveryID))
        return Array(JSONValue.object(object).canonicalText.utf8)
    }
}
