import Foundation
import PortraitService
import Synchronization

/// A clock that only moves when the test says so, and then jumps straight to the next sleeper's deadline.
final class ManualSchedulerClock: SchedulerClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
        /// Bumped whenever a task starts or stops sleeping, to see when the tasks have settled.
        var generation = 0
    }

    private let state: Mutex<State>

    init(_ start: Date) {
        state = Mutex(State(now: start))
    }

    var now: Date { state.withLock { $0.now } }

    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil || Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    state.generation += 1
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return Sleeper?.none
                }
                state.generation += 1
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward to `target`, waking sleepers in deadline order and letting the woken tasks settle
    /// (start sleeping again) before the next jump.
    ///
    /// - Parameter sleepers: How many sleepers there are at least when every task is idle.
    func advance(to target: Date, sleepers minimum: Int) async {
        while true {
            await settle(sleepers: minimum)
            let woken: [Sleeper]? = state.withLock { state in
                guard let next = state.sleepers.values.map(\.deadline).min(), next <= target else { return nil }
                state.now = max(state.now, next)
                let due = state.sleepers.filter { $0.value.deadline <= state.now }
                for id in due.keys { state.sleepers[id] = nil }
                state.generation += 1
                return Array(due.values)
            }
            guard let woken else { break }
            for sleeper in woken { sleeper.continuation.resume() }
        }
        state.withLock { $0.now = max($0.now, target) }
    }

    func advance(by interval: TimeInterval, sleepers minimum: Int) async {
        await advance(to: now.addingTimeInterval(interval), sleepers: minimum)
    }

    /// Waits (in real time, briefly) until at least `minimum` tasks sleep and nothing has changed for a moment.
    func settle(sleepers minimum: Int) async {
        // Other tests share the cores (and the cooperative pool): ask for several quiet checks over at least 15 ms
        // of real time, longer than a time slice, so a task that is ready but not yet running (a lease renewal about
        // to go back to sleep) is not taken for a quiet one when the suite keeps both cores busy.
        let giveUp = ContinuousClock.now + .seconds(5)
        var stableChecks = 0
        var stableSince = ContinuousClock.now
        var last = -1
        while ContinuousClock.now < giveUp {
            for _ in 0..<20 { await Task.yield() }
            try? await Task.sleep(for: .microseconds(300))
            let (generation, count) = state.withLock { ($0.generation, $0.sleepers.count) }
            if generation == last && count >= minimum {
                stableChecks += 1
                if stableChecks >= 8 && ContinuousClock.now - stableSince >= .milliseconds(15) { return }
            } else {
                stableChecks = 0
                stableSince = ContinuousClock.now
            }
            last = generation
        }
    }
}

/// What the scheduled runs did: when each ran, and how many ran at once at most.
final class RunLog: Sendable {
    private struct State {
        var starts: [String: [Date]] = [:]
        var running: [String: Int] = [:]
        var maximumConcurrent = 0
    }

    private let state = Mutex(State())

    func started(_ name: String, at date: Date) {
        state.withLock { state in
            state.starts[name, default: []].append(date)
            state.running[name, default: 0] += 1
            state.maximumConcurrent = max(state.maximumConcurrent, state.running[name]!)
        }
    }

    func finished(_ name: String) {
        state.withLock { $0.running[name, default: 0] -= 1 }
    }

    func starts(_ name: String) -> [Date] { state.withLock { $0.starts[name] ?? [] } }
    var maximumConcurrent: Int { state.withLock { $0.maximumConcurrent } }
}
