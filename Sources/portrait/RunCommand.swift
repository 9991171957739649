import ArgumentParser
import Foundation
import PortraitService

extension Portrait {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the service: scheduled syncs, and the intake for survey forms, until stopped.",
            discussion: """
                Runs every enabled connector with a `schedule:` (an interval such as 15m, or cron with a time
                zone such as "0 3 * * * Asia/Shanghai"); a lease in the store keeps two services on one store
                from running a connector twice at once, and a failing connector backs off without holding the
                others up. Serves every enabled survey connector's forms at POST /v1/forms/{form}/responses, with
                GET /healthz: each post must be signed (X-Portrait-Signature: sha256=<HMAC-SHA256 of the body
                with the form's secret>), and an accepted response is committed before the 2xx. The same port
                serves GET /healthz, /readyz (the store answers) and /metrics (Prometheus text: records, last runs,
                schedules, intake counters). Address: service.host and service.port in portrait.yml (default
                127.0.0.1:8940), or --host and --port.

                SIGTERM or SIGINT stops it cleanly (exit 0): syncs in progress end at their next checkpoint, the
                port answers the requests it has, leases are released. A second one stops at once. SIGHUP reloads
                portrait.yml: a valid file replaces the schedules and connectors at once; an invalid one is
                refused with its line, and the running config goes on (service: and survey forms need a restart).
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "Address to bind (overrides service.host).")
        var host: String?

        @Option(help: "Port to bind, 0 for a free one (overrides service.port).")
        var port: Int?

        func run() async throws {
            let redactor = LiveRedactor()
            let service = ServiceRun(
                configuration: ServiceRun.Configuration(configFile: options.configFile, host: host, port: port),
                logger: options.logger(redactor: redactor), redactor: redactor, say: say)
            try await service.run()
        }
    }
}

/// A line on standard output, written at once (unbuffered), so a script or a supervisor sees it.
@Sendable private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
