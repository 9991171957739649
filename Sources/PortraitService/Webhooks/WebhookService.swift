import Foundation
import Logging
import PortraitConfig
import PortraitCore
import ServiceLifecycle

/// The webhooks' part of `portrait run`, one service of its group: a ``WebhookDispatcher`` per configured webhook,
/// each in its own task, so a receiver that is down holds up only its own webhook.
///
/// Graceful shutdown stops each webhook between deliveries (a backoff wait ends at once; an attempt in flight
/// finishes, bounded by the webhook's `timeout_seconds`); a delivery not yet answered stays pending and is sent
/// first by the next run. Nothing is lost: the cursor only moves past a change with its delivery row written.
struct WebhookService: Service, CustomStringConvertible {
    let dispatchers: [WebhookDispatcher]

    /// The group logs services by description: names only, never the URLs' queries or the secrets.
    var description: String { "webhooks" }

    /// - Throws: `PortraitError.store` when the store cannot keep webhook cursors.
    init(
        workspace: Workspace, counters: WebhookCounters, logger: Logger,
        timing: WebhookDispatcher.Timing = WebhookDispatcher.Timing()
    ) throws {
        let store = try Self.store(of: workspace)
        let holder = Scheduler.makeHolder(role: "webhooks")
        dispatchers = workspace.config.webhooks.map { webhook in
            counters.register(webhook.name)
            return WebhookDispatcher(
                webhook: webhook, store: store, timing: timing, counters: counters, logger: logger, holder: holder)
        }
    }

    /// The store as webhook delivery sees it; every store Portrait ships implements it.
    static func store(of workspace: Workspace) throws -> any WebhookDeliveryStore {
        guard let store = workspace.store as? any WebhookDeliveryStore else {
            throw PortraitError.store("this store does not support webhooks")
        }
        return store
    }

    func run() async throws {
        guard !dispatchers.isEmpty else {
            // Returning early would end the service group; wait for the shutdown like the others.
            try? await gracefulShutdown()
            return
        }
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { tasks in
                for dispatcher in dispatchers {
                    tasks.addTask { await dispatcher.run(stop: stop) }
                }
            }
        } onGracefulShutdown: {
            stop.request()
        }
    }
}
