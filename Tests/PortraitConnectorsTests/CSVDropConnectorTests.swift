import Foundation
import Logging
@testable import PortraitConnectors
import PortraitCore
import PortraitTesting
import Synchronization
import Testing

/// The `csv_drop` connector's own behaviour: what it yields for each file shape, before mapping and storage.
struct CSVDropConnectorTests {
    func connector(_ directory: TemporaryDirectory, _ options: JSONValue) throws -> CSVDropConnector {
        try CSVDropConnector(
            context: ConnectorContext(name: "pos", options: options, baseDirectory: directory.url, logger: Logger(label: "test")))
    }

    func messages(of connector: CSVDropConnector, from state: ConnectorState? = nil) async throws -> [ConnectorMessage] {
        let collected = Mutex<[ConnectorMessage]>([])
        try await connector.read(from: state, into: ConnectorOutput { message in collected.withLock { $0.append(message) } })
        return collected.withLock { $0 }
    }

    func records(_ messages: [ConnectorMessage]) -> [SourceRecord] {
        messages.compactMap { if case .record(let record) = $0 { record } else { nil } }
    }

    func unreadable(_ messages: [ConnectorMessage]) -> [UnreadableRecord] {
        messages.compactMap { if case .unreadable(let record) = $0 { record } else { nil } }
    }

    func drop(_ bytes: [UInt8], as name: String, in directory: TemporaryDirectory) throws {
        let folder = directory.url.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    static let options: JSONValue = ["folder": "drop", "complete_when": "renamed", "stream": "members"]

    @Test func aFolderWhoseFilesTheGlobMissesByCaseSaysSo() async throws {
        try await TemporaryDirectory.with { directory in
            try drop(Array("card,name\nM1,Ana\n".utf8), as: "STORE-7.CSV", in: directory)
            try drop(Array("<feed/>".utf8), as: "feed.xml", in: directory)
            let found = try await messages(of: try connector(directory, Self.options))
            #expect(records(found).isEmpty)
            let warnings = found.compactMap { if case .warning(let warning) = $0 { warning } else { nil } }
            #expect(
                warnings.map(\.message) == [
                    "no file matches options.glob '*.csv' (globs are case-sensitive), but 1 file(s) look like this connector's: STORE-7.CSV. Set options.glob to match them, e.g. \"*.CSV\""
                ])
        }
    }

    @Test func headerNamesAreMatchedIgnoringCaseAndSpacing() throws {
        let header = try CSVHeader([" Receipt  ID", "STORE-ID", "amount", ""])
        #expect(header.columns == ["receipt_id", "store_id", "amount", "column_4"])
        #expect(throws: CSVFileError.self) { try CSVHeader(["Phone", " phone "]) }
        #expect(CSVHeader.normalize("\u{FEFF}Member Card") == "member_card")
    }

    @Test func gb18030FilesAreDetectedAndDecoded() async throws {
        try await TemporaryDirectory.with { directory in
            // 会员卡号,姓名 / M1,王小明 in GB18030.
            let bytes: [UInt8] =
                [0xBB, 0xE1, 0xD4, 0xB1, 0xBF, 0xA8, 0xBA, 0xC5, 0x2C, 0xD0, 0xD5, 0xC3, 0xFB, 0x0D, 0x0A]
                + Array("M1,".utf8) + [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7, 0x0D, 0x0A]
            try drop(bytes, as: "members.csv", in: directory)
            let found = records(try await messages(of: try connector(directory, Self.options)))
            #expect(found.map(\.fields) == [["会员卡号": "M1", "姓名": "王小明"]])
        }
    }

    @Test func utf16FilesWithAByteOrderMarkAreRead() async throws {
        try await TemporaryDirectory.with { directory in
            let text = "card;name\nM1;Zoë\nM2;李娜\n"
            var bytes: [UInt8] = [0xFF, 0xFE]
            for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            try drop(bytes, as: "members.csv", in: directory)
            let found = records(try await messages(of: try connector(directory, Self.options)))
            #expect(found.map(\.fields) == [["card": "M1", "name": "Zoë"], ["card": "M2", "name": "李娜"]])
        }
    }

    @Test func anInvalidByteSequenceQuarantinesItsRowNotTheFile() async throws {
        try await TemporaryDirectory.with { directory in
            let bytes = Array("card,name\nM1,Ann\nM2,".utf8) + [0xFF, 0xFE] + Array("\nM3,Bo\n".utf8)
            try drop(bytes, as: "members.csv", in: directory)
            let all = try await messages(of: try connector(directory, Self.options))
            #expect(records(all).map(\.sourceID) == ["members.csv:2", "members.csv:4"])
            let bad = unreadable(all)
            #expect(bad.count == 1)
            #expect(bad.first?.location == "drop/members.csv:3")
            #expect(bad.first?.reasons.isEmpty == false)
        }
    }

    @Test func theDelimiterIsDetected() async throws {
        try await TemporaryDirectory.with { directory in
            try drop(Array("card|name|city\nM1|Ann|Oslo\n".utf8), as: "pipes.csv", in: directory)
            let found = records(try await messages(of: try connector(directory, Self.options)))
            #expect(found.first?.fields == ["card": "M1", "name": "Ann", "city": "Oslo"])
        }
    }

    @Test func aRunResumesAfterTheLastCheckpointInsideAFile() async throws {
        try await TemporaryDirectory.with { directory in
            let rows = (1...7).map { "M\($0),\"name\nover two lines\"" }
            try drop(Array((["card,name"] + rows).joined(separator: "\n").utf8), as: "members.csv", in: directory)
            var options = Self.options
            options.setValue(3, atPath: "checkpoint_rows")
            options.setValue("card", atPath: "id_field")
            let csv = try connector(directory, options)
            let all = try await messages(of: csv)
            #expect(records(all).map(\.sourceID) == (1...7).map { "M\($0)" })
            #expect(records(all).map(\.location).last == "drop/members.csv:14")

            // The first checkpoint inside the file covers M1-M3; resuming from it yields M4 onwards.
            let states = all.compactMap { if case .checkpoint(let state) = $0 { state } else { nil } }
            #expect(states.count == 3)  // After M3, after M6, and the file's end.
            let copy = directory.url.appendingPathComponent("drop/members.csv")
            try FileManager.default.moveItem(at: directory.url.appendingPathComponent("drop/archive/members.csv"), to: copy)
            let resumed = records(try await messages(of: csv, from: states[0]))
            #expect(resumed.map(\.sourceID) == ["M4", "M5", "M6", "M7"])
            #expect(resumed.first?.location == "drop/members.csv:8")
        }
    }

    @Test func badOptionsAreConfigurationErrors() throws {
        try TemporaryDirectory.with { directory in
            var options = Self.options
            options.setValue("../elsewhere", atPath: "archive_folder")
            #expect(throws: PortraitError.self) { try connector(directory, options) }
            options = Self.options
            options.setValue("latin-9", atPath: "encoding")
            #expect(throws: PortraitError.self) { try connector(directory, options) }
        }
    }
}
