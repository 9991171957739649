import Foundation
import Logging
import PortraitConfig
import PortraitCore
import ServiceLifecycle
import Synchronization

/// The webhooks' part of `portrait run`, one service of its group: a ``WebhookDispatcher`` per configured webhook,
/// each in its own task, so a receiver that is down holds up only its own webhook.
///
/// Graceful shutdown stops each webhook between deliveries (a backoff wait ends at once; an attempt in flight
/// finishes, bounded by the webhook's `timeout_seconds`); a delivery not yet answered stays pending and is sent
/// first by the next run. Nothing is lost: the cursor only moves past a change with its delivery row written.
///
/// A reloaded config's webhooks replace the running ones (``apply(_:)``): a removed or changed webhook stops the same
/// way, and a changed one starts again under its new settings once the old dispatcher has stopped, so two never
/// deliver one webhook at once.
final class WebhookService: Service, CustomStringConvertible, Sendable {
    /// One dispatcher's run: how to stop it, a signal it raises once it has stopped, and the one of the previous
    /// dispatcher of the same webhook, which it waits for before it starts.
    private struct Delivery: Sendable {
        var dispatcher: WebhookDispatcher
        var stop = StopSignal()
        var stopped = StopSignal()
        var after: StopSignal?
    }

    /// What ``apply(_:)`` changed, by webhook name.
    struct Changes: Equatable {
        var added: [String] = []
        var changed: [String] = []
        var removed: [String] = []
        var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
    }

    private let store: any WebhookDeliveryStore
    private let counters: WebhookCounters
    private let logger: Logger
    private let timing: WebhookDispatcher.Timing
    private let holder = Scheduler.makeHolder(role: "webhooks")
    /// The last delivery of each webhook name: running while its webhook is configured, stopping or stopped after
    /// a reload removed or changed it (the next one of that name waits for it).
    private let deliveries = Mutex<[String: Delivery]>([:])
    private let starts: AsyncStream<Delivery>
    private let startsContinuation: AsyncStream<Delivery>.Continuation

    /// The group logs services by description: names only, never the URLs' queries or the secrets.
    var description: String { "webhooks" }

    /// - Throws: `PortraitError.store` when the store cannot keep webhook cursors.
    init(
        workspace: Workspace, counters: WebhookCounters, logger: Logger,
        timing: WebhookDispatcher.Timing = WebhookDispatcher.Timing()
    ) throws {
        store = try Self.store(of: workspace)
        self.counters = counters
        self.logger = logger
        self.timing = timing
        (starts, startsContinuation) = AsyncStream.makeStream(of: Delivery.self)
        _ = apply(workspace.config.webhooks)
    }

    /// The store as webhook delivery sees it; every store Portrait ships implements it.
    static func store(of workspace: Workspace) throws -> any WebhookDeliveryStore {
        guard let store = workspace.store as? any WebhookDeliveryStore else {
            throw PortraitError.store("this store does not support webhooks")
        }
        return store
    }

    /// Makes `webhooks` the ones delivered: starts the new ones, stops the removed ones between deliveries, and
    /// restarts a changed one under its new settings once its old dispatcher has stopped. Cursors and pending
    /// deliveries are the store's, so a webhook that comes back goes on where it was.
    func apply(_ webhooks: [WebhookConfig]) -> Changes {
        var changes = Changes()
        let toStart = deliveries.withLock { deliveries -> [Delivery] in
            let names = Set(webhooks.map(\.name))
            for (name, old) in deliveries where !names.contains(name) && !old.stop.isRequested {
                old.stop.request()
                counters.forget(name)
                changes.removed.append(name)
            }
            var toStart: [Delivery] = []
            for webhook in webhooks {
                let old = deliveries[webhook.name]
                let running = old.map { !$0.stop.isRequested } ?? false
                if running, old?.dispatcher.webhook == webhook { continue }
                old?.stop.request()
                if running { changes.changed.append(webhook.name) } else { changes.added.append(webhook.name) }
                counters.register(webhook.name)
                let delivery = Delivery(
                    dispatcher: WebhookDispatcher(
                        webhook: webhook, store: store, timing: timing, counters: counters, logger: logger,
                        holder: holder),
                    after: old?.stopped)
                deliveries[webhook.name] = delivery
                toStart.append(delivery)
            }
            return toStart
        }
        for start in toStart { startsContinuation.yield(start) }
        changes.added.sort()
        changes.changed.sort()
        changes.removed.sort()
        return changes
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { tasks in
                for await delivery in starts {
                    tasks.addTask {
                        if let previous = delivery.after { await previous.waitForRequest() }
                        await delivery.dispatcher.run(stop: delivery.stop)
                        delivery.stopped.request()
                    }
                }
            }
        } onGracefulShutdown: {
            self.deliveries.withLock { deliveries in
                for delivery in deliveries.values { delivery.stop.request() }
            }
            self.startsContinuation.finish()
        }
    }
}
