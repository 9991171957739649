public import PortraitCore
import Foundation

/// Imports the CSV files that stores and point-of-sale systems drop into a folder: receipts, member lists.
///
/// Each complete file matching the glob is imported once: its SHA-256 is kept in the connector state, so an
/// identical file dropped again is skipped (and archived), while a changed file under a known name is a new
/// version. Rows stream through a fixed-size buffer, so memory does not grow with the file. Inside a file the
/// connector checkpoints every `checkpoint_rows` rows (byte offset and line), and the file moves to `archive/`
/// only after its last rows are committed: a run killed anywhere resumes without losing or repeating a row.
/// A row that cannot be read (bad quoting, wrong column count, bytes invalid in the encoding) goes to
/// quarantine with `file:line` and the raw line; a file that cannot be read at all goes to `rejected/` with a
/// `.reason` file beside it.
public struct CSVDropConnector: Connector {
    public static let kind = "csv_drop"
    public static let summary = "CSV files dropped into a folder (POS receipts, member lists), each imported once"
    public static var configSpec: JSONValue {
        SchemaRegistry.canonical.schema(named: "connectors/csv_drop.schema.json") ?? [:]
    }

    let name: String
    let folder: DropFolder

    public var watchedFolder: WatchedFolder? { folder.watched }
    let stream: String
    let encoding: CSVEncoding?
    let delimiter: UInt8?
    /// Normalised column name of the row id, if configured.
    let idColumn: String?
    let requiredColumns: [String]
    let checkpointRows: Int

    public init(context: ConnectorContext) throws {
        let options = context.options
        let prefix = "connector '\(context.name)'"
        guard let folderPath = options["folder"]?.stringValue else {
            throw PortraitError.configuration("\(prefix): options.folder is required (the drop folder)")
        }
        let completionText = options["complete_when"]?.stringValue ?? DropFolder.Completion.stable.rawValue
        guard let completion = DropFolder.Completion(rawValue: completionText) else {
            throw PortraitError.configuration(
                "\(prefix): options.complete_when '\(completionText)' is not one of stable, done_marker, renamed")
        }
        folder = DropFolder(
            url: context.url(forPath: folderPath), displayPath: folderPath,
            glob: options["glob"]?.stringValue ?? "*.csv", completion: completion,
            stableSeconds: options["stable_seconds"]?.doubleValue ?? 5,
            archiveName: options["archive_folder"]?.stringValue ?? "archive",
            rejectedName: options["rejected_folder"]?.stringValue ?? "rejected")
        for (key, value) in [("archive_folder", folder.archiveName), ("rejected_folder", folder.rejectedName)]
        where value.contains("/") || value == "." || value == ".." || folder.matches(value) {
            throw PortraitError.configuration(
                "\(prefix): options.\(key) '\(value)' must be a plain folder name inside the drop folder that the glob does not match")
        }
        name = context.name
        stream = options["stream"]?.stringValue ?? "rows"

        let encodingText = options["encoding"]?.stringValue ?? "auto"
        if encodingText == "auto" {
            encoding = nil
        } else if let named = CSVEncoding.named(encodingText) {
            encoding = named
        } else {
            throw PortraitError.configuration(
                "\(prefix): options.encoding '\(encodingText)' is not supported; use auto, utf-8, utf-16, gb18030 or gbk")
        }
        switch options["delimiter"]?.stringValue ?? "auto" {
        case "auto": delimiter = nil
        case "tab", "\t": delimiter = UInt8(ascii: "\t")
        case ",": delimiter = UInt8(ascii: ",")
        case ";": delimiter = UInt8(ascii: ";")
        case "|": delimiter = UInt8(ascii: "|")
        case let other:
            throw PortraitError.configuration(
                "\(prefix): options.delimiter '\(other)' is not supported; use auto, ',', ';', tab or '|'")
        }
        idColumn = options["id_field"]?.stringValue.map(CSVHeader.normalize)
        requiredColumns = (options["required_columns"]?.arrayValue ?? []).compactMap(\.stringValue).map(CSVHeader.normalize)
        checkpointRows = options["checkpoint_rows"]?.intValue.map { max($0, 1) } ?? 50_000
    }

    public var streamNames: [String] { [stream] }

    public func check() async throws {
        try folder.check()
    }

