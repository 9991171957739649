import Foundation
import PortraitCore

/// A survey tool's export, one response per row: CSV (columns are question ids; encoding and delimiter detected
/// as for `csv_drop`) or JSON Lines (one object per line, answers at the top level or under `answers`).
struct SurveyExport {
    /// One response as exported, with where it is in the file.
    struct Row {
        var answers: [String: JSONValue]
        var line: Int
        /// The line as the file has it, for quarantine.
        var raw: String
        /// Why the row could not be read at all (a CSV row cut short, a line that is not JSON).
        var problems: [String]
    }

    let url: URL
    let displayPath: String

    var isJSONLines: Bool {
        ["jsonl", "ndjson", "json"].contains(url.pathExtension.lowercased())
    }

    /// A reader positioned at the first row: rows are pulled one at a time, so the caller may await between them.
    func open() throws -> Reader {
        if isJSONLines {
            guard let handle = try? FileHandle(forReadingFrom: url) else {
                throw PortraitError.connector("\(displayPath): cannot open for reading; check options.path")
            }
            return Reader(source: .lines(handle, LineSplitter(), []))
        }
        do {
            let file = try CSVFile.open(url, encoding: nil, delimiter: nil)
            return Reader(source: .csv(file))
        } catch let error as CSVFileError {
            throw PortraitError.connector("\(displayPath): \(error.message)")
        }
    }

    /// Rows of one export, in file order.
    final class Reader {
        enum Source {
            case csv(CSVFile)
            /// The file, its line splitter, and lines split from the last chunk but not yet returned.
            case lines(FileHandle, LineSplitter, [(String, Int)])
        }

        private var source: Source
        private var finished = false

        init(source: Source) {
            self.source = source
        }

        deinit {
            if case .lines(let handle, _, _) = source { try? handle.close() }
        }

        /// The next row, or nil at the end of the file.
        func next() throws -> Row? {
            switch source {
            case .csv(let file):
                guard let row = try file.reader.nextRow() else { return nil }
                let columns = file.header.columns
                guard let fields = row.fields else {
                    return Row(answers: [:], line: row.line, raw: row.raw, problems: row.problems)
                }
                guard fields.count == columns.count else {
                    let problem = "the row has \(fields.count) fields but the header has \(columns.count) columns"
                    return Row(answers: [:], line: row.line, raw: row.raw, problems: [problem])
                }
                var answers: [String: JSONValue] = [:]
                for (column, value) in zip(columns, fields) where !value.isEmpty { answers[column] = .string(value) }
                return Row(answers: answers, line: row.line, raw: row.raw, problems: [])
            case .lines(let handle, var splitter, var queued):
                while queued.isEmpty && !finished {
                    let chunk = try handle.read(upToCount: LineReader.chunkSize) ?? Data()
                    if chunk.isEmpty { finished = true }
                    _ = splitter.feed(chunk) { line, number in
                        queued.append((line, number))
                        return true
                    }
                }
                guard !queued.isEmpty else { return nil }
                let (line, number) = queued.removeFirst()
                source = .lines(handle, splitter, queued)
                return SurveyExport.jsonRow(line, number: number)
            }
        }
    }

    private static func jsonRow(_ line: String, number: Int) -> Row {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: line)
        } catch {
            return Row(answers: [:], line: number, raw: line, problems: ["\(error)"])
        }
        guard case .object(var object) = value else {
            return Row(answers: [:], line: number, raw: line, problems: ["expected a JSON object, found \(value.typeName)"])
        }
        if case .object(let nested)? = object.removeValue(forKey: "answers") {
            for (key, answer) in nested where object[key] == nil { object[key] = answer }
        }
        return Row(answers: object, line: number, raw: line, problems: [])
    }
}
