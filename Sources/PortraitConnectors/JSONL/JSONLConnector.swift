public import PortraitCore
import Foundation

/// Reads a JSON Lines file: one JSON object per line (CRM exports, survey exports, event dumps).
///
/// State is the number of lines committed and the file size then, so a resumed run continues after the last
/// checkpoint and an appended file imports only its new lines; a file that shrank is read again from the start.
public struct JSONLConnector: Connector {
    public static let kind = "jsonl"
    public static let summary = "JSON Lines file: one JSON object per line"
    public static var configSpec: JSONValue { SchemaRegistry.canonical.schema(named: "connectors/jsonl.schema.json") ?? [:] }

    /// Lines between checkpoints: small enough that a killed run loses little, large enough to batch commits.
    static let checkpointInterval = 1_000

    let file: URL
    let displayPath: String
    let stream: String
    let idField: String
    let deletedField: String?

    public init(context: ConnectorContext) throws {
        let options = context.options
        guard let path = options["path"]?.stringValue else {
            throw PortraitError.configuration("connector '\(context.name)': options.path is required")
        }
        file = context.url(forPath: path)
        displayPath = path
        stream = options["stream"]?.stringValue ?? file.deletingPathExtension().lastPathComponent
        idField = options["id_field"]?.stringValue ?? "id"
        deletedField = options["deleted_field"]?.stringValue
    }

    public var streamNames: [String] { [stream] }

    public func check() async throws {
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw PortraitError.connector(
                "\(file.path): file not found or not readable; check options.path (relative paths start at portrait.yml's folder)"
            )
        }
    }

    public func discover() async throws -> [StreamDescription] {
        try await check()
        var sample = StreamDescription.FieldSample()
        var lines = 0
        try LineReader.forEachLineSync(in: file) { line, _ in
            guard let value = try? JSONValue(parsing: line) else { return true }
            sample.add(value)
            lines += 1
            return lines < 200  // A sample is enough to write a mapping.
        }
        return [StreamDescription(name: stream, fields: sample.fields)]
    }

    public func read(from state: ConnectorState?, into output: ConnectorOutput) async throws {
        try await check()
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        var skip = state?.value["line"]?.intValue ?? 0
        let committedSize = state?.value["size"]?.intValue ?? 0
        if size < committedSize { skip = 0 }  // Replaced by a shorter file: read it all again.

        var pending: [ConnectorMessage] = []
        var lastLine = skip
        // The reader is synchronous; messages are collected per chunk of lines and sent between chunks.
        try await LineReader.forEachLine(in: file) { line, number in
            guard number > skip else { return true }
            lastLine = number
            pending.append(message(for: line, number: number))
            if number % Self.checkpointInterval == 0 {
                pending.append(.checkpointWithoutWaiting(ConnectorState(["line": .number(number), "size": .number(size)])))
            }
            return true
        } onChunk: {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            for message in batch { try await output.send(message) }
        }
        for message in pending { try await output.send(message) }
        try await output.checkpoint(ConnectorState(["line": .number(lastLine), "size": .number(size)]))
    }

    func message(for line: String, number: Int) -> ConnectorMessage {
        let location = "\(displayPath):\(number)"
        let fields: JSONValue
        do {
            fields = try JSONValue(parsing: line)
        } catch {
            return .unreadable(UnreadableRecord(stream: stream, location: location, raw: line, reasons: ["\(error)"]))
        }
        guard case .object = fields else {
            return .unreadable(
                UnreadableRecord(stream: stream, location: location, raw: line, reasons: ["expected a JSON object, found \(fields.typeName)"])
            )
        }
        guard let id = fields.value(atPath: idField)?.textValue, !id.isEmpty else {
            return .unreadable(
                UnreadableRecord(
                    stream: stream, location: location, raw: line,
                    reasons: ["missing record id '\(idField)'; set options.id_field to the field that identifies a record"]
                )
            )
        }
        let deleted = deletedField.flatMap { fields.value(atPath: $0)?.boolValue } ?? false
        return .record(SourceRecord(stream: stream, sourceID: id, fields: fields, location: location, isDeletion: deleted))
    }
}
