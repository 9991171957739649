import Foundation
public import PortraitIntake
public import PortraitStore
import Prometheus
import Synchronization

/// `/readyz` and `/metrics` of `portrait run`: the store's view of every connector, the schedules' state and the
/// intake's counters, in the Prometheus text format (rendered by swift-prometheus).
///
/// Values are read when scraped, into a fresh registry: the store is the source of truth, so a restarted service
/// reports the same records and last runs.
public final class ServiceMetrics: ServiceProbes {
    let store: any Store
    private let sources = Mutex<(schedules: ScheduledSyncs?, intake: IntakeServer?)>((nil, nil))
    private let webhooks = Mutex<WebhookCounters?>(nil)

    public init(store: any Store) {
        self.store = store
    }

    /// The parts of the service whose state is reported, once they exist.
    public func observe(schedules: ScheduledSyncs?, intake: IntakeServer?) {
        sources.withLock { $0 = (schedules, intake) }
    }

    /// The webhook counters to report (`portrait run` with webhooks configured).
    public func observe(webhooks counters: WebhookCounters) {
        webhooks.withLock { $0 = counters }
    }

    public func isReady() async -> Bool {
        (try? await store.connectorTotals()) != nil
    }

    public func metrics() async -> String {
        let registry = PrometheusCollectorRegistry()
        let now = Date()
        if let totals = try? await store.connectorTotals() {
            for total in totals {
                let labels = [("connector", total.connector)]
                registry.makeGauge(name: "portrait_records", labels: labels, help: "Records stored").set(Double(total.records))
                registry.makeGauge(name: "portrait_records_deleted", labels: labels, help: "Records stored as deletions").set(Double(total.deleted))
                registry.makeGauge(name: "portrait_quarantined", labels: labels, help: "Quarantine entries").set(Double(total.quarantined))
                guard let run = total.lastRun else { continue }
                for (name, value) in [
                    ("read", run.read), ("new", run.counts.new), ("updated", run.counts.updated),
                    ("unchanged", run.counts.unchanged), ("quarantined", run.counts.quarantined),
                ] {
                    registry.makeGauge(name: "portrait_last_run_records", labels: labels + [("outcome", name)], help: "Records of the last run, by outcome")
                        .set(Double(value))
                }
                if let finished = run.finishedAt {
                    registry.makeGauge(name: "portrait_last_run_duration_seconds", labels: labels, help: "Duration of the last run")
                        .set(finished.timeIntervalSince(run.startedAt))
                }
                registry.makeGauge(name: "portrait_last_run_succeeded", labels: labels, help: "1 when the last run succeeded")
                    .set(run.status == .succeeded ? 1.0 : 0.0)
            }
        }
        let (schedules, intake) = sources.withLock { $0 }
        if let schedules {
            for status in await schedules.scheduler.snapshot() {
                let labels = [("connector", status.name)]
                if let success = status.lastSuccess {
                    registry.makeGauge(name: "portrait_seconds_since_last_success", labels: labels, help: "Seconds since the last successful scheduled run")
                        .set(now.timeIntervalSince(success))
                }
                registry.makeGauge(name: "portrait_consecutive_failures", labels: labels, help: "Scheduled runs failed in a row")
                    .set(Double(status.consecutiveFailures))
                registry.makeGauge(name: "portrait_sync_running", labels: labels, help: "1 while a scheduled run goes on")
                    .set(status.isRunning ? 1.0 : 0.0)
                registry.makeGauge(name: "portrait_sync_skipped", labels: labels, help: "Firings skipped: another service held the lease")
                    .set(Double(status.skipped))
            }
        }
        if let intake {
            let counters = intake.counters
            registry.makeCounter(name: "portrait_intake_responses_total", labels: [("outcome", "stored")], help: "Form posts stored (201) or recognised as duplicates (200)")
                .increment(by: Int64(counters.accepted))
            registry.makeCounter(name: "portrait_intake_responses_total", labels: [("outcome", "duplicate")], help: "Form posts stored (201) or recognised as duplicates (200)")
                .increment(by: Int64(counters.duplicates))
            for reason in IntakeCounters.Reason.allCases {
                registry.makeCounter(name: "portrait_intake_rejections_total", labels: [("reason", reason.rawValue)], help: "Form posts refused, by reason")
                    .increment(by: Int64(counters[reason]))
            }
        }
        if let counters = webhooks.withLock({ $0 }) {
            let stored = (try? await (store as? any WebhookStore)?.webhookDeliveryCounts()) ?? [:]
            for (webhook, counts) in counters.snapshot().sorted(by: { $0.key < $1.key }) {
                let help = "Webhook deliveries settled since the service started: delivered (2xx) or dead (refused, or out of attempts)"
                registry.makeCounter(name: "portrait_webhook_deliveries_total", labels: [("webhook", webhook), ("outcome", "delivered")], help: help)
                    .increment(by: Int64(counts.delivered))
                registry.makeCounter(name: "portrait_webhook_deliveries_total", labels: [("webhook", webhook), ("outcome", "dead")], help: help)
                    .increment(by: Int64(counts.dead))
                for reason in WebhookCounters.FailureReason.allCases {
                    registry.makeCounter(
                        name: "portrait_webhook_failures_total", labels: [("webhook", webhook), ("reason", reason.rawValue)],
                        help: "Failed webhook delivery attempts since the service started: a non-2xx status, or no answer (transport)"
                    ).increment(by: Int64(counts.failures[reason] ?? 0))
                }
                registry.makeGauge(name: "portrait_webhook_pending", labels: [("webhook", webhook)], help: "Webhook deliveries waiting for an attempt or a retry")
                    .set(Double(stored[webhook]?[.pending] ?? 0))
                registry.makeGauge(name: "portrait_webhook_dead_letters", labels: [("webhook", webhook)], help: "Webhook deliveries in the dead letters (portrait webhooks replay NAME --dead)")
                    .set(Double(stored[webhook]?[.dead] ?? 0))
            }
        }
        return registry.emitToString()
    }
}
