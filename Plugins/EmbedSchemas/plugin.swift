import Foundation
import PackagePlugin

/// Embeds the package's `schemas/` JSON files into the target as Swift source, rebuilt when any schema changes.
@main
struct EmbedSchemas: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let schemasDirectory = context.package.directoryURL.appending(path: "schemas")
        let schemaFiles = try Self.jsonFiles(under: schemasDirectory)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSchemas.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(schemaFiles.count) schemas from schemas/",
                executable: try context.tool(named: "EmbedSchemasTool").url,
                arguments: [output.path] + schemaFiles.map(\.path),
                inputFiles: schemaFiles,
                outputFiles: [output]
            )
        ]
    }

    static func jsonFiles(under directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        return enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }
}
