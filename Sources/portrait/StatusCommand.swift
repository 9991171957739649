import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService
import PortraitStore

extension Portrait {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "What each connector last did, how many records and quarantined records it has, and where each webhook's delivery stands.",
            discussion: "Options are shown as written in portrait.yml: secrets stay ${references}.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print the status as JSON.")
        var json = false

        /// Files of a drop-folder run listed under its last run; JSON has them all.
        static let partsShown = 10

        struct ConnectorStatus: Codable {
            var name: String
            var kind: String
            var enabled: Bool
            var options: JSONValue
            var records: Int
            var deleted: Int
            var quarantined: Int
            var lastRun: RunRecord?
        }

        struct Report: Codable {
            var config: String
            var store: String
            var connectors: [ConnectorStatus]
            var webhooks: [WebhookAdmin.Summary]
        }

        func run() async throws {
            let workspace = try options.openWorkspace()
            let totals = Dictionary(uniqueKeysWithValues: try await workspace.store.connectorTotals().map { ($0.connector, $0) })
            let report = Report(
                config: workspace.config.file.path, store: workspace.config.storePath.path,
                connectors: workspace.config.connectors.map { connector in
                    let total = totals[connector.name]
                    return ConnectorStatus(
                        name: connector.name, kind: connector.kind, enabled: connector.enabled, options: connector.writtenOptions,
                        records: total?.records ?? 0, deleted: total?.deleted ?? 0, quarantined: total?.quarantined ?? 0,
                        lastRun: total?.lastRun)
                },
                webhooks: try await WebhookAdmin.list(workspace))
            if json { return try Terminal.printJSON(report) }
            print("config: \(report.config)\nstore:  \(report.store)\n")
            if report.connectors.isEmpty { print("No connectors configured.") }
            for connector in report.connectors {
                print("\(connector.name) (\(connector.kind), \(connector.enabled ? "enabled" : "disabled"))")
                print("  records \(connector.records) · deleted \(connector.deleted) · quarantined \(connector.quarantined)")
                if let run = connector.lastRun {
                    let when = run.startedAt.formatted(.iso8601)
                    print("  last run #\(run.id) \(run.status.rawValue) at \(when): read \(run.read) · new \(run.counts.new) · updated \(run.counts.updated) · unchanged \(run.counts.unchanged) · quarantined \(run.counts.quarantined)")
                    if let error = run.error { print("  error: \(workspace.config.redactor.redact(error))") }
                    for part in run.parts.prefix(Self.partsShown) { print("    " + part.summaryLine) }
                    if run.parts.count > Self.partsShown {
                        print("    … and \(run.parts.count - Self.partsShown) more files (`portrait status --json` lists them all)")
                    }
                } else {
                    print("  never run: `portrait sync \(connector.name)`")
                }
            }
            for webhook in report.webhooks {
                print("\nwebhook \(webhook.name) → \(webhook.url)")
                print("  " + webhook.deliveryLine)
            }
        }
    }
}
