import Foundation
import PortraitCore

/// Why a whole file cannot be imported; it goes to `rejected/` with this as its reason.
struct CSVFileError: Error {
    var message: String
}

/// A CSV file opened for import: its detected format, its header and a reader positioned after the header.
struct CSVFile {
    var format: CSVFormat
    var header: CSVHeader
    var reader: CSVReader

    /// Detects the format from the first 64 KiB, reads the header and checks its names.
    ///
    /// - Throws: `CSVFileError` when the file cannot be imported at all (empty, undetectable encoding or
    ///   delimiter, unreadable header, duplicate column names).
    static func open(_ url: URL, encoding: CSVEncoding?, delimiter: UInt8?) throws -> CSVFile {
        let prefix: [UInt8]
        do {
            prefix = try CSVReader.readPrefix(of: url, count: CSVFormat.sampleLength)
        } catch {
            throw CSVFileError(message: "cannot be opened (\(error))")
        }
        guard !prefix.isEmpty else { throw CSVFileError(message: "the file is empty (not even a header row)") }
        let format: CSVFormat
        do {
            format = try CSVFormat.detect(prefix: prefix, encoding: encoding, delimiter: delimiter)
        } catch {
            throw CSVFileError(message: error.description)
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(url: url, format: format)
        } catch {
            throw CSVFileError(message: "cannot be opened (\(error))")
        }
        let header: CSVRow?
        do {
            header = try reader.readHeader()
        } catch {
            throw CSVFileError(message: "the header row cannot be read (\(error))")
        }
        guard let headerRow = header else {
            throw CSVFileError(message: "the file has no header row")
        }
        guard let names = headerRow.fields else {
            throw CSVFileError(message: "the header row cannot be read: \(headerRow.problems.joined(separator: "; "))")
        }
        return CSVFile(format: format, header: try CSVHeader(names), reader: reader)
    }
}

/// A file's column names, normalised so that config matches them whatever their case and spacing.
struct CSVHeader: Sendable, Equatable {
    /// Normalised names, in file order (`Receipt ID` → `receipt_id`).
    var columns: [String]

    init(_ names: [String]) throws(CSVFileError) {
        var columns: [String] = []
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            var column = Self.normalize(name)
            if column.isEmpty { column = "column_\(index + 1)" }
            if let earlier = seen[column] {
                throw CSVFileError(
                    message: "columns \(earlier + 1) and \(index + 1) are both named '\(column)' (names are compared ignoring case and spaces); rename one in the export")
            }
            seen[column] = index
            columns.append(column)
        }
        self.columns = columns
    }

    /// Lower case, trimmed, each run of spaces, tabs or hyphens as one `_`: `" Receipt  ID"` → `receipt_id`.
    static func normalize(_ name: String) -> String {
        var result = ""
        var pendingSeparator = false
        for character in name.lowercased() {
            if character.isWhitespace || character == "-" || character == "_" || character == "\u{FEFF}" {
                pendingSeparator = !result.isEmpty
                continue
            }
            if pendingSeparator { result.append("_") }
            pendingSeparator = false
            result.append(character)
        }
        return result
    }

    /// - Throws: `CSVFileError` naming every missing column, with the closest existing name.
    func require(_ required: [String]) throws(CSVFileError) {
        let missing = required.filter { !columns.contains($0) }
        guard !missing.isEmpty else { return }
        let described = missing.map { column in
            if let close = Suggestions.closest(to: column, among: columns) { "'\(column)' (did you mean '\(close)'?)" } else { "'\(column)'" }
        }
        throw CSVFileError(
            message: "the header lacks the required column\(missing.count == 1 ? "" : "s") \(described.joined(separator: ", ")); it has \(columns.joined(separator: ", "))")
    }

    /// A guess for `portrait connectors discover`: receipts look like orders, anything else like customers.
    static func suggestedEntity(_ columns: [String]) -> Entity {
        let orderWords = ["receipt", "order", "amount", "total", "sku", "price"]
        return columns.contains { column in orderWords.contains { column.contains($0) } } ? .order : .customer
    }
}
