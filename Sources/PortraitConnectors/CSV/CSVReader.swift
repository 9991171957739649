import Foundation
import Glibc

/// Reads a CSV file's rows in order with blocking reads of fixed-size chunks, so memory stays flat (about two
/// chunks plus the longest row) whatever the file's size.
///
/// Rows carry their file offsets and line numbers so that a reader can resume after a checkpoint with
/// `seek(toOffset:line:)`. Reads block: call it from a thread of its own, not the cooperative pool.
/// Not thread-safe; one task uses a reader.
final class CSVReader {
    let url: URL
    let format: CSVFormat

    private let descriptor: Int32
    private let chunkSize: Int
    private let maxRowBytes: Int
    private let decoder: CSVTextDecoder
    private var scanner: CSVRowScanner

    /// Bytes of the file from `bufferOffset`; the current row starts at `rowStart` and the read ones end at `count`.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var rowStart = 0
    private var bufferOffset: Int64 = 0
    private var atEOF = false
    /// The line number of the byte at `rowStart`.
    private var line = 1

    /// Reused between rows: the value of a field with doubled quotes.
    private var unescaped: [UInt8] = []

    /// Opens the file; no byte is read until the first row is asked for.
    ///
    /// - Parameters:
    ///   - chunkSize: bytes per read (tests use tiny ones to put chunk boundaries everywhere).
    ///   - maxRowBytes: a longer row throws, rather than a never-closed quote pulling the whole file into memory.
    /// - Throws: `CSVReaderError` naming the path when the file cannot be opened.
    init(url: URL, format: CSVFormat, chunkSize: Int = 1 << 20, maxRowBytes: Int = 64 << 20) throws {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.url = url
        self.format = format
        self.chunkSize = chunkSize
        self.maxRowBytes = maxRowBytes
        decoder = try CSVTextDecoder(encoding: format.encoding)
        scanner = CSVRowScanner(delimiter: format.delimiter, encoding: format.encoding)
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CSVReaderError.cannotOpen(url.path, errno: errno) }
        capacity = max(2 * chunkSize, 4096)
        buffer = .allocate(capacity: capacity)
        bufferOffset = Int64(format.bomLength)
        if lseek(descriptor, off_t(format.bomLength), SEEK_SET) < 0 {
            let code = errno
            close(descriptor)
            buffer.deallocate()
            throw CSVReaderError.cannotRead(url.path, errno: code)
        }
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// The file offset just past the last row returned (or the position sought): how far the reader has got.
    var bytesRead: Int64 { bufferOffset + Int64(rowStart) }

    /// Reads the header: the file's first non-empty row after the byte-order mark.
    ///
    /// Call it before `seek(toOffset:line:)` when resuming; it starts from the top whatever was read before.
    func readHeader() throws -> CSVRow? {
        try seek(toOffset: 0, line: 1)
        return try nextRow()
    }

    /// Continues reading at a row boundary taken from an earlier row: its `endOffset` and `nextLine`.
    ///
    /// An offset inside the byte-order mark means the start of the file.
    func seek(toOffset offset: Int64, line: Int) throws {
        let target = max(offset, Int64(format.bomLength))
        guard lseek(descriptor, off_t(target), SEEK_SET) >= 0 else {
            throw CSVReaderError.cannotRead(url.path, errno: errno)
        }
        bufferOffset = target
        count = 0
        rowStart = 0
        atEOF = false
        self.line = line
        scanner.reset(rowStart: 0)
    }

    /// The next row, or nil at the end of the file. Empty lines are skipped.
    ///
    /// - Throws: `CSVReaderError` when reading fails or a row exceeds `maxRowBytes`. A row that cannot be decoded does
    ///   not throw: it comes back with `fields == nil` and its `problems`.
    func nextRow() throws -> CSVRow? {
        while true {
            let outcome: CSVScanOutcome
            switch format.encoding {
            case .utf8:
                outcome = scanner.scan(CSVUTF8Layout.self, buffer, rowStart: rowStart, count: count, atEOF: atEOF)
            case .gb18030:
                outcome = scanner.scan(CSVGB18030Layout.self, buffer, rowStart: rowStart, count: count, atEOF: atEOF)
            case .utf16LE:
                outcome = scanner.scan(CSVUTF16LELayout.self, buffer, rowStart: rowStart, count: count, atEOF: atEOF)
            case .utf16BE:
                outcome = scanner.scan(CSVUTF16BELayout.self, buffer, rowStart: rowStart, count: count, atEOF: atEOF)
            }
            switch outcome {
            case .needMore:
                try refill()
            case .emptyLine(let next):
                line += 1
                startRow(at: next)
            case .row(let contentEnd, let next):
                let row = makeRow(contentEnd: contentEnd, next: next)
                line = row.nextLine
                startRow(at: next)
                return row
            case .unterminated(let quoteLineOffset):
                var row = makeRow(contentEnd: count, next: count)
                row.fields = nil
                row.problems = ["unterminated quoted field (started on line \(line + quoteLineOffset))"]
                line = row.nextLine
                startRow(at: count)
                return row
            case .endOfInput:
                return nil
            }
        }
    }

