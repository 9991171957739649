import Synchronization

/// Webhook deliveries and failed attempts since the service started, per webhook: the counters of `/metrics`.
public final class WebhookCounters: Sendable {
    /// Why an attempt failed.
    public enum FailureReason: String, Sendable, CaseIterable {
        /// The receiver answered with a status other than 2xx.
        case status
        /// No answer: connection refused or reset, a timeout, a TLS failure.
        case transport
    }

    public enum Event: Sendable, Hashable {
        case delivered
        case dead
        case failed(FailureReason)
    }

    public struct Snapshot: Sendable, Hashable {
        public var delivered = 0
        public var dead = 0
        public var failures: [FailureReason: Int] = [:]
    }

    private let values = Mutex<[String: Snapshot]>([:])

    public init() {}

    /// Registers `webhook` so that it is reported with zeros before anything happens.
    public func register(_ webhook: String) {
        values.withLock { values in
            if values[webhook] == nil { values[webhook] = Snapshot() }
        }
    }

    /// Stops reporting `webhook` (removed from the config by a reload).
    func forget(_ webhook: String) {
        _ = values.withLock { $0.removeValue(forKey: webhook) }
    }

    func count(_ webhook: String, _ event: Event) {
        values.withLock { values in
            switch event {
            case .delivered: values[webhook, default: Snapshot()].delivered += 1
            case .dead: values[webhook, default: Snapshot()].dead += 1
            case .failed(let reason): values[webhook, default: Snapshot()].failures[reason, default: 0] += 1
            }
        }
    }

    /// Every webhook's counts.
    public func snapshot() -> [String: Snapshot] { values.withLock { $0 } }
}
