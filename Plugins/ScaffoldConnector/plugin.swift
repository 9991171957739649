import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory scaffold-connector --name CrmExport`
///
/// Runs `portrait-scaffold` on this package, which writes the new kind's connector, options schema, config example
/// and test, and registers it in `BuiltInConnectors.swift`. All logic lives in the `ConnectorScaffolding` library.
@main
struct ScaffoldConnector: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "portrait-scaffold")
        var toolArguments = arguments
        if !arguments.contains(where: { $0 == "--package-dir" || $0.hasPrefix("--package-dir=") }) {
            toolArguments += ["--package-dir", context.package.directoryURL.path]
        }

        let process = Process()
        process.executableURL = tool.url
        process.arguments = toolArguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The tool prints a few lines, far below a pipe's buffer, so reading one pipe after the other cannot block it.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        let printed = String(decoding: stdout, as: UTF8.self)
        if !printed.isEmpty { print(printed, terminator: printed.hasSuffix("\n") ? "" : "\n") }
        var message = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if message.hasPrefix("error: ") { message.removeFirst("error: ".count) }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            // SwiftPM prints the thrown error once as "error: scaffold-connector failed: ..." and exits non-zero.
            throw ScaffoldPluginError(
                message: message.isEmpty ? "portrait-scaffold exited with status \(process.terminationStatus)" : message
            )
        }
        if !message.isEmpty { Diagnostics.warning(message) }
    }
}

struct ScaffoldPluginError: Error, CustomStringConvertible {
    let message: String
    var description: String { "scaffold-connector failed: \(message)" }
}
