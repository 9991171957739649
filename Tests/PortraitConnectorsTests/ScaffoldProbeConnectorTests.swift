import Foundation
import Logging
import PortraitConnectors
import PortraitCore
import Testing

/// Generated with the kind by `swift package scaffold-connector --name ScaffoldProbe`; extend it as the
/// real source access is written.
struct ScaffoldProbeConnectorTests {
    static let options: JSONValue = [
        "stream": "contacts",
        "records": [
            ["id": "c-1", "email": "ada@example.com", "name": "Ada Lovelace"],
            ["id": "c-2", "email": "grace@example.com", "name": "Grace Hopper"],
        ],
    ]

    func makeConnector(options: JSONValue = options) throws -> ScaffoldProbeConnector {
        try ScaffoldProbeConnector(
            context: ConnectorContext(
                name: "scaffold_probe-test", options: options,
                baseDirectory: FileManager.default.temporaryDirectory, logger: Logger(label: "scaffold_probe-test")
            )
        )
    }

    func readAll(_ connector: ScaffoldProbeConnector, from state: ConnectorState? = nil) async throws -> [ConnectorMessage] {
        let sink = MessageSink()
        try await connector.read(from: state, into: ConnectorOutput { await sink.append($0) })
        return await sink.messages
    }

    @Test func kindIsRegistered() throws {
        #expect(ScaffoldProbeConnector.kind == "scaffold_probe")
        let kind = try BuiltInConnectors.registry.requireKind(named: "scaffold_probe")
        #expect(kind.name == "scaffold_probe")
    }

    @Test func optionsSchemaIsEmbeddedAndAcceptsTheExample() {
        #expect(ScaffoldProbeConnector.configSpec["properties"]?["records"] != nil)
        #expect(SchemaRegistry.canonical.validate(Self.options, againstSchema: ScaffoldProbeConnector.configSpec).isEmpty)
        #expect(!SchemaRegistry.canonical.validate(["stream": "x"], againstSchema: ScaffoldProbeConnector.configSpec).isEmpty)
    }

    @Test func readsRecordsThenCheckpoints() async throws {
        let messages = try await readAll(makeConnector())
        let records = messages.compactMap { message -> SourceRecord? in
            if case .record(let record) = message { return record } else { return nil }
        }
        #expect(records.map(\.sourceID) == ["c-1", "c-2"])
        #expect(records.allSatisfy { $0.stream == "contacts" })
        #expect(records.first?.fields["email"] == "ada@example.com")
        #expect(messages.last == .checkpoint(ConnectorState(["offset": 2])))
    }

    @Test func resumesAfterTheCheckpoint() async throws {
        let messages = try await readAll(makeConnector(), from: ConnectorState(["offset": 1]))
        let ids = messages.compactMap { message -> String? in
            if case .record(let record) = message { return record.sourceID } else { return nil }
        }
        #expect(ids == ["c-2"])
    }

    @Test func recordWithoutIDIsUnreadableNotDropped() async throws {
        let messages = try await readAll(makeConnector(options: ["records": [["email": "x@example.com"], 42]]))
        let unreadable = messages.compactMap { message -> UnreadableRecord? in
            if case .unreadable(let entry) = message { return entry } else { return nil }
        }
        #expect(unreadable.count == 2)
        #expect(unreadable.first?.reasons.first?.contains("id_field") == true)
    }

    @Test func discoverListsFields() async throws {
        let streams = try await makeConnector().discover()
        #expect(streams.map(\.name) == ["contacts"])
        #expect(streams.first?.fields.map(\.path) == ["email", "id", "name"])
    }
}

/// Collects what the connector sends, in order.
private actor MessageSink {
    var messages: [ConnectorMessage] = []

    func append(_ message: ConnectorMessage) { messages.append(message) }
}
