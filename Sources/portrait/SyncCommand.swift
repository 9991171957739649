import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService
import PortraitStore

extension Portrait {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run enabled connectors once (or the ones named), then print a summary per connector.",
            discussion: "A connector that fails does not stop the others; the exit code is 1 if any failed.")

        @OptionGroup var options: GlobalOptions

        @Argument(help: "Connector names (default: every enabled connector).")
        var names: [String] = []

        @Flag(help: "Ignore the saved checkpoint and read each source from the start (records still upsert).")
        var full = false

        @Flag(help: "Print the reports as JSON.")
        var json = false

        func run() async throws {
            let workspace = try options.openWorkspace()
            let connectors = try workspace.connectors(named: names)
            if connectors.isEmpty {
                print("No enabled connectors in \(workspace.config.file.lastPathComponent): set `enabled: true` on one, or name it.")
                return
            }
            let runner = SyncRunner(
                store: workspace.store, registry: workspace.registry, logger: options.logger(redactor: workspace.config.redactor))
            var reports: [SyncReport] = []
            for connector in connectors {
                if full { try await workspace.store.resetCheckpoint(connector: connector.name) }
                if !json, !Terminal.isInteractive { print("\(connector.name): syncing") }
                let report = try await runner.sync(connector, config: workspace.config) { progress in
                    Terminal.progress(
                        "\(progress.connector): read \(progress.read) · new \(progress.counts.new) · updated \(progress.counts.updated) · quarantined \(progress.counts.quarantined)"
                    )
                }
                Terminal.clearProgress()
                reports.append(report)
                if !json {
                    print(report.summaryLine)
                    for warning in report.warnings { print("  warning: \(warning)") }
                }
            }
            if json { try Terminal.printJSON(reports) }
            if reports.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
        }
    }
}
