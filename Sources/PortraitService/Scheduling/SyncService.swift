import Foundation
import Logging
import PortraitStore
import ServiceLifecycle

/// The scheduled syncs of `portrait run` as one service of its `ServiceGroup`.
///
/// It runs the current ``ScheduledSyncs`` until graceful shutdown, which ends each run in progress at its next
/// committed checkpoint (``SyncStop``) and returns once every run has ended and released its lease. Cancellation
/// (a second signal, or a shutdown that outlasts its grace) cancels the runs instead. A reload replaces the
/// schedules while it runs (``replace(with:)``).
///
/// It also serves sync requests (``SyncRequests``): every quarter second it takes the untaken requests for the
/// connectors it schedules whose lease is free or its own, and runs each such connector at once.
actor SyncService: Service, CustomStringConvertible {
    private let store: any Store
    private let logger: Logger
    /// The requests taken and not answered yet; shared with every ``ScheduledSyncs`` this service runs.
    nonisolated let requests: SyncRequestBoard
    /// Every set of schedules still running, by generation.
    private var live: [Int: ScheduledSyncs] = [:]
    private var current = 0
    private var stopping = false
    private nonisolated let generations: AsyncStream<(Int, ScheduledSyncs)>
    private let started: AsyncStream<(Int, ScheduledSyncs)>.Continuation

    /// - Parameter requests: The board `initial` (and every later ``ScheduledSyncs``) was made with.
    init(_ initial: ScheduledSyncs, requests: SyncRequestBoard, store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
        self.requests = requests
        (generations, started) = AsyncStream.makeStream()
        live[0] = initial
        started.yield((0, initial))
    }

    nonisolated var description: String { "scheduled-syncs" }

    nonisolated func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.serveRequests() }
                for await (generation, syncs) in generations {
                    group.addTask {
                        await syncs.run()
                        await self.ended(generation)
                    }
                }
            }
            // Taken but never run: give them back, so their requesters can run the connectors themselves.
            let unserved = requests.removeAll { _ in true }
            try? await store.releaseSyncRequests(ids: unserved.map(\.id))
        } onGracefulShutdown: {
            Task { await self.shutDown() }
        }
    }

    /// Runs `syncs` from now on, in place of the schedules running so far: those start nothing more, and the runs
    /// they are in go on to their end (their leases keep the new schedules from starting the same connector
    /// meanwhile).
    ///
    /// - Returns: False when the service is shutting down (nothing is replaced).
    func replace(with syncs: ScheduledSyncs) async -> Bool {
        guard !stopping else { return false }
        let replaced = live.values
        let generation = (live.keys.max() ?? current) + 1
        live[generation] = syncs
        current = generation
        started.yield((generation, syncs))
        for old in replaced { await old.drain(stoppingRuns: false) }
        // Requests for connectors no longer scheduled go back to their requesters; the others run under the new
        // schedules.
        let orphans = requests.removeAll { syncs.schedules[$0] == nil }
        try? await store.releaseSyncRequests(ids: orphans.map(\.id))
        await runRequested()
        return true
    }

    /// Starts no more syncs and ends the runs in progress at their next checkpoint; `run()` returns once they have.
    func shutDown() async {
        guard !stopping else { return }
        stopping = true
        started.finish()
        for syncs in live.values { await syncs.drain(stoppingRuns: true) }
    }

    private func ended(_ generation: Int) async {
        live[generation] = nil
        // A request that waited for a run of the replaced schedules to end can run now.
        await runRequested()
    }

    /// Asks the current schedules to run every connector with a request waiting.
    private func runRequested() async {
        guard !stopping, let syncs = live[current] else { return }
        for name in requests.connectors {
            try? await syncs.scheduler.runNow(name)
        }
    }

    /// Takes and runs sync requests until shutdown.
    private func serveRequests() async {
        while !stopping && !Task.isCancelled {
            try? await Task.sleep(for: SyncRequests.pollInterval)
            guard !stopping, let syncs = live[current] else { continue }
            do {
                try await takeRequests(for: syncs)
            } catch {
                logger.warning("could not read sync requests", metadata: ["error": "\(error)"])
            }
        }
    }

    private func takeRequests(for syncs: ScheduledSyncs) async throws {
        let untaken = try await store.untakenSyncRequests()
        guard !untaken.isEmpty else { return }
        let ours = Set(live.values.map(\.holder))
        var eligible: [Int64] = []
        for request in untaken where syncs.schedules[request.connector] != nil {
            // Not a connector another service is running: that one takes the request.
            let holder = try await store.leaseHolder(SyncLease.name(of: request.connector))
            if holder.map({ ours.contains($0) || SyncLease.isDeadLocalProcess($0) }) ?? true {
                eligible.append(request.id)
            }
        }
        for request in try await store.takeSyncRequests(ids: eligible, holder: syncs.holder, now: Date()) {
            requests.add(request)
            logger.info("sync requested", metadata: ["connector": "\(request.connector)", "request": "\(request.id)"])
            try? await syncs.scheduler.runNow(request.connector)
        }
    }
}
