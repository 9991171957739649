import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitProfiles
import PortraitService
import PortraitStore

extension Portrait {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run enabled connectors once (or the ones named), then print a summary per connector.",
            discussion: """
                A connector that fails does not stop the others; the exit code is 1 if any failed. A connector a
                running `portrait run` is syncing is not raced: the service is asked to sync it again at once, and
                the command waits for that run and prints it.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "Connector names (default: every enabled connector).")
        var names: [String] = []

        @Flag(help: "Ignore the saved checkpoint and read each source from the start (records still upsert).")
        var full = false

        @Flag(help: "Print the reports as JSON.")
        var json = false

        @Flag(help: "Do not resolve identities after the sync (`portrait identity resolve` does it later).")
        var noResolve = false

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
            /// Runs a service did at our request: it resolves identities itself.
            var servedRuns: Set<Int64> = []
            var busy: [String] = []
            let holder = Scheduler.makeHolder()
            let logger = options.logger(redactor: workspace.config.redactor)
            for connector in connectors {
                // The connector's lease: a running `portrait run` (or another `portrait sync`) is not raced.
                let syncHere = { [full, json] () async throws -> SyncReport? in
                    try await SyncLease.run(
                        connector: connector.name, store: workspace.store, holder: holder, logger: logger
                    ) { () async throws -> SyncReport in
                        if full { try await workspace.store.resetCheckpoint(connector: connector.name) }
                        if !json, !Terminal.isInteractive { print("\(connector.name): syncing") }
                        let report = try await runner.sync(connector, config: workspace.config) { progress in
                            Terminal.progress(
                                "\(progress.connector): read \(progress.read) · new \(progress.counts.new) · updated \(progress.counts.updated) · quarantined \(progress.counts.quarantined)"
                            )
                        }
                        Terminal.clearProgress()
                        return report
                    }
                }
                var leased = try await syncHere()
                if leased == nil {
                    // A running service has it: ask it to sync again now, and print that run.
                    let served = try await SyncRequests.askRunningService(
                        connector: connector.name, full: full, store: workspace.store
                    ) { [json] in
                        guard !json else { return }
                        print("\(connector.name): being synced by a running `portrait run`; asked it to sync again now")
                    }
                    if let served {
                        reports.append(served)
                        if let runID = served.runID { servedRuns.insert(runID) }
                        if !json {
                            print("\(served.summaryLine)\n  (run #\(served.runID ?? 0), by the running service)")
                        }
                        continue
                    }
                    // Nobody took the request (the service stopped meanwhile, say): the lease may be free now.
                    leased = try await syncHere()
                }
                guard let report = leased else {
                    busy.append(connector.name)
                    if !json {
                        print("\(connector.name): already being synced by another portrait process (another `portrait sync`?); not started again, try later")
                    }
                    continue
                }
                reports.append(report)
                if !json {
                    print(report.summaryLine)
                    for warning in report.warnings { print("  warning: \(warning)") }
                }
            }
            let ranHere = reports.filter { $0.runID.map { !servedRuns.contains($0) } ?? true }
            if !noResolve, ranHere.contains(where: { $0.counts.new + $0.counts.updated > 0 }) {
                let resolved = try await IdentityResolution.run(
                    workspace: workspace, logger: logger, progress: { Terminal.progress("identity: \($0)") })
                Terminal.clearProgress()
                if !json, let resolved { print(resolved.summaryLine) }
                let profiles = try await ProfileUpdates.run(
                    workspace: workspace, logger: logger, progress: { Terminal.progress("profiles: \($0)") })
                Terminal.clearProgress()
                if !json, let profiles { print(profiles.summary) }
            }
            if json { try Terminal.printJSON(reports) }
            if reports.contains(where: { $0.status == .failed }) || !busy.isEmpty { throw ExitCode(1) }
        }
    }
}
