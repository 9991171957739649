import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService

extension Portrait {
    struct Connectors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connector kinds and configured instances.", subcommands: [List.self, Discover.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the connector kinds available and the instances configured, enabled or not.")

            @OptionGroup var options: GlobalOptions

            @Flag(help: "Print the result as JSON.")
            var json = false

            struct Listing: Codable {
                struct Kind: Codable { var name: String; var summary: String }
                struct Instance: Codable { var name: String; var kind: String; var enabled: Bool; var schedule: String?; var declaredAt: String }
                var kinds: [Kind]
                var instances: [Instance]
                var configNote: String?
            }

            func run() async throws {
                let registry = Workspace.registry
                var listing = Listing(
                    kinds: registry.names.map { Listing.Kind(name: $0, summary: registry.kind(named: $0)!.summary) }, instances: [])
                if FileManager.default.fileExists(atPath: options.configFile.path) {
                    let config = try Workspace.loadConfig(at: options.configFile)
                    listing.instances = config.connectors.map {
                        .init(name: $0.name, kind: $0.kind, enabled: $0.enabled, schedule: $0.schedule, declaredAt: $0.declaredAt)
                    }
                } else {
                    listing.configNote = "no \(options.configFile.lastPathComponent) here: `portrait init` writes one"
                }
                if json { return try Terminal.printJSON(listing) }
                print("Kinds available:")
                for kind in listing.kinds { print("  \(kind.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(kind.summary)") }
                print("\nConfigured:")
                if let note = listing.configNote { print("  (\(note))") }
                if listing.instances.isEmpty, listing.configNote == nil { print("  (none)") }
                for instance in listing.instances {
                    let state = instance.enabled ? "enabled " : "disabled"
                    print("  \(instance.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(instance.kind.padding(toLength: 12, withPad: " ", startingAt: 0)) \(state)  \(instance.declaredAt)")
                }
            }
        }

        struct Discover: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the streams and fields a configured connector offers, to help write its mapping.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "Connector name from portrait.yml.")
            var name: String

            @Flag(help: "Print the result as JSON.")
            var json = false

            func run() async throws {
                let config = try Workspace.loadConfig(at: options.configFile)
                guard let connector = config.connector(named: name) else {
                    throw PortraitError.usage("no connector named '\(name)' in \(config.file.lastPathComponent)")
                }
                let streams = try await Workspace.registry
                    .instance(of: connector, config: config, logger: options.logger(redactor: config.redactor))
                    .discover()
                if json { return try Terminal.printJSON(streams) }
                for stream in streams {
                    print("stream \(stream.name)\(stream.suggestedEntity.map { " (looks like \($0.rawValue))" } ?? "")")
                    if let note = stream.note { print("  note: \(note)") }
                    for field in stream.fields {
                        print("  \(field.path.padding(toLength: 32, withPad: " ", startingAt: 0)) \(field.type.padding(toLength: 8, withPad: " ", startingAt: 0)) \(field.example ?? "")")
                    }
                }
            }
        }
    }
}
