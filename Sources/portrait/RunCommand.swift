import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitIntake
import PortraitService

extension Portrait {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the service: scheduled syncs, and the intake for survey forms, until interrupted.",
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
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "Address to bind (overrides service.host).")
        var host: String?

        @Option(help: "Port to bind, 0 for a free one (overrides service.port).")
        var port: Int?

        func run() async throws {
            let workspace = try options.openWorkspace()
            let logger = options.logger(redactor: workspace.config.redactor)
            let metrics = ServiceMetrics(store: workspace.store)
            let intake = try SurveyIntake(workspace: workspace, host: host, port: port, probes: metrics, logger: logger)
            let scheduled = try ScheduledSyncs(workspace: workspace, logger: logger)
            metrics.observe(schedules: scheduled.isEmpty ? nil : scheduled, intake: intake.server)
            guard !intake.forms.isEmpty || !scheduled.isEmpty else {
                throw PortraitError.configuration(
                    "\(workspace.config.file.lastPathComponent): no enabled connector has a schedule and no survey form has a secret to accept posts with; `portrait run` has nothing to do (add schedule: 15m to a connector, or a secret to a form)")
            }
            for form in intake.formsWithoutSecret {
                say("Not served: form \(form) has no secret (imported from exports only)")
            }
            for (name, schedule) in scheduled.schedules.sorted(by: { $0.key < $1.key }) {
                say("Scheduled: \(name) (\(schedule))")
            }
            let host = intake.server.configuration.host
            let forms = intake.forms.keys.sorted()
            try await withThrowingTaskGroup(of: Void.self) { group in
                if !scheduled.isEmpty {
                    group.addTask { await scheduled.run() }
                }
                // The HTTP port always runs: /healthz, /readyz and /metrics, and the forms if there are any.
                group.addTask {
                    try await intake.server.run { port in
                        let intakeLine = forms.isEmpty ? "" : "POST /v1/forms/{form}/responses (forms: \(forms.joined(separator: ", "))), "
                        say("Portrait service on http://\(host):\(port): \(intakeLine)GET /healthz, /readyz, /metrics")
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// A line on standard output, written at once (unbuffered), so a script or a supervisor sees it.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
