import Logging
import PortraitCore
import PortraitIntake
import Testing

/// A service that cannot take its port says which address and what to change, instead of NIO's words alone.
struct IntakeListenTests {
    struct NoSink: SubmissionSink {
        func accept(_ submission: FormSubmission) async throws -> SubmissionOutcome { .unknownForm }
    }

    @Test func aPortInUseIsAClearError() async throws {
        let first = IntakeServer(configuration: IntakeConfiguration(port: 0), sink: NoSink(), logger: Logger(label: "test"))
        try await first.withRunning { port in
            let second = IntakeServer(configuration: IntakeConfiguration(port: port), sink: NoSink(), logger: Logger(label: "test"))
            let error = try await #require(throws: PortraitError.self) { try await second.run() }
            #expect(error.message.hasPrefix("cannot listen on 127.0.0.1:\(port) ("), "\(error.message)")
            #expect(error.message.contains("set service.port in portrait.yml or pass --port"))
        }
    }
}
