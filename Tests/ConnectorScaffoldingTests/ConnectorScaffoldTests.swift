import ConnectorScaffolding
import Foundation
import Testing

struct ConnectorScaffoldTests {
    static let registry = """
        public import PortraitCore

        public enum BuiltInConnectors {
            public static let types: [any Connector.Type] = [
                JSONLConnector.self,
                // scaffold-connector: new kinds are inserted above this line.
            ]

            public static var registry: ConnectorRegistry { ConnectorRegistry(types) }
        }

        """

    /// A minimal fake checkout: a Package.swift and the registry file.
    func makeCheckout() throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("scaffold-test-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let registry = root.appendingPathComponent(ConnectorScaffold.registryPath)
        try FileManager.default.createDirectory(at: registry.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("// swift-tools-version: 6.1\n".utf8).write(to: root.appendingPathComponent("Package.swift"))
        try Data(Self.registry.utf8).write(to: registry)
        return root
    }

    func contents(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func plansTheFourFiles() throws {
        let paths = ConnectorScaffold.files(for: try ConnectorName("FooBar")).map(\.relativePath)
        #expect(
            paths == [
                "Sources/PortraitConnectors/FooBar/FooBarConnector.swift",
                "schemas/connectors/foo_bar.schema.json",
                "docs/connectors/foo_bar.example.yml",
                "Tests/PortraitConnectorsTests/FooBarConnectorTests.swift",
            ]
        )
    }

    @Test func connectorSourceFollowsTheContract() throws {
        let name = try ConnectorName("FooBar")
        let source = try #require(ConnectorScaffold.files(for: name).first?.contents)
        #expect(source.contains("public import PortraitCore"))
        #expect(source.contains("public struct FooBarConnector: Connector {"))
        #expect(source.contains(#"public static let kind = "foo_bar""#))
        #expect(source.contains(#"SchemaRegistry.canonical.schema(named: "connectors/foo_bar.schema.json")"#))
        #expect(source.contains("public init(context: ConnectorContext) throws"))
        #expect(source.contains("public func check() async throws"))
        #expect(source.contains("public func discover() async throws -> [StreamDescription]"))
        #expect(source.contains("public func read(from state: ConnectorState?, into output: ConnectorOutput) async throws"))
        #expect(source.contains(#"options["records"]"#))
        #expect(source.contains("TODO"))
        // The generated code keeps its own interpolations literal.
        #expect(source.contains(#"connector '\(context.name)'"#))
        #expect(!source.contains(##"\#("##))
    }

    @Test func schemaIsValidJSONSchema2020() throws {
        let name = try ConnectorName("FooBar")
        let text = try #require(ConnectorScaffold.files(for: name).first { $0.relativePath.hasSuffix(".json") }?.contents)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object["$id"] as? String == "connectors/foo_bar.schema.json")
        #expect(object["required"] as? [String] == ["records"])
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["records", "stream", "id_field", "deleted_field"])
    }

    @Test func exampleConfigUsesTheKindAndAMapping() throws {
        let name = try ConnectorName("FooBar")
        let text = try #require(ConnectorScaffold.files(for: name).first { $0.relativePath.hasSuffix(".yml") }?.contents)
        #expect(text.contains("kind: foo_bar"))
        #expect(text.contains("name: foo-bar-example"))
        #expect(text.contains("options:"))
        #expect(text.contains("mapping:"))
        #expect(text.contains("entity: customer"))
        #expect(!text.contains("\t"))
    }

    @Test func testFileReadsThroughTheConnectorAndChecksTheRegistry() throws {
        let name = try ConnectorName("FooBar")
        let text = try #require(ConnectorScaffold.files(for: name).last?.contents)
        #expect(text.contains("import Testing"))
        #expect(text.contains("struct FooBarConnectorTests {"))
        #expect(text.contains("connector.read(from: state, into: ConnectorOutput"))
        #expect(text.contains(#"BuiltInConnectors.registry.requireKind(named: "foo_bar")"#))
        #expect(text.contains("@Test func readsRecordsThenCheckpoints()"))
    }

