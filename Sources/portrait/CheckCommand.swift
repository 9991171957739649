import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService

extension Portrait {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate portrait.yml, then check that each enabled connector can reach and read its source.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print the result as JSON.")
        var json = false

        struct ConnectorCheck: Codable {
            var name: String
            var kind: String
            var ok: Bool
            var error: String?
            /// Where the mapping and the connector's streams miss each other; the check still passes.
            var warnings: [String] = []
        }

        func run() async throws {
            let config = try Workspace.loadConfig(at: options.configFile)
            if !json { print("\(config.file.lastPathComponent): valid (\(config.connectors.count) connector(s), \(config.enabledConnectors.count) enabled)") }
            let logger = options.logger(redactor: config.redactor)
            var results: [ConnectorCheck] = []
            for connector in config.enabledConnectors {
                var result = ConnectorCheck(name: connector.name, kind: connector.kind, ok: true)
                do {
                    _ = try connector.parsedSchedule()  // A schedule `portrait run` could not follow.
                    let instance = try Workspace.registry.instance(of: connector, config: config, logger: logger)
                    try await instance.check()
                    result.warnings = connector.mappingAdvice(streams: instance.streamNames)
                } catch {
                    result.ok = false
                    result.error = config.redactor.redact((error as? PortraitError)?.message ?? "\(error)")
                }
                results.append(result)
                if !json {
                    print(result.ok ? "  ✓ \(connector.name) (\(connector.kind))" : "  ✗ \(connector.name) (\(connector.kind)): \(result.error ?? "")")
                    for warning in result.warnings { print("    ! \(warning)") }
                }
            }
            if json { try Terminal.printJSON(results) }
            if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
        }
    }
}
