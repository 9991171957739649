import Logging
import ServiceLifecycle

/// The scheduled syncs of `portrait run` as one service of its `ServiceGroup`.
///
/// It runs the current ``ScheduledSyncs`` until graceful shutdown, which ends each run in progress at its next
/// committed checkpoint (``SyncStop``) and returns once every run has ended and released its lease. Cancellation
/// (a second signal, or a shutdown that outlasts its grace) cancels the runs instead. A reload replaces the
/// schedules while it runs (``replace(with:)``).
actor SyncService: Service, CustomStringConvertible {
    private let logger: Logger
    /// Every set of schedules still running, by generation.
    private var live: [Int: ScheduledSyncs] = [:]
    private var nextGeneration = 0
    private var stopping = false
    private nonisolated let generations: AsyncStream<(Int, ScheduledSyncs)>
    private let started: AsyncStream<(Int, ScheduledSyncs)>.Continuation

    init(_ initial: ScheduledSyncs, logger: Logger) {
        self.logger = logger
        (generations, started) = AsyncStream.makeStream()
        live[0] = initial
        nextGeneration = 1
        started.yield((0, initial))
    }

    nonisolated var description: String { "scheduled-syncs" }

    nonisolated func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await (generation, syncs) in generations {
                    group.addTask {
                        await syncs.run()
                        await self.ended(generation)
                    }
                }
            }
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
        let generation = nextGeneration
        nextGeneration += 1
        live[generation] = syncs
        started.yield((generation, syncs))
        for old in replaced { await old.drain(stoppingRuns: false) }
        return true
    }

    /// Starts no more syncs and ends the runs in progress at their next checkpoint; `run()` returns once they have.
    func shutDown() async {
        guard !stopping else { return }
        stopping = true
        started.finish()
        for syncs in live.values { await syncs.drain(stoppingRuns: true) }
    }

    private func ended(_ generation: Int) {
        live[generation] = nil
    }
}
