/// Where the intake hands each accepted submission: the store, in production.
///
/// The intake calls the sink once per request, retries included, so the sink dedupes by
/// ``FormSubmission/responseID`` and answers `.stored(duplicate: true)` for one it already holds.
public protocol SubmissionSink: Sendable {
    /// Stores `submission` or says why not.
    ///
    /// - Returns: Only once the submission is durably stored (or known to be): the client is told it may stop
    ///   retrying.
    /// - Throws: When the submission could not be stored; the client gets 503 and should retry. The error is logged,
    ///   so it must not carry answer values.
    func accept(_ submission: FormSubmission) async throws -> SubmissionOutcome
}
