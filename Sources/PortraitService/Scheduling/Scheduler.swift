public import Foundation
public import Logging
import PortraitCore
public import PortraitStore

/// Runs each scheduled connector when it is due, one run at a time per connector, even across processes.
///
/// Each connector has its own task: a slow or failing one never delays another. A firing waits a random jitter
/// (up to 10% of the interval, at most 30 s) so processes started together do not hit a source at once, then
/// takes the store lease `sync:<name>`: when another holder (another `portrait run`) has it, the firing is
/// skipped. The lease is renewed every third of its TTL while the run goes on and released after it. A run that
/// throws is retried after 1, 2, 4 … minutes (at most an hour) instead of at its next regular time.
///
/// Start it with ``run()`` in a task. ``drain()`` stops it gently: nothing more starts, a run in progress goes on
/// to its end, and `run()` returns. Cancelling the task stops every connector at once (a run in progress is
/// cancelled and ends at its last checkpoint).
public actor Scheduler {
    /// Timings of the scheduler; the defaults suit `portrait run`.
    public struct Configuration: Sendable {
        /// How long a lease holds without renewal: a crashed process blocks a connector for at most this long.
        public var leaseTTL: Duration
        /// The first retry delay after a failure; each further failure doubles it.
        public var firstBackoff: Duration
        /// The longest retry delay.
        public var maximumBackoff: Duration
        /// The longest jitter before a firing (zero turns jitter off); it is also at most 10% of the interval.
        public var maximumJitter: Duration
        /// A number in 0..<1 for each jitter; injectable so tests are deterministic.
        public var random: @Sendable () -> Double

        public init(
            leaseTTL: Duration = .seconds(600), firstBackoff: Duration = .seconds(60),
            maximumBackoff: Duration = .seconds(3_600), maximumJitter: Duration = .seconds(30),
            random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
        ) {
            self.leaseTTL = leaseTTL
            self.firstBackoff = firstBackoff
            self.maximumBackoff = maximumBackoff
            self.maximumJitter = maximumJitter
            self.random = random
        }
    }

    /// One connector's state, for `/metrics` and `portrait status`.
    public struct ConnectorStatus: Sendable, Hashable {
        public var name: String
        public var schedule: Schedule
        public var lastStart: Date?
        public var lastSuccess: Date?
        public var lastError: String?
        /// When it fires next (a retry after a failure), nil while it runs.
        public var nextDue: Date?
        public var consecutiveFailures = 0
        public var isRunning = false
        /// Firings skipped because another holder had the lease.
        public var skipped = 0
    }

    private enum Outcome {
        case succeeded, failed, skipped, cancelled
    }

    private let jobs: [(name: String, schedule: Schedule)]
    private let clock: any SchedulerClock
    private let store: any Store
    /// The id this scheduler holds leases under (host, process id and a random part).
    public let holder: String
    private let logger: Logger
    private let configuration: Configuration
    private let work: @Sendable (String) async throws -> Void

    private var statuses: [String: ConnectorStatus] = [:]
    /// Connectors asked to run at once (`runNow`), waiting for their loop to notice.
    private var requested: Set<String> = []
    /// The wait of each idle connector, cancelled by `runNow` to wake it.
    private var waits: [String: Task<Void, any Error>] = [:]
    /// Set by `drain()`: no run starts any more, and each loop ends after the run it is in.
    private var draining = false

    /// - Parameters:
    ///   - jobs: The scheduled connectors (names must be unique).
    ///   - clock: The time to read and wait on.
    ///   - store: Where the leases live, shared with other processes.
    ///   - holder: This process's lease holder id (``makeHolder()``).
    ///   - run: Syncs the named connector; throwing counts as a failure and schedules a retry.
    public init(
        jobs: [(name: String, schedule: Schedule)], clock: any SchedulerClock = SystemSchedulerClock(),
        store: any Store, holder: String = Scheduler.makeHolder(), logger: Logger,
        configuration: Configuration = Configuration(), run: @escaping @Sendable (String) async throws -> Void
    ) {
        self.jobs = jobs
        self.clock = clock
        self.store = store
        self.holder = holder
        self.logger = logger
        self.configuration = configuration
        self.work = run
        for job in jobs {
            statuses[job.name] = ConnectorStatus(name: job.name, schedule: job.schedule)
        }
    }

    /// A lease holder id unique to this process: host, process id and a random part, then `role` if given
    /// (`portrait run` marks its holders with ``SyncLease/serviceRole``, so `portrait sync` knows whom to ask).
    public static func makeHolder(role: String? = nil) -> String {
        let info = ProcessInfo.processInfo
        let holder = "\(info.hostName):\(info.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
        return role.map { "\(holder):\($0)" } ?? holder
    }

    /// Each connector's state, ordered by name.
    public func snapshot() -> [ConnectorStatus] {
        statuses.values.sorted { $0.name < $1.name }
    }

    /// Runs `name` as soon as possible: at once when idle, right after the current run when running (never twice
    /// at once).
    ///
    /// - Throws: `PortraitError.notFound` when `name` is not a scheduled connector.
    public func runNow(_ name: String) throws {
        guard statuses[name] != nil else {
            let known = statuses.keys.sorted().joined(separator: ", ")
            throw PortraitError.notFound("'\(name)' is not a scheduled connector (scheduled: \(known)).")
        }
        requested.insert(name)
        waits[name]?.cancel()
    }

    /// Starts nothing more: idle connectors stop waiting, a run in progress goes on until it ends, and ``run()``
    /// returns once every run has ended. For a service shutting down (with a `SyncStop` so runs end at their next
    /// checkpoint) or replacing its schedules after a reload.
    public func drain() {
        draining = true
        for wait in waits.values { wait.cancel() }
    }

    /// Runs every connector on its schedule until ``drain()`` or the calling task is cancelled (at once without
    /// connectors).
    ///
    /// Call it once per scheduler: a second call would run every connector loop twice (the lease still keeps the
    /// runs apart).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { await self.loop(job.name, job.schedule) }
            }
        }
    }

    private func loop(_ name: String, _ schedule: Schedule) async {
        var due = schedule.next(after: clock.now)
        var regular = true
        while !Task.isCancelled && !draining {
            statuses[name]?.nextDue = due
            var triggered = await wait(name, until: due)
            if Task.isCancelled || draining { return }
            if !triggered && regular {
                // Jitter only regular firings: a retry or a `runNow` is already spread out or wanted now.
                let jitter = jitter(for: schedule, at: due)
                if jitter > 0 {
                    triggered = await wait(name, until: clock.now.addingTimeInterval(jitter))
                    if Task.isCancelled || draining { return }
                }
            }
            requested.remove(name)
            let outcome = await fire(name)
            let now = clock.now
            switch outcome {
            case .cancelled:
                return
            case .failed:
                let failures = statuses[name]?.consecutiveFailures ?? 1
                due = now.addingTimeInterval(backoff(afterFailures: failures).seconds)
                regular = false
            case .succeeded, .skipped:
                // Keep the cadence of the schedule; when a run took longer than it, the next due time from now.
                let next = regular && !triggered ? schedule.next(after: due) : schedule.next(after: now)
                due = next > now ? next : schedule.next(after: now)
                regular = true
            }
        }
    }

    /// Waits until `deadline` or a `runNow`; true when woken by `runNow`.
    private func wait(_ name: String, until deadline: Date) async -> Bool {
        if draining { return false }
        if requested.contains(name) { return true }
        let clock = self.clock
        let sleeper = Task { try await clock.sleep(until: deadline) }
        waits[name] = sleeper
        await withTaskCancellationHandler {
            _ = await sleeper.result
        } onCancel: {
            sleeper.cancel()
        }
        waits[name] = nil
        return requested.contains(name)
    }

    private func jitter(for schedule: Schedule, at due: Date) -> TimeInterval {
        let interval = schedule.next(after: due).timeIntervalSince(due)
        let limit = min(interval * 0.1, configuration.maximumJitter.seconds)
        guard limit > 0 else { return 0 }
        return configuration.random() * limit
    }

    /// The wait before the retry after `failures` failures in a row: 1, 2, 4 … minutes with the default
    /// configuration, at most `maximumBackoff`.
    public nonisolated func backoff(afterFailures failures: Int) -> Duration {
        let first = configuration.firstBackoff.seconds
        let delay = first * pow(2, Double(min(max(failures - 1, 0), 40)))
        return .seconds(min(delay, configuration.maximumBackoff.seconds))
    }

    /// Takes the lease, runs the connector while renewing the lease, and releases it (`SyncLease`).
    private func fire(_ name: String) async -> Outcome {
        let (store, clock, holder, ttl, logger) = (store, clock, holder, configuration.leaseTTL, logger)
        do {
            guard
                try await SyncLease.acquire(
                    connector: name, store: store, holder: holder, ttl: ttl, now: clock.now, logger: logger)
            else {
                statuses[name]?.skipped += 1
                logger.info(
                    "scheduled sync skipped: another holder is running it (another service, a `portrait sync`, or this service's schedules from before a reload)",
                    metadata: ["connector": "\(name)", "lease": "\(SyncLease.name(of: name))"])
                return .skipped
            }
        } catch {
            if Task.isCancelled { return .cancelled }
            record(name, failure: error)
            return .failed
        }
        if draining {
            // Drained while the lease was being taken: give it back unused.
            try? await store.releaseLease(SyncLease.name(of: name), holder: holder)
            return .cancelled
        }
        statuses[name]?.lastStart = clock.now
        statuses[name]?.isRunning = true
        statuses[name]?.nextDue = nil
        let work = self.work
        let result = await SyncLease.whileHeld(
            connector: name, store: store, holder: holder, ttl: ttl, clock: clock, logger: logger
        ) { try await work(name) }
        statuses[name]?.isRunning = false
        switch result {
        case .success:
            statuses[name]?.lastSuccess = clock.now
            statuses[name]?.lastError = nil
            statuses[name]?.consecutiveFailures = 0
            return .succeeded
        case .failure(let error):
            if Task.isCancelled { return .cancelled }
            record(name, failure: error)
            return .failed
        }
    }

    private func record(_ name: String, failure: any Error) {
        statuses[name]?.lastError = "\(failure)"
        statuses[name]?.consecutiveFailures += 1
        let failures = statuses[name]?.consecutiveFailures ?? 1
        logger.error(
            "scheduled sync failed; retrying after a backoff",
            metadata: [
                "connector": "\(name)", "error": "\(failure)", "failures": "\(failures)",
                "retry_in_seconds": "\(Int(backoff(afterFailures: failures).seconds))",
            ])
    }
}
