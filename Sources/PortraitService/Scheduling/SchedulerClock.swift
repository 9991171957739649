public import Foundation

/// The time a ``Scheduler`` reads and waits on: the system's in `portrait run`, a manual one in tests.
public protocol SchedulerClock: Sendable {
    /// The current wall-clock time; schedules are computed from it.
    var now: Date { get }

    /// Returns at or after `deadline` (at once when it has passed).
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func sleep(until deadline: Date) async throws
}

/// The system clock: `Date()` for the time, `ContinuousClock` for waiting.
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}

    public var now: Date { Date() }

    /// Waits in steps of at most a minute, so a wall clock that is set or a machine that slept is noticed.
    public func sleep(until deadline: Date) async throws {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return try Task.checkCancellation() }
            try await ContinuousClock().sleep(for: .seconds(min(remaining, 60)))
        }
    }
}
