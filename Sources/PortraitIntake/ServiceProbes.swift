/// What the service's HTTP port says about the rest of the service: `/readyz` and `/metrics`.
///
/// The intake only serves them; the service (its store, its schedules) knows the answers.
public protocol ServiceProbes: Sendable {
    /// Whether the service can do its work now (its store answers); `/readyz` is 200 or 503.
    func isReady() async -> Bool
    /// The metrics in the Prometheus text format (version 0.0.4), for `/metrics`.
    func metrics() async -> String
}
