import Foundation
import Logging
import PortraitConfig
import PortraitCore
import PortraitService
import PortraitTesting
import Testing

/// The docs' complete example configs (a YAML block with a top-level `connectors:`) load as they are written, and
/// `portrait check` would find nothing to say of their mappings: an operator copies them.
struct DocsExampleConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Example: CustomTestStringConvertible, Sendable {
        var file: String
        var line: Int
        var yaml: String
        var testDescription: String { "\(file):\(line)" }
    }

    /// Every fenced YAML block of docs/ and docs/connectors/ with a `connectors:` line at its top level.
    static var examples: [Example] {
        var examples: [Example] = []
        for folder in ["docs", "docs/connectors"] {
            let directory = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".md") {
                guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                else { continue }
                var block: [String]?
                var start = 0
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if block == nil, line.hasPrefix("```yaml") {
                        (block, start) = ([], index + 2)
                    } else if let lines = block, line.hasPrefix("```") {
                        if lines.contains("connectors:") {
                            examples.append(
                                Example(file: "\(folder)/\(name)", line: start, yaml: lines.joined(separator: "\n")))
                        }
                        block = nil
                    } else if block != nil {
                        block!.append(String(line))
                    }
                }
            }
        }
        return examples
    }

    @Test func theDocsHaveCompleteExamplesOfEveryFileAndHTTPKind() {
        let files = Set(Self.examples.map(\.file))
        for page in ["docs/connectors/csv_drop.md", "docs/connectors/rest.md", "docs/connectors/xml_feed.md"] {
            #expect(files.contains(page), "no complete example config in \(page)")
        }
    }

    @Test(arguments: examples)
    func anExampleConfigLoadsAndItsMappingsMeetItsStreams(example: Example) throws {
        try TemporaryDirectory.with { directory in
            let file = try directory.write(example.yaml + "\n", to: "portrait.yml")
            // Secrets come from the environment and from files: each reference the example makes gets a stand-in.
            let pattern = try Regex(#"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}"#)
            var environment: [String: String] = [:]
            for match in example.yaml.matches(of: pattern) {
                if let name = match.output[1].substring { environment[String(name)] = "stand-in" }
            }
            for match in example.yaml.matches(of: try Regex(#"\$\{file:([^}]+)\}"#)) {
                if let path = match.output[1].substring, !path.hasPrefix("/") {
                    _ = try directory.write("stand-in", to: String(path))
                }
            }
            let config: HubConfig
            do {
                config = try HubConfig.load(from: file, registry: Workspace.registry, environment: environment)
            } catch {
                Issue.record("\(example.file):\(example.line): the example does not load: \(error)")
                return
            }
            for connector in config.connectors {
                let instance = try Workspace.registry.instance(
                    of: connector, config: config, logger: Logger(label: "docs"))
                let advice = connector.mappingAdvice(streams: instance.streamNames)
                #expect(advice.isEmpty, "\(example.file):\(example.line): \(advice)")
            }
        }
    }
}
