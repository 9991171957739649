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
        guard try await store.acquireLease(lease, holder: holder, ttl: ttl, now: Date()) else { return nil }
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
}