    private func startRow(at next: Int) {
        rowStart = next
        scanner.reset(rowStart: next)
    }

    /// Moves the unfinished row to the buffer's start and appends one chunk.
    private func refill() throws {
        if rowStart > 0 {
            let kept = count - rowStart
            if kept > 0 { buffer.update(from: buffer + rowStart, count: kept) }
            bufferOffset += Int64(rowStart)
            scanner.shift(by: rowStart)
            count = kept
            rowStart = 0
        }
        if count >= maxRowBytes { throw CSVReaderError.rowTooLong(url.path, line: line, limit: maxRowBytes) }
        if capacity - count < chunkSize {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(2 * capacity, count + chunkSize))
            grown.update(from: buffer, count: count)
            buffer.deallocate()
            buffer = grown
            capacity = max(2 * capacity, count + chunkSize)
        }
        while true {
            let read = Glibc.read(descriptor, buffer + count, chunkSize)
            if read > 0 {
                count += read
                return
            }
            if read == 0 {
                atEOF = true
                return
            }
            if errno != EINTR { throw CSVReaderError.cannotRead(url.path, errno: errno) }
        }
    }

    /// Decodes the row the scanner found between `rowStart` and `contentEnd`.
    private func makeRow(contentEnd: Int, next: Int) -> CSVRow {
        let rowBytes = UnsafeBufferPointer(start: buffer + rowStart, count: contentEnd - rowStart)
        let terminated = next > contentEnd
        var fields: [String] = []
        fields.reserveCapacity(scanner.fields.count)
        var problems: [String] = []
        let raw: String
        if decoder.isValidUTF8(rowBytes) {
            // The common case: one check for the whole row, as field boundaries are ASCII and cannot split a character.
            for span in scanner.fields {
                fields.append(decodeField(span, in: rowBytes) { decoder.decodeValidUTF8($0) })
            }
            raw = decoder.decodeValidUTF8(rowBytes)
        } else {
            for (column, span) in scanner.fields.enumerated() {
                let text = decodeField(span, in: rowBytes) { bytes -> String? in
                    if let text = decoder.decode(bytes) { return text }
                    problems.append(
                        "invalid \(format.encoding.displayName) byte sequence in column \(column + 1) "
                            + "(bytes \(decoder.invalidBytes(in: bytes)))")
                    return nil
                }
                if let text { fields.append(text) }
            }
            raw = decoder.decodeLeniently(rowBytes)
        }
        return CSVRow(
            fields: problems.isEmpty ? fields : nil,
            line: line,
            nextLine: line + scanner.breaks + (terminated ? 1 : 0),
            startOffset: bufferOffset + Int64(rowStart),
            endOffset: bufferOffset + Int64(next),
            raw: raw,
            problems: problems
        )
    }

    /// Calls `body` with the bytes of the field's value: a slice of the row, or the unescaped copy.
    @inline(__always)
    private func decodeField<Text>(
        _ span: CSVFieldSpan, in row: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Text
    ) -> Text {
        let width = format.encoding.unitWidth
        switch span.kind {
        case .plain:
            return body(UnsafeBufferPointer(rebasing: row[span.start..<span.end]))
        case .quoted:
            return body(UnsafeBufferPointer(rebasing: row[span.start + width..<span.end - width]))
        case .complex:
            let field = UnsafeBufferPointer(rebasing: row[span.start..<span.end])
            switch format.encoding {
            case .utf8, .gb18030: CSVRowScanner.unescape(CSVUTF8Layout.self, field, into: &unescaped)
            case .utf16LE: CSVRowScanner.unescape(CSVUTF16LELayout.self, field, into: &unescaped)
            case .utf16BE: CSVRowScanner.unescape(CSVUTF16BELayout.self, field, into: &unescaped)
            }
            return unescaped.withUnsafeBufferPointer { body($0) }
        }
    }

    /// The first `count` bytes of a file (fewer if it is shorter), for format detection.
    static func readPrefix(of url: URL, count: Int) throws -> [UInt8] {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CSVReaderError.cannotOpen(url.path, errno: errno) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, count - filled) }
            if read > 0 {
                filled += read
            } else if read == 0 {
                break
            } else if errno != EINTR {
                throw CSVReaderError.cannotRead(url.path, errno: errno)
            }
        }
        return Array(bytes[..<filled])
    }
}
