import ArgumentParser
import Foundation
import PortraitService
import PortraitStore

extension Portrait {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a scratch workspace with sample data for each source kind and sync it end to end.")

        @Option(help: "Folder for the demo workspace; replaced if it is an earlier demo's.")
        var dir: String = "portrait-demo"

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let directory = Terminal.fileURL(dir)
            // Show next steps the user can paste: the binary's full path unless it was found on PATH.
            let invoked = CommandLine.arguments[0]
            let command = invoked.contains("/") ? Terminal.fileURL(invoked).path : "portrait"
            let reports = try await PortraitService.Demo(directory: directory, logger: logging.logger(), command: command)
                .run { print($0) }
            if reports.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
        }
    }
}
