public import ArgumentParser
import Foundation
import PortraitConfig
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
                profiles: one row per unified profile with every field (--segment: only its members;
                --hash-identifiers: email and phone as SHA-256, names and birth date left out, for ad audiences).
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "records, identities or profiles.")
        var dataset: Exporter.Dataset

        @Option(help: "csv or jsonl.")
        var format: Exporter.Format = .jsonl

        @Option(help: "Only this connector's records.")
        var connector: String?

        @Option(help: "profiles: only this segment's members.")
        var segment: String?

        @Flag(help: "profiles: SHA-256 of the email and phone instead of the values; no names or birth date.")
        var hashIdentifiers = false

        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
        var output: String?

        func validate() throws {
            if dataset != .profiles, segment != nil || hashIdentifiers {
                throw ValidationError("--segment and --hash-identifiers apply to profiles only")
            }
        }

        /// Streams the dataset to `write`, returning the rows written.
        func export(_ workspace: Workspace, write: (String) throws -> Void) async throws -> Int {
            guard dataset == .profiles else {
                return try await Exporter(store: workspace.store).export(dataset, format: format, connector: connector, write: write)
            }
            if let segment { _ = try SegmentsRun.segment(segment, in: workspace) }
            let exporter = ProfileExporter(reader: try ProfileUpdates.store(of: workspace), settings: workspace.config.profiles)
            return try await exporter.export(segment: segment, format: format, hashIdentifiers: hashIdentifiers, write: write)
        }

        func run() async throws {
            let workspace = try options.openWorkspace()
            guard let output else {
                _ = try await export(workspace) { print($0) }
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
                let rows = try await export(workspace) { line in
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
