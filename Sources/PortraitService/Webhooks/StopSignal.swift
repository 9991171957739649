import Synchronization

/// A request to stop between pieces of work, which also ends the waits in between at once: how the webhook
/// service stops between deliveries on a graceful shutdown rather than cancelling one in flight.
public final class StopSignal: Sendable {
    private struct State {
        var requested = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Asks to stop; every ``sleep(for:)`` in progress returns now. Asking again changes nothing.
    public func request() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.requested = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Waits for `duration`, or less when a stop is requested or the task is cancelled.
    public func sleep(for duration: Duration) async {
        guard duration > .zero, !isRequested else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await self.waitForRequest() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when a stop is requested or the task is cancelled (also how one task waits until another has
    /// stopped, when that one requests a signal of its own as it ends).
    func waitForRequest() async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.requested || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
