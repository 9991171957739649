public import ArgumentParser
import Foundation
import PortraitCore
import PortraitService

extension Exporter.Dataset: ExpressibleByArgument {}
extension Exporter.Format: ExpressibleByArgument {}

extension Portrait {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export records, identities or profiles as CSV or JSON Lines.",
            discussion: """
                records: one row per stored record, canonical and raw.
                identities: one row per source record: connector,stream,source_id,profile_id.
                profiles: one row per unified profile.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "records, identities or profiles.")
        var dataset: Exporter.Dataset

        @Option(help: "csv or jsonl.")
        var format: Exporter.Format = .jsonl

        @Option(help: "Only this connector's records.")
        var connector: String?

        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
        var output: String?

        func run() async throws {
            let workspace = try options.openWorkspace()
            let exporter = Exporter(store: workspace.store)
            guard let output else {
                try await exporter.export(dataset, format: format, connector: connector) { print($0) }
                return
            }
            // Written to a temporary file and renamed, so a failed export never leaves half a file.
            let destination = URL(fileURLWithPath: output)
            let temporary = destination.deletingLastPathComponent()
                .appendingPathComponent(".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
                let handle = try? FileHandle(forWritingTo: temporary)
            else {
                throw PortraitError.io("\(output): cannot write here; check the folder exists and is writable")
            }
            do {
                let rows = try await exporter.export(dataset, format: format, connector: connector) { line in
                    try handle.write(contentsOf: Data((line + "\n").utf8))
                }
                try handle.close()
                _ = try? FileManager.default.removeItem(at: destination)
                try FileManager.default.moveItem(at: temporary, to: destination)
                Terminal.error("wrote \(rows) \(dataset.rawValue) to \(output)")
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
        }
    }
}
