import Foundation
import Logging
import PortraitConnectors
import PortraitCore
import PortraitTesting
import Synchronization
import Testing

struct JSONLConnectorTests {
    func connector(_ directory: TemporaryDirectory, options: JSONValue) throws -> JSONLConnector {
        try JSONLConnector(
            context: ConnectorContext(name: "crm", options: options, baseDirectory: directory.url, logger: Logger(label: "test")))
    }

    func messages(of connector: JSONLConnector, from state: ConnectorState? = nil) async throws -> [ConnectorMessage] {
        let collected = Mutex<[ConnectorMessage]>([])
        try await connector.read(from: state, into: ConnectorOutput { message in collected.withLock { $0.append(message) } })
        return collected.withLock { $0 }
    }

    static let lines = """
        {"id":"1","email":"a@example.com"}
        {"id":"2","email":"b@example.com","archived":true}

        not json
        ["an","array"]
        {"email":"no-id@example.com"}
        {"id":3,"email":"c@example.com"}
        """

    @Test func readsRecordsWithFileLineLocationsAndQuarantinesBadLines() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Self.lines, to: "contacts.jsonl")
            let all = try await messages(of: try connector(directory, options: ["path": "contacts.jsonl", "deleted_field": "archived"]))
            let records = all.compactMap { if case .record(let r) = $0 { r } else { nil } }
            let unreadable = all.compactMap { if case .unreadable(let u) = $0 { u } else { nil } }
            #expect(records.map(\.sourceID) == ["1", "2", "3"])
            #expect(records.map(\.location) == ["contacts.jsonl:1", "contacts.jsonl:2", "contacts.jsonl:7"])
            #expect(records.map(\.stream) == ["contacts", "contacts", "contacts"])
            #expect(records.map(\.isDeletion) == [false, true, false])
            #expect(unreadable.map(\.location) == ["contacts.jsonl:4", "contacts.jsonl:5", "contacts.jsonl:6"])
            #expect(unreadable[0].reasons.first?.contains("not valid JSON") == true)
            #expect(unreadable[1].reasons == ["expected a JSON object, found array"])
            #expect(unreadable[2].reasons.first?.contains("missing record id 'id'") == true)
            if case .checkpoint(let state) = all.last {
                #expect(state.value["line"] == 7)
            } else {
                Issue.record("the last message must be a checkpoint")
            }
        }
    }

    @Test func resumesAfterTheCheckpointedLineAndRestartsWhenTheFileShrank() async throws {
        try await TemporaryDirectory.with { directory in
            let file = try directory.write("{\"id\":\"1\"}\n{\"id\":\"2\"}\n", to: "c.jsonl")
            let jsonl = try connector(directory, options: ["path": "c.jsonl"])
            guard case .checkpoint(let state) = try await messages(of: jsonl).last else {
                Issue.record("expected a final checkpoint")
                return
            }
            try Data("{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n".utf8).write(to: file)
            let resumed = try await messages(of: jsonl, from: state)
            #expect(resumed.compactMap { if case .record(let r) = $0 { r.sourceID } else { nil } } == ["3"])

            try Data("{\"id\":\"9\"}\n".utf8).write(to: file)
            let restarted = try await messages(of: jsonl, from: state)
            #expect(restarted.compactMap { if case .record(let r) = $0 { r.sourceID } else { nil } } == ["9"])
        }
    }

    @Test func checkNamesTheMissingFileAndTheFix() async throws {
        try await TemporaryDirectory.with { directory in
            let jsonl = try connector(directory, options: ["path": "missing.jsonl"])
            await #expect {
                try await jsonl.check()
            } throws: { error in
                let message = (error as? PortraitError)?.message ?? ""
                return message.contains("missing.jsonl: file not found") && message.contains("options.path")
            }
        }
    }

    @Test func discoverListsFieldPathsWithTypesAndExamples() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(#"{"id":"1","properties":{"email":"a@example.com","age":30}}"#, to: "contacts.jsonl")
            let streams = try await connector(directory, options: ["path": "contacts.jsonl"]).discover()
            #expect(streams.map(\.name) == ["contacts"])
            #expect(streams.first?.fields.map(\.path) == ["id", "properties.age", "properties.email"])
            #expect(streams.first?.fields.first { $0.path == "properties.age" }?.type == "integer")
        }
    }

    @Test func configSpecComesFromTheSchemaFile() {
        #expect(JSONLConnector.configSpec["required"] == ["path"])
        #expect(BuiltInConnectors.registry.kind(named: "jsonl") != nil)
    }

    @Test func messagesStreamYieldsWhatReadSendsInTheSameOrder() async throws {
        try await TemporaryDirectory.with { directory in
            _ = try directory.write(Self.lines, to: "contacts.jsonl")
            let jsonl = try connector(directory, options: ["path": "contacts.jsonl"])
            var streamed: [ConnectorMessage] = []
            for try await message in jsonl.messages(from: nil) { streamed.append(message) }
            #expect(streamed == (try await messages(of: jsonl)))
            #expect(streamed.count == 7)  // 3 records, 3 unreadable lines, 1 final checkpoint
        }
    }
}
