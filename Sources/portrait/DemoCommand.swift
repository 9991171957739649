import ArgumentParser
import Foundation
import PortraitService
import PortraitStore
import Logging

extension Portrait {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a scratch workspace with sample data for each source kind and sync it end to end.")

        @Option(help: "Folder for the demo workspace; replaced if it is an earlier demo's.")
        var dir: String = "portrait-demo"

        @Option(help: "Log level.")
        var logLevel: Logger.Level = .warning

        func run() async throws {
            var logger = Logger(label: "portrait") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = logLevel
            let directory = URL(fileURLWithPath: dir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL
            // Show next steps the user can paste: the binary's full path unless it was found on PATH.
            let invoked = CommandLine.arguments[0]
            let command = invoked.contains("/") ? URL(fileURLWithPath: invoked).standardizedFileURL.path : "portrait"
            let reports = try await PortraitService.Demo(directory: directory, logger: logger, command: command)
                .run { print($0) }
            if reports.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
        }
    }
}
