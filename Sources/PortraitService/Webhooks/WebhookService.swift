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
    /// A webhook being delivered: its settings, how to stop it, and a signal raised once it has stopped.
    private struct Running {
        var webhook: WebhookConfig
        var stop: StopSignal
        var stopped: StopSignal
    }

    /// A dispatcher to start, once `after` (the previous dispatcher of the same webhook) has stopped.
    private struct Start: Sendable {
        var dispatcher: WebhookDispatcher
        var stop: StopSignal
        var stopped: StopSignal
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
    /// The webhooks delivered now, and the "stopped" signals of those removed, for one added back before its
    /// old dispatcher has stopped.
    private struct Webhooks {
        var running: [String: Running] = [:]
        var removed: [String: StopSignal] = [:]
    }

    private let state = Mutex(Webhooks())
    private let starts: AsyncStream<Start>
    private let startsContinuation: AsyncStream<Start>.Continuation

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
        (starts, startsContinuation) = AsyncStream.makeStream(of: Start.self)
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
        let toStart = state.withLock { state -> [Start] in
            var toStart: [Start] = []
            let names = Set(webhooks.map(\.name))
            for (name, old) in state.running where !names.contains(name) {
                old.stop.request()
                state.running[name] = nil
                state.removed[name] = old.stopped
                counters.forget(name)
                changes.removed.append(name)
            }
            for webhook in webhooks {
                let old = state.running[webhook.name]
                if let old, old.webhook == webhook { continue }
                old?.stop.request()
                if old == nil { changes.added.append(webhook.name) } else { changes.changed.append(webhook.name) }
                counters.register(webhook.name)
                let start = Start(
                    dispatcher: WebhookDispatcher(
                        webhook: webhook, store: store, timing: timing, counters: counters, logger: logger,
                        holder: holder),
                    stop: StopSignal(), stopped: StopSignal(),
                    after: old?.stopped ?? state.removed.removeValue(forKey: webhook.name))
                state.running[webhook.name] = Running(webhook: webhook, stop: start.stop, stopped: start.stopped)
                toStart.append(start)
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
                for await start in starts {
                    tasks.addTask {
                        if let previous = start.after { await previous.waitForRequest() }
                        await start.dispatcher.run(stop: start.stop)
                        start.stopped.request()
                    }
                }
            }
        } onGracefulShutdown: {
            self.state.withLock { state in
                for webhook in state.running.values { webhook.stop.request() }
            }
            self.startsContinuation.finish()
        }
    }
}
