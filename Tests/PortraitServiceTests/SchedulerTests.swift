import Foundation
import Logging
import PortraitCore
import PortraitService
import PortraitStore
import PortraitStoreSQLite
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SchedulerTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let noJitter = Scheduler.Configuration(maximumJitter: .zero)

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the source is down" }
    }

    static func scheduler(
        _ jobs: [(String, String)], clock: ManualSchedulerClock, store: any Store, holder: String = "test",
        configuration: Scheduler.Configuration = noJitter, run: @escaping @Sendable (String) async throws -> Void
    ) throws -> Scheduler {
        Scheduler(
            jobs: try jobs.map { (name: $0.0, schedule: try Schedule(parsing: $0.1)) }, clock: clock, store: store,
            holder: holder, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            configuration: configuration, run: run)
    }

    static func minutes(_ dates: [Date]) -> [Int] {
        dates.map { Int($0.timeIntervalSince(start) / 60) }
    }

    @Test func anIntervalFiresOncePerIntervalOverSimulatedHours() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = RunLog()
        let scheduler = try Self.scheduler([("crm", "15m")], clock: clock, store: try SQLiteStore.inMemory()) {
            log.started($0, at: clock.now)
            log.finished($0)
        }
        let task = Task { await scheduler.run() }
        await clock.advance(by: 3 * 3_600, sleepers: 1)
        await clock.settle(sleepers: 1)
        #expect(Self.minutes(log.starts("crm")) == Array(stride(from: 15, through: 180, by: 15)))
        let status = try #require(await scheduler.snapshot().first)
        #expect(status.lastSuccess == Self.start.addingTimeInterval(3 * 3_600))
        #expect(status.nextDue == Self.start.addingTimeInterval(3 * 3_600 + 900))
        #expect(status.consecutiveFailures == 0)
        task.cancel()
        await task.value
    }

    @Test func jitterDelaysAFiringByUpToATenthOfTheInterval() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = RunLog()
        let configuration = Scheduler.Configuration(random: { 0.5 })
        let scheduler = try Self.scheduler(
            [("crm", "15m"), ("shop", "1h")], clock: clock, store: try SQLiteStore.inMemory(),
            configuration: configuration
        ) {
            log.started($0, at: clock.now)
            log.finished($0)
        }
        let task = Task { await scheduler.run() }
        await clock.advance(by: 3_600 + 60, sleepers: 2)
        // Half of min(90 s, 30 s) and half of min(360 s, 30 s): 15 s each, without drifting.
        #expect(log.starts("crm").map { $0.timeIntervalSince(Self.start) } == [915, 1_815, 2_715, 3_615])
        #expect(log.starts("shop").map { $0.timeIntervalSince(Self.start) } == [3_615])
        task.cancel()
        await task.value
    }

    @Test func twoSchedulersOnOneStoreNeverRunAConnectorTwiceAtOnce() async throws {
        try await withScratchDirectory { directory in
            let path = directory.appendingPathComponent("portrait.db")
            let clock = ManualSchedulerClock(Self.start)
            let log = RunLog()
            // Each run takes 20 simulated minutes, longer than the interval, so firings keep colliding.
            let run: @Sendable (String) async throws -> Void = { name in
                log.started(name, at: clock.now)
                defer { log.finished(name) }
                try await clock.sleep(until: clock.now.addingTimeInterval(20 * 60))
            }
            // The lease outlives a run, so this checks exclusion alone: renewal has its own test, and on a loaded
            // machine the simulated clock can pass a renewal before its task has gone back to sleep.
            let configuration = Scheduler.Configuration(leaseTTL: .seconds(3_600), maximumJitter: .zero)
            let first = try Self.scheduler(
                [("crm", "15m")], clock: clock, store: try SQLiteStore.open(path: path), holder: "first",
                configuration: configuration, run: run)
            let second = try Self.scheduler(
                [("crm", "15m")], clock: clock, store: try SQLiteStore.open(path: path), holder: "second",
                configuration: configuration, run: run)
            let tasks = [Task { await first.run() }, Task { await second.run() }]
            await clock.advance(by: 3 * 3_600, sleepers: 2)
            #expect(log.maximumConcurrent == 1)
            let runs = log.starts("crm").count
            #expect(runs >= 4)
            let skipped = (await first.snapshot()[0].skipped) + (await second.snapshot()[0].skipped)
            #expect(skipped > 0)
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
        }
    }

    @Test func aFailingConnectorBacksOffWithoutHoldingUpTheOthers() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = RunLog()
        let scheduler = try Self.scheduler(
            [("down", "1h"), ("up", "15m")], clock: clock, store: try SQLiteStore.inMemory()
        ) { name in
            log.started(name, at: clock.now)
            log.finished(name)
            if name == "down" { throw Failure() }
        }
        let task = Task { await scheduler.run() }
        await clock.advance(by: 80 * 60, sleepers: 2)
        // Due at 60, then retried after 1, 2, 4 and 8 minutes instead of at 120.
        #expect(Self.minutes(log.starts("down")) == [60, 61, 63, 67, 75])
        #expect(Self.minutes(log.starts("up")) == [15, 30, 45, 60, 75])
        let down = try #require(await scheduler.snapshot().first { $0.name == "down" })
        #expect(down.consecutiveFailures == 5)
        #expect(down.lastError == "the source is down")
        #expect(down.lastSuccess == nil)
        #expect(down.nextDue == Self.start.addingTimeInterval(75 * 60 + 16 * 60))
        task.cancel()
        await task.value
    }

    @Test func backoffDoublesUpToAnHour() throws {
        let scheduler = try Self.scheduler(
            [], clock: ManualSchedulerClock(Self.start), store: try SQLiteStore.inMemory()) { _ in }
        let delays = (1...9).map { scheduler.backoff(afterFailures: $0) }
        #expect(delays == [60, 120, 240, 480, 960, 1_920, 3_600, 3_600, 3_600].map { Duration.seconds($0) })
    }

    @Test func aSuccessResetsTheBackoff() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = RunLog()
        let scheduler = try Self.scheduler([("crm", "1h")], clock: clock, store: try SQLiteStore.inMemory()) {
            name in
            log.started(name, at: clock.now)
            log.finished(name)
            // Fails twice, then works.
            if log.starts(name).count <= 2 { throw Failure() }
        }
        let task = Task { await scheduler.run() }
        await clock.advance(by: 3 * 3_600, sleepers: 1)
        // The retry that worked starts the interval again.
        #expect(Self.minutes(log.starts("crm")) == [60, 61, 63, 123])
        let status = try #require(await scheduler.snapshot().first)
        #expect(status.consecutiveFailures == 0)
        #expect(status.lastError == nil)
        task.cancel()
        await task.value
    }

    @Test func runNowRunsAtOnceAndNeverTwiceAtOnce() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = RunLog()
        let scheduler = try Self.scheduler([("crm", "1d")], clock: clock, store: try SQLiteStore.inMemory()) {
            name in
            log.started(name, at: clock.now)
            defer { log.finished(name) }
            try await clock.sleep(until: clock.now.addingTimeInterval(10 * 60))
        }
        let task = Task { await scheduler.run() }
        await clock.settle(sleepers: 1)
        try await scheduler.runNow("crm")
        await clock.settle(sleepers: 2)
        #expect(Self.minutes(log.starts("crm")) == [0])
        // Asked twice while running: one more run, after this one.
        try await scheduler.runNow("crm")
        try await scheduler.runNow("crm")
        await clock.advance(by: 60 * 60, sleepers: 1)
        #expect(Self.minutes(log.starts("crm")) == [0, 10])
        #expect(log.maximumConcurrent == 1)
        await #expect(throws: PortraitError.self) { try await scheduler.runNow("nope") }
        task.cancel()
        await task.value
    }

    @Test func cancellingStopsTheSchedulerAndReleasesTheLease() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let store = try SQLiteStore.inMemory()
        let log = RunLog()
        let scheduler = try Self.scheduler([("crm", "15m")], clock: clock, store: store, holder: "first") { name in
            log.started(name, at: clock.now)
            defer { log.finished(name) }
            try await clock.sleep(until: clock.now.addingTimeInterval(60 * 60))
        }
        let task = Task { await scheduler.run() }
        // 25 minutes into a run that started at 15: past the lease's 10-minute TTL, so it was renewed.
        await clock.advance(by: 40 * 60, sleepers: 1)
        #expect(log.starts("crm").count == 1)
        #expect(try await !store.acquireLease("sync:crm", holder: "other", ttl: .seconds(60), now: clock.now))
        task.cancel()
        await task.value
        #expect(clock.sleeperCount == 0)
        #expect(try await store.acquireLease("sync:crm", holder: "other", ttl: .seconds(60), now: clock.now))
        #expect(log.starts("crm").count == 1)
    }

    @Test func drainingLetsTheRunningSyncEndThenStartsNothingAndReleasesTheLease() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let store = try SQLiteStore.inMemory()
        let log = RunLog()
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let scheduler = try Self.scheduler([("crm", "15m"), ("shop", "1h")], clock: clock, store: store) { name in
            log.started(name, at: clock.now)
            defer { log.finished(name) }
            if name == "crm" { for await _ in release { break } }
        }
        let task = Task { await scheduler.run() }
        await clock.advance(by: 15 * 60, sleepers: 1)
        while log.starts("crm").isEmpty { try await Task.sleep(for: .milliseconds(5)) }

        await scheduler.drain()
        // The run in progress is not cut short: draining waits for it, and the idle shop starts nothing.
        try await Task.sleep(for: .milliseconds(50))
        #expect(await scheduler.snapshot().first { $0.name == "crm" }?.isRunning == true)
        #expect(try await !store.acquireLease("sync:crm", holder: "other", ttl: .seconds(60), now: clock.now))
        releaser.yield()
        await task.value
        #expect(await scheduler.snapshot().first { $0.name == "crm" }?.lastSuccess != nil)
        #expect(try await store.acquireLease("sync:crm", holder: "other", ttl: .seconds(60), now: clock.now))
        await clock.advance(by: 3 * 3_600, sleepers: 0)
        #expect(log.starts("crm").count == 1)
        #expect(log.starts("shop").isEmpty)
    }
}
