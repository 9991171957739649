public import Foundation

/// A file the scaffold writes, relative to the package directory.
public struct ScaffoldFile: Sendable, Hashable {
    /// Path from the package root, with `/` separators (`schemas/connectors/foo_bar.schema.json`).
    public let relativePath: String
    public let contents: String

    public init(relativePath: String, contents: String) {
        self.relativePath = relativePath
        self.contents = contents
    }
}

/// What a scaffold run changed.
public struct ScaffoldResult: Sendable, Hashable {
    public let name: ConnectorName
    /// New files, relative to the package directory, in the order written.
    public let created: [String]
    /// Existing files edited (the built-in registry).
    public let modified: [String]
}

/// Writes a new connector kind into a Portrait checkout: source, options schema, config example, test, registry line.
///
/// Nothing is written unless everything can be: existing files are never overwritten, and files already created
/// are removed again if a later step fails.
public enum ConnectorScaffold {
    /// The file listing every built-in kind.
    public static let registryPath = "Sources/PortraitConnectors/BuiltInConnectors.swift"
    /// The line above which new kinds are inserted.
    public static let registryMarker = "// scaffold-connector: new kinds are inserted above this line."

    /// The new files for `name`, in the order they are written.
    public static func files(for name: ConnectorName) -> [ScaffoldFile] {
        [
            ScaffoldFile(relativePath: connectorPath(for: name), contents: Templates.connector(name)),
            ScaffoldFile(relativePath: schemaPath(for: name), contents: Templates.schema(name)),
            ScaffoldFile(relativePath: examplePath(for: name), contents: Templates.example(name)),
            ScaffoldFile(relativePath: testPath(for: name), contents: Templates.test(name)),
        ]
    }

    public static func connectorPath(for name: ConnectorName) -> String {
        "Sources/PortraitConnectors/\(name.typeName)/\(name.typeName)Connector.swift"
    }

    public static func schemaPath(for name: ConnectorName) -> String { "schemas/connectors/\(name.kind).schema.json" }

    public static func examplePath(for name: ConnectorName) -> String { "docs/connectors/\(name.kind).example.yml" }

    public static func testPath(for name: ConnectorName) -> String {
        "Tests/PortraitConnectorsTests/\(name.typeName)ConnectorTests.swift"
    }

    /// `source` (the registry file's text) with `NameConnector.self,` inserted above the marker line, indented as
    /// the marker is.
    ///
    /// - Throws: `ScaffoldError` when the marker is missing or the type is already registered.
    public static func insertingRegistration(of name: ConnectorName, into source: String) throws -> String {
        let entry = "\(name.typeName)Connector.self,"
        var lines = source.components(separatedBy: "\n")
        if lines.contains(where: { $0.trimmingWhitespace() == entry }) {
            throw ScaffoldError("\(registryPath) already registers \(name.typeName)Connector; choose another --name")
        }
        guard let markerIndex = lines.firstIndex(where: { $0.trimmingWhitespace() == registryMarker }) else {
            throw ScaffoldError(
                "\(registryPath) has no line '\(registryMarker)'; restore it inside BuiltInConnectors.types, then run the scaffold again"
            )
        }
        let indentation = String(lines[markerIndex].prefix { $0 == " " || $0 == "\t" })
        lines.insert(indentation + entry, at: markerIndex)
        return lines.joined(separator: "\n")
    }

    /// Writes the new kind into the package at `packageDirectory`.
    ///
    /// - Throws: `ScaffoldError` when the directory is not a Portrait checkout, a file to write already exists, or
    ///   the registry cannot be edited; nothing is left half-written.
    @discardableResult
    public static func write(
        _ name: ConnectorName,
        packageDirectory: URL,
        fileManager: FileManager = .default
    ) throws -> ScaffoldResult {
        let registryURL = packageDirectory.appendingPathComponent(registryPath)
        guard fileManager.fileExists(atPath: packageDirectory.appendingPathComponent("Package.swift").path) else {
            throw ScaffoldError("\(packageDirectory.path) has no Package.swift; pass the Portrait checkout with --package-dir")
        }
        guard let registrySource = try? String(contentsOf: registryURL, encoding: .utf8) else {
            throw ScaffoldError("\(registryURL.path) cannot be read; is \(packageDirectory.path) a Portrait checkout?")
        }

        let files = files(for: name)
        let existing = files.map(\.relativePath).filter {
            fileManager.fileExists(atPath: packageDirectory.appendingPathComponent($0).path)
        }
        guard existing.isEmpty else {
            throw ScaffoldError(
                "refusing to overwrite existing files: \(existing.joined(separator: ", ")); choose another --name or remove them first"
            )
        }
        let updatedRegistry = try insertingRegistration(of: name, into: registrySource)

        var created: [URL] = []
        var createdDirectories: [URL] = []
        do {
            for file in files {
                let url = packageDirectory.appendingPathComponent(file.relativePath)
                let directory = url.deletingLastPathComponent()
                createdDirectories.append(contentsOf: try makeDirectories(directory, fileManager: fileManager))
                try Data(file.contents.utf8).write(to: url, options: .withoutOverwriting)
                created.append(url)
            }
            try Data(updatedRegistry.utf8).write(to: registryURL, options: .atomic)
        } catch {
            for url in created { try? fileManager.removeItem(at: url) }
            for directory in createdDirectories.reversed() { try? fileManager.removeItem(at: directory) }
            if let error = error as? ScaffoldError { throw error }
            throw ScaffoldError("could not write the new kind (\(error.localizedDescription)); nothing was left behind")
        }
        return ScaffoldResult(name: name, created: files.map(\.relativePath), modified: [registryPath])
    }

    /// Creates `directory` and missing parents, returning the ones it created (outermost first).
    private static func makeDirectories(_ directory: URL, fileManager: FileManager) throws -> [URL] {
        var missing: [URL] = []
        var current = directory
        while !fileManager.fileExists(atPath: current.path) {
            missing.insert(current, at: 0)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        for url in missing { try fileManager.createDirectory(at: url, withIntermediateDirectories: false) }
        return missing
    }
}