    public func discover() async throws -> [StreamDescription] {
        try await check()
        guard let sample = try folder.candidates().last else {
            return [StreamDescription(name: stream, fields: [])]
        }
        let file = try CSVFile.open(sample.url, encoding: encoding, delimiter: delimiter)
        var examples: [String: String] = [:]
        for _ in 0..<200 {
            guard let row = try file.reader.nextRow() else { break }
            guard let fields = row.fields, fields.count == file.header.columns.count else { continue }
            for (column, value) in zip(file.header.columns, fields) where examples[column] == nil && !value.isEmpty {
                examples[column] = value
            }
        }
        let fields = file.header.columns.map { StreamDescription.Field(path: $0, type: "string", example: examples[$0]) }
        return [StreamDescription(name: stream, fields: fields, suggestedEntity: CSVHeader.suggestedEntity(file.header.columns))]
    }

    public func read(from state: ConnectorState?, into output: ConnectorOutput) async throws {
        try await check()
        var state = CSVDropState(state)
        let files = try folder.candidates()
        if files.isEmpty, let advice = try folder.globAdvice(suffixes: [".csv", ".tsv"]) {
            try await output.warning(advice, location: folder.displayPath)
        }
        for file in files {
            try Task.checkCancellation()
            guard let sha256 = try await folder.pickUp(file, imported: state.imported, output: output) else { continue }
            try await importFile(file, sha256: sha256, state: &state, output: output)
        }
    }

    /// Imports one complete file, then archives it once its last rows are committed.
    private func importFile(
        _ file: DropFolder.Candidate, sha256: String, state: inout CSVDropState, output: ConnectorOutput
    ) async throws {
        let csv: CSVFile
        do {
            csv = try CSVFile.open(file.url, encoding: encoding, delimiter: delimiter)
            try csv.header.require(requiredColumns + (idColumn.map { [$0] } ?? []))
        } catch let error as CSVFileError {
            try folder.reject(file, sha256: sha256, reason: error.message)
            try await output.part(file.name, note: "rejected: \(error.message); moved to \(folder.rejectedName)/ with a .reason file")
            return
        }
        try await output.part(file.name)

        let resume = state.position.flatMap { $0.sha256 == sha256 ? $0 : nil }
        if let resume { try csv.reader.seek(toOffset: resume.offset, line: resume.line) }
        let location = "\(folder.displayPath)/\(file.name)"
        let columns = SourceColumns(csv.header.columns)
        let idIndex = idColumn.flatMap { csv.header.columns.firstIndex(of: $0) }
        var rowsSinceCheckpoint = 0

        while let row = try csv.reader.nextRow() {
            if rowsSinceCheckpoint >= checkpointRows {
                // Covers every row before this one: a resumed run starts here.
                state.position = .init(name: file.name, sha256: sha256, offset: row.startOffset, line: row.line)
                try await output.checkpoint(state.connectorState)
                rowsSinceCheckpoint = 0
            }
            rowsSinceCheckpoint += 1
            try await output.send(message(for: row, columns: columns, idIndex: idIndex, location: location, file: file.name))
        }
        state.recordImport(sha256: sha256, name: file.name, at: Date())
        try await output.checkpoint(state.connectorState)
        try folder.archive(file, sha256: sha256)
    }

    private func message(
        for row: CSVRow, columns: SourceColumns, idIndex: Int?, location: String, file: String
    ) -> ConnectorMessage {
        let here = "\(location):\(row.line)"
        guard let values = row.fields else {
            return .unreadable(UnreadableRecord(stream: stream, location: here, raw: row.raw, reasons: row.problems))
        }
        guard values.count == columns.names.count else {
            return .unreadable(
                UnreadableRecord(
                    stream: stream, location: here, raw: row.raw,
                    reasons: [
                        "the row has \(values.count) field\(values.count == 1 ? "" : "s") but the header has \(columns.names.count) columns; quote values that contain the delimiter, or fix the export"
                    ]))
        }
        let sourceID: String
        if let idIndex {
            let id = TextTransforms.trimmed(values[idIndex])
            guard !id.isEmpty else {
                return .unreadable(
                    UnreadableRecord(
                        stream: stream, location: here, raw: row.raw,
                        reasons: ["the id column '\(columns.names[idIndex])' (options.id_field) is empty"]))
            }
            sourceID = id
        } else {
            sourceID = "\(file):\(row.line)"
        }
        return .record(
            SourceRecord(
                stream: stream, sourceID: sourceID, columns: columns, values: values, location: here,
                sourceText: row.raw))
    }

}
