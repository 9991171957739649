import Foundation
public import Logging
public import PortraitStore

/// The lease a sync holds on its connector (`sync:<name>`), shared by `portrait sync` and the scheduler of
/// `portrait run`, so a sync started by hand never races the service's (or another hand's) on one store.
public enum SyncLease {
    public static func name(of connector: String) -> String { "sync:\(connector)" }

    /// Runs `body` while holding `connector`'s lease, renewing it every third of `ttl`, and releases it after.
    ///
    /// - Returns: `body`'s value, or nil without running it when another holder (the service) has the lease.
    public static func run<Value: Sendable>(
        connector: String, store: any Store, holder: String, ttl: Duration = .seconds(600), logger: Logger,
        _ body: @Sendable () async throws -> Value
    ) async throws -> Value? {
        let lease = name(of: connector)
        if try await !store.acquireLease(lease, holder: holder, ttl: ttl, now: Date()) {
            // A holder on this machine whose process is gone (a sync killed mid-way) holds nothing: take it over.
            guard let stale = try await store.leaseHolder(lease), isDeadLocalProcess(stale) else { return nil }
            logger.notice("took over the lease of a process that is gone", metadata: ["connector": "\(connector)", "holder": "\(stale)"])
            try await store.releaseLease(lease, holder: stale)
            guard try await store.acquireLease(lease, holder: holder, ttl: ttl, now: Date()) else { return nil }
        }
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: ttl / 3)
                guard !Task.isCancelled else { break }
                if (try? await store.acquireLease(lease, holder: holder, ttl: ttl, now: Date())) != true {
                    logger.warning("could not renew the lease of a running sync", metadata: ["connector": "\(connector)"])
                }
            }
        }
        defer { renewal.cancel() }
        do {
            let value = try await body()
            renewal.cancel()
            try? await store.releaseLease(lease, holder: holder)
            return value
        } catch {
            renewal.cancel()
            try? await store.releaseLease(lease, holder: holder)
            throw error
        }
    }

    /// Whether `holder` (`host:pid:random`, as `Scheduler.makeHolder` writes it) names a process of this machine
    /// that no longer runs.
    static func isDeadLocalProcess(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count >= 3, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) else {
            return false
        }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
