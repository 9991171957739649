import Hummingbird
import PortraitCore
public import Logging
import NIOCore

/// The HTTP intake for survey and feedback form submissions.
///
/// It authenticates, parses and limits each `POST /v1/forms/{form_id}/responses`, then hands the submission to a
/// ``SubmissionSink``; it knows nothing of the store or of form questions. `GET /healthz` answers `ok`.
///
/// Logs name the form, the status and the reason of every refusal, never a body, an answer, a secret or a signature.
public struct IntakeServer: Sendable {
    public let configuration: IntakeConfiguration
    let sink: any SubmissionSink
    let logger: Logger
    let counterBox = CounterBox()
    let limiter = RateLimiter()
    let probes: (any ServiceProbes)?

    /// - Parameter probes: Answers `/readyz` and `/metrics`; without them `/readyz` is 200 and `/metrics` 404.
    public init(
        configuration: IntakeConfiguration, sink: any SubmissionSink, logger: Logger, probes: (any ServiceProbes)? = nil
    ) {
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        self.probes = probes
    }

    /// Submissions accepted and refused since this server was created, across runs: a consistent snapshot.
    public var counters: IntakeCounters { counterBox.snapshot }

    /// Binds, calls `onListening` with the bound port, serves until the task is cancelled (SIGTERM handling is the
    /// caller's).
    ///
    /// Rate-limit buckets and counters live as long as this value, so a restarted run keeps them.
    ///
    /// - Throws: The server's error if it could not start (the address in use, say); on cancellation it returns.
    public func run(onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Stopping cancels the server, which Hummingbird logs as an error on every stop; real failures to start are
        // thrown from here instead, and requests are logged by the responder.
        var applicationLogger = logger
        applicationLogger.logLevel = .critical
        let responder = IntakeResponder(
            configuration: configuration, sink: sink, logger: logger, counters: counterBox, limiter: limiter,
            probes: probes)
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
            },
            logger: applicationLogger
        )

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await application.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // The server ended before it listened: say where it could not listen, and what to change.
                do {
                    try await group.waitForAll()
                } catch {
                    throw PortraitError.io(
                        "cannot listen on \(configuration.host):\(configuration.port) (\(error)); another program (or another `portrait run`) may have the port: set service.port in portrait.yml or pass --port")
                }
                return
            }
            logger.notice(
                "intake listening", metadata: ["intake.host": .string(configuration.host), "intake.port": "\(port)"])
            onListening(port)
            try await group.waitForAll()
        }
    }

    /// Serves on a port while `body` runs with it, then stops: for callers that post to the intake themselves
    /// (`portrait demo`, tests).
    ///
    /// - Throws: What `body` throws, or the server's error when it could not start.
    public func withRunning<Value: Sendable>(_ body: (Int) async throws -> Value) async throws -> Value {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await run { continuation.yield($0) }
        }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value  // Ended before it listened: its error.
            throw CancellationError()
        }
        let value = try await body(port)
        task.cancel()
        try await task.value
        return value
    }
}