    @Test func insertsRegistrationAboveTheMarker() throws {
        let updated = try ConnectorScaffold.insertingRegistration(of: try ConnectorName("FooBar"), into: Self.registry)
        let lines = updated.components(separatedBy: "\n")
        let marker = try #require(lines.firstIndex { $0.contains(ConnectorScaffold.registryMarker) })
        #expect(lines[marker - 1] == "        FooBarConnector.self,")
        #expect(lines[marker - 2] == "        JSONLConnector.self,")
        #expect(lines.count == Self.registry.components(separatedBy: "\n").count + 1)

        let twice = try ConnectorScaffold.insertingRegistration(of: try ConnectorName("CrmExport"), into: updated)
        let twiceLines = twice.components(separatedBy: "\n")
        let newMarker = try #require(twiceLines.firstIndex { $0.contains(ConnectorScaffold.registryMarker) })
        #expect(twiceLines[(newMarker - 3)..<newMarker].map { $0.trimmingCharacters(in: .whitespaces) } == [
            "JSONLConnector.self,", "FooBarConnector.self,", "CrmExportConnector.self,",
        ])
    }

    @Test func registrationRefusesADuplicateAndAMissingMarker() throws {
        let name = try ConnectorName("JSONL")
        #expect(throws: ScaffoldError.self) { try ConnectorScaffold.insertingRegistration(of: name, into: Self.registry) }
        let noMarker = Self.registry.replacingOccurrences(of: ConnectorScaffold.registryMarker, with: "")
        #expect {
            try ConnectorScaffold.insertingRegistration(of: try ConnectorName("FooBar"), into: noMarker)
        } throws: { error in
            (error as? ScaffoldError)?.message.contains("scaffold-connector: new kinds are inserted above this line.") == true
        }
    }

    @Test func writesFilesAndRegistersTheKind() throws {
        let root = try makeCheckout()
        defer { try? FileManager.default.removeItem(at: root) }
        let name = try ConnectorName("FooBar")

        let result = try ConnectorScaffold.write(name, packageDirectory: root)

        #expect(result.created == ConnectorScaffold.files(for: name).map(\.relativePath))
        #expect(result.modified == [ConnectorScaffold.registryPath])
        for file in ConnectorScaffold.files(for: name) {
            #expect(try contents(root, file.relativePath) == file.contents)
        }
        #expect(try contents(root, ConnectorScaffold.registryPath).contains("        FooBarConnector.self,\n        // scaffold-connector"))
    }

    @Test func refusesToOverwriteAndLeavesEverythingAsItWas() throws {
        let root = try makeCheckout()
        defer { try? FileManager.default.removeItem(at: root) }
        let name = try ConnectorName("FooBar")
        let schema = root.appendingPathComponent(ConnectorScaffold.schemaPath(for: name))
        try FileManager.default.createDirectory(at: schema.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: schema)

        #expect {
            try ConnectorScaffold.write(name, packageDirectory: root)
        } throws: { error in
            let message = (error as? ScaffoldError)?.message ?? ""
            return message.contains("refusing to overwrite") && message.contains("schemas/connectors/foo_bar.schema.json")
        }
        #expect(try contents(root, ConnectorScaffold.schemaPath(for: name)) == "{}")
        #expect(try contents(root, ConnectorScaffold.registryPath) == Self.registry)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(ConnectorScaffold.connectorPath(for: name)).path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources/PortraitConnectors/FooBar").path))
    }

    @Test func secondRunForTheSameNameIsRefused() throws {
        let root = try makeCheckout()
        defer { try? FileManager.default.removeItem(at: root) }
        let name = try ConnectorName("FooBar")
        try ConnectorScaffold.write(name, packageDirectory: root)
        let registryAfterFirst = try contents(root, ConnectorScaffold.registryPath)

        #expect(throws: ScaffoldError.self) { try ConnectorScaffold.write(name, packageDirectory: root) }
        #expect(try contents(root, ConnectorScaffold.registryPath) == registryAfterFirst)
    }

    @Test func refusesADirectoryThatIsNotACheckout() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scaffold-empty-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            try ConnectorScaffold.write(try ConnectorName("FooBar"), packageDirectory: root)
        } throws: { error in
            (error as? ScaffoldError)?.message.contains("Package.swift") == true
        }
    }
}
