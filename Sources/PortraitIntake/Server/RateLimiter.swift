import Synchronization

/// A token bucket: holds up to `capacity` tokens, refilled continuously at `refillPerSecond`; each request takes one.
struct TokenBucket: Sendable {
    let capacity: Double
    let refillPerSecond: Double
    private(set) var tokens: Double
    private var updated: ContinuousClock.Instant

    /// A full bucket for `ratePerMinute` requests a minute (at least 1), with bursts of a sixth of that (at least 1).
    init(ratePerMinute: Int, now: ContinuousClock.Instant) {
        let rate = max(1, ratePerMinute)
        capacity = Double(max(1, rate / 6))
        refillPerSecond = Double(rate) / 60
        tokens = capacity
        updated = now
    }

    /// Takes a token if there is one.
    ///
    /// - Returns: nil if the request may go ahead; else the whole seconds until a token is back (at least 1), for
    ///   `Retry-After`.
    mutating func take(now: ContinuousClock.Instant) -> Int? {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > 0 {
            tokens = min(capacity, tokens + seconds * refillPerSecond)
            updated = now
        }
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return max(1, Int(((1 - tokens) / refillPerSecond).rounded(.up)))
    }
}

/// One token bucket per rate-limited form, shared by every request handler.
final class RateLimiter: Sendable {
    private let buckets = Mutex<[String: TokenBucket]>([:])

    /// Takes a token from the form's bucket; see ``TokenBucket/take(now:)``. Forms without a rate always pass.
    func take(_ form: IntakeForm, now: ContinuousClock.Instant = .now) -> Int? {
        guard let rate = form.ratePerMinute else { return nil }
        return buckets.withLock { buckets in
            var bucket = buckets[form.id] ?? TokenBucket(ratePerMinute: rate, now: now)
            let wait = bucket.take(now: now)
            buckets[form.id] = bucket
            return wait
        }
    }
}
