import ConnectorScaffolding
import Foundation

// portrait-scaffold: writes a new connector kind into a Portrait checkout. Run through the package plugin:
//     swift package --allow-writing-to-package-directory scaffold-connector --name CrmExport
// Exit codes: 0 written, 1 refused or failed (nothing left half-written), 2 bad arguments.

let usage = """
    usage: portrait-scaffold --name <UpperCamelCase> [--package-dir <path>]

      --name         the new kind's Swift name, e.g. CrmExport (kind crm_export)
      --package-dir  the Portrait checkout to write into (default: the current directory)
    """

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    if code == 2 { FileHandle.standardError.write(Data((usage + "\n").utf8)) }
    exit(code)
}

var name: String?
var packageDirectory = FileManager.default.currentDirectoryPath
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--name", "--package-dir":
        guard let value = arguments.popFirst(), !value.hasPrefix("--") else { fail("\(argument) needs a value", code: 2) }
        if argument == "--name" { name = value } else { packageDirectory = value }
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        if argument.hasPrefix("--name=") {
            name = String(argument.dropFirst("--name=".count))
        } else if argument.hasPrefix("--package-dir=") {
            packageDirectory = String(argument.dropFirst("--package-dir=".count))
        } else {
            fail("unexpected argument '\(argument)'", code: 2)
        }
    }
}
guard let name else { fail("--name is required", code: 2) }

do {
    let connectorName = try ConnectorName(name)
    let result = try ConnectorScaffold.write(connectorName, packageDirectory: URL(fileURLWithPath: packageDirectory))
    print("Created connector kind '\(connectorName.kind)' (\(connectorName.typeName)Connector):")
    for path in result.created { print("  created  \(path)") }
    for path in result.modified { print("  updated  \(path)") }
    print(
        """

        Next: write the source access where the TODOs are, describe its options in \(ConnectorScaffold.schemaPath(for: connectorName)),
        then run `swift test --filter \(connectorName.typeName)ConnectorTests`.
        """
    )
} catch let error as ScaffoldError {
    fail(error.message, code: 1)
} catch {
    fail("\(error)", code: 1)
}
