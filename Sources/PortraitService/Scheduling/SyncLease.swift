import Foundation
public import Logging
public import PortraitStore

/// The lease a sync holds on its connector (`sync:<name>`), shared by `portrait sync` and the scheduler of
/// `portrait run`, so a sync never races another (a service's, or one started by hand) on one store.
public enum SyncLease {
    public static func name(of connector: String) -> String { "sync:\(connector)" }

    /// The role that ends the holder ids of `portrait run`'s schedulers (`host:pid:random:run`).
    public static let serviceRole = "run"

    /// Whether `holder` is a running service's scheduler (one that takes sync requests), not a `portrait sync`.
    public static func isServiceHolder(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        return parts.count >= 4 && parts.last == Substring(serviceRole)
    }

    /// Runs `body` while holding `connector`'s lease, and releases it after.
    ///
    /// - Returns: `body`'s value, or nil without running it when another holder (the service) has the lease.
    public static func run<Value: Sendable>(
        connector: String, store: any Store, holder: String, ttl: Duration = .seconds(600), logger: Logger,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        let clock = SystemSchedulerClock()
        guard try await acquire(connector: connector, store: store, holder: holder, ttl: ttl, now: clock.now, logger: logger)
        else { return nil }
        let result = await whileHeld(
            connector: connector, store: store, holder: holder, ttl: ttl, clock: clock, logger: logger, body)
        return try result.get()
    }

    /// Takes `connector`'s lease (or renews it for `holder`); false when another holder has it.
    ///
    /// A holder on this machine whose process is gone (a sync killed mid-way) holds nothing: its lease is taken
    /// over at once rather than after its TTL.
    static func acquire(
        connector: String, store: any Store, holder: String, ttl: Duration, now: Date, logger: Logger
    ) async throws -> Bool {
        let lease = name(of: connector)
        if try await store.acquireLease(lease, holder: holder, ttl: ttl, now: now) { return true }
        guard let stale = try await store.leaseHolder(lease), isDeadLocalProcess(stale) else { return false }
        logger.notice("took over the lease of a process that is gone", metadata: ["connector": "\(connector)", "holder": "\(stale)"])
        try await store.releaseLease(lease, holder: stale)
        return try await store.acquireLease(lease, holder: holder, ttl: ttl, now: now)
    }

    /// Runs `body` with the lease held: renewed every third of `ttl` on `clock` while `body` runs, released after
    /// it (in a task of its own, so a cancelled caller still gives the lease back).
    static func whileHeld<Value: Sendable>(
        connector: String, store: any Store, holder: String, ttl: Duration, clock: any SchedulerClock, logger: Logger,
        _ body: @escaping @Sendable () async throws -> Value
    ) async -> Result<Value, any Error> {
        let lease = name(of: connector)
        let result: Result<Value, any Error> = await withTaskGroup(of: Result<Value, any Error>?.self) { group in
            group.addTask {
                // Renewal: runs until the body ends and cancels it.
                while !Task.isCancelled {
                    do {
                        try await clock.sleep(until: clock.now.addingTimeInterval(ttl.seconds / 3))
                        if try await !store.acquireLease(lease, holder: holder, ttl: ttl, now: clock.now) {
                            logger.warning(
                                "lost the lease of a running sync to another process",
                                metadata: ["connector": "\(connector)", "lease": "\(lease)"])
                        }
                    } catch {
                        if Task.isCancelled { break }
                        logger.warning(
                            "could not renew the lease of a running sync",
                            metadata: ["connector": "\(connector)", "error": "\(error)"])
                    }
                }
                return nil
            }
            group.addTask {
                do {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            }
            for await result in group {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            return .failure(CancellationError())
        }
        await Task {
            do {
                try await store.releaseLease(lease, holder: holder)
            } catch {
                logger.warning(
                    "could not release the lease of a sync; it expires by itself",
                    metadata: ["connector": "\(connector)", "error": "\(error)"])
            }
        }.value
        return result
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
