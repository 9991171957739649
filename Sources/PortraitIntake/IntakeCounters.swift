import Synchronization

/// How many submissions the intake accepted and refused, by reason, since the server was created.
public struct IntakeCounters: Sendable, Hashable {
    /// Why a request was refused; also the `reason` of its log line.
    public enum Reason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// 401: no `X-Portrait-Signature`, or one that does not match the body and the form's secret.
        case badSignature
        /// 404: the intake or the sink does not know the form.
        case unknownForm
        /// 413: the body is over `maxBodyBytes`.
        case tooLarge
        /// 400 or 415: the body cannot be read (bad JSON, not an object, bad `response_id`, unsupported type).
        case malformed
        /// 400: the sink rejected the answers.
        case invalid
        /// 429: the form's rate limit is exhausted.
        case rateLimited
        /// 503: the sink threw.
        case sinkFailed

        public var description: String { rawValue }
    }

    /// Submissions stored for the first time (201).
    public internal(set) var accepted = 0
    /// Submissions the sink already held (200).
    public internal(set) var duplicates = 0
    /// Refused requests by reason; reasons never seen are absent.
    public internal(set) var rejections: [Reason: Int] = [:]

    public init() {}

    /// Refused requests for `reason` (0 if none).
    public subscript(reason: Reason) -> Int { rejections[reason, default: 0] }

    /// Refused requests, all reasons together.
    public var rejected: Int { rejections.values.reduce(0, +) }
}

/// The live counters, bumped from request handlers on any thread.
final class CounterBox: Sendable {
    private let counters = Mutex(IntakeCounters())

    var snapshot: IntakeCounters { counters.withLock { $0 } }

    func stored(duplicate: Bool) {
        counters.withLock { duplicate ? ($0.duplicates += 1) : ($0.accepted += 1) }
    }

    func rejected(_ reason: IntakeCounters.Reason) {
        counters.withLock { $0.rejections[reason, default: 0] += 1 }
    }
}
