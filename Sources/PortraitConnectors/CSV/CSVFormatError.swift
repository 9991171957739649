/// Why a CSV file's encoding or delimiter could not be settled, with the option that fixes it.
struct CSVFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: Sendable, Hashable {
        case unknownEncoding(offset: Int, bytes: [UInt8])
        case markContradictsEncoding(mark: CSVEncoding, configured: CSVEncoding)
        case noDelimiter(linesSampled: Int)
        case unusableDelimiter(UInt8)
    }

    private let base: Base

    static func unknownEncoding(offset: Int, bytes: [UInt8]) -> CSVFormatError {
        CSVFormatError(base: .unknownEncoding(offset: offset, bytes: bytes))
    }

    static func markContradictsEncoding(mark: CSVEncoding, configured: CSVEncoding) -> CSVFormatError {
        CSVFormatError(base: .markContradictsEncoding(mark: mark, configured: configured))
    }

    static func noDelimiter(linesSampled: Int) -> CSVFormatError {
        CSVFormatError(base: .noDelimiter(linesSampled: linesSampled))
    }

    static func unusableDelimiter(_ byte: UInt8) -> CSVFormatError {
        CSVFormatError(base: .unusableDelimiter(byte))
    }

    var description: String {
        switch base {
        case .unknownEncoding(let offset, let bytes):
            "cannot tell the file's encoding: it has no byte-order mark, is not UTF-8 (bytes \(CSVBytes.hex(bytes)) "
                + "at offset \(offset)) and is not GB18030; "
                + "set the `encoding` option (utf-8, utf-16le, utf-16be, gb18030)"
        case .markContradictsEncoding(let mark, let configured):
            "the file starts with a \(mark.displayName) byte-order mark but `encoding` is \(configured.rawValue); "
                + "set the `encoding` option to \(mark.rawValue) or remove it"
        case .noDelimiter(let lines):
            "cannot detect the delimiter: none of ',' ';' tab '|' occurs on the header line and the same number of "
                + "times on most of the next \(max(lines - 1, 0)) line(s); "
                + "set the `delimiter` option (one of , ; \\t |)"
        case .unusableDelimiter(let byte):
            "the delimiter \(CSVBytes.hex([byte])) cannot separate fields: it must be one ASCII character other than "
                + "a quote or a line break; set the `delimiter` option to one of , ; \\t |"
        }
    }
}

/// Formatting of raw bytes for messages.
enum CSVBytes {
    /// `0x81 0x20`: how a problem names the bytes an operator should look for in the file.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
