import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitIntake
import PortraitService

extension Portrait {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the service: the intake for survey forms (POST /v1/forms/{form}/responses) and /healthz.",
            discussion: """
                Serves every enabled survey connector's forms until interrupted. Each post must be signed
                (X-Portrait-Signature: sha256=<HMAC-SHA256 of the body with the form's secret>); an accepted
                response is committed to the store before the 2xx is sent. Address: service.host and
                service.port in portrait.yml (default 127.0.0.1:8940), or --host and --port.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "Address to bind (overrides service.host).")
        var host: String?

        @Option(help: "Port to bind, 0 for a free one (overrides service.port).")
        var port: Int?

        func run() async throws {
            let workspace = try options.openWorkspace()
            let logger = options.logger(redactor: workspace.config.redactor)
            let intake = try SurveyIntake(workspace: workspace, host: host, port: port, logger: logger)
            guard !intake.forms.isEmpty else {
                throw PortraitError.configuration(
                    "\(workspace.config.file.lastPathComponent): no enabled survey connector defines a form; `portrait run` has nothing to serve yet (see docs/connectors/survey.md)")
            }
            let host = intake.server.configuration.host
            let forms = intake.forms.keys.sorted().joined(separator: ", ")
            try await intake.server.run { port in
                // Unbuffered, so a script or a supervisor sees it at once.
                let line = "Portrait service on http://\(host):\(port): POST /v1/forms/{form}/responses (forms: \(forms)), GET /healthz\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        }
    }
}
