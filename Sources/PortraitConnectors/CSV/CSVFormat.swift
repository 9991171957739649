import Foundation

/// The text encodings a CSV file may use.
enum CSVEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case gb18030 = "gb18030"

    /// The encoding a config value names, accepting the names exports and other tools use.
    ///
    /// Case and `_`/`-` do not matter. `gbk`, `gb2312` and `cp936` are subsets of GB18030, so they read as `gb18030`.
    /// `utf-16` gives `.utf16LE` (what Windows writes); a byte-order mark in the file still decides the byte order.
    static func named(_ name: String) -> CSVEncoding? {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8", "utf-8-sig": .utf8
        case "utf-16", "utf16", "utf-16le", "utf16le", "ucs-2": .utf16LE
        case "utf-16be", "utf16be": .utf16BE
        case "gb18030", "gbk", "gb2312", "cp936", "euc-cn": .gb18030
        default: nil
        }
    }

    /// Bytes per code unit: what the scanner steps by.
    var unitWidth: Int { self == .utf16LE || self == .utf16BE ? 2 : 1 }

    /// The name used in messages.
    var displayName: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .gb18030: "GB18030"
        }
    }

    /// The byte-order mark this encoding writes at a file's start.
    var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        case .utf16LE: [0xFF, 0xFE]
        case .utf16BE: [0xFE, 0xFF]
        case .gb18030: [0x84, 0x31, 0x95, 0x33]
        }
    }
}

/// How a CSV file is written: its encoding, byte-order mark and delimiter.
struct CSVFormat: Sendable, Hashable {
    var encoding: CSVEncoding
    /// Bytes of byte-order mark at the file start (0, 2 or 3; 4 for GB18030's rarely used mark).
    var bomLength: Int
    /// The field separator, an ASCII byte (`,` `;` tab `|` are detected; others may be configured).
    var delimiter: UInt8

    /// How much of a file `detect(fileAt:encoding:delimiter:)` samples.
    static let sampleLength = 64 << 10

    /// The delimiters detection considers, in the order that breaks ties.
    static let candidateDelimiters: [UInt8] = [
        UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|"),
    ]

    /// Detects what the configuration leaves open from the first bytes of the file.
    ///
    /// Encoding: a byte-order mark decides (EF BB BF UTF-8, FF FE UTF-16LE, FE FF UTF-16BE); without one, a sample
    /// with many zero bytes on one side is UTF-16 without a mark, valid UTF-8 is UTF-8, and what decodes as GB18030
    /// is GB18030. A few broken rows do not turn a file away: UTF-8 with far more valid multibyte characters than
    /// invalid sequences stays UTF-8 (UTF-8 Chinese often happens to decode as GB18030 mojibake), and so does a
    /// sample that is neither when its invalid sequences sit on at most 1 % of its lines (at least one); those rows
    /// come back unreadable. A configured encoding skips its own mark; for UTF-16 a mark decides the byte order.
    /// Delimiter: among `,` `;` tab `|`, the one found outside quotes on the header line and the same number of times
    /// on the following complete lines of the sample (a few ragged rows allowed: see `detectDelimiter`).
    ///
    /// - Parameter prefix: the file's first bytes (e.g. the first 64 KiB); a sequence cut at its end is allowed.
    /// - Throws: `CSVFormatError` saying which option to set when the encoding or delimiter cannot be told.
    static func detect(prefix: [UInt8], encoding: CSVEncoding?, delimiter: UInt8?) throws(CSVFormatError) -> CSVFormat {
        let (encoding, bomLength) = try detectEncoding(prefix, configured: encoding)
        let chosen: UInt8
        if let delimiter {
            guard delimiter != 0, delimiter < 0x80, delimiter != UInt8(ascii: "\""), delimiter != 0x0A,
                delimiter != 0x0D
            else { throw CSVFormatError.unusableDelimiter(delimiter) }
            chosen = delimiter
        } else {
            chosen = try detectDelimiter(units: codeUnits(of: prefix[bomLength...], encoding: encoding))
        }
        return CSVFormat(encoding: encoding, bomLength: bomLength, delimiter: chosen)
    }

    /// Reads the file's first `sampleLength` bytes and detects its format from them.
    ///
    /// - Throws: `CSVReaderError` when the file cannot be read, `CSVFormatError` when the format cannot be told.
    static func detect(fileAt url: URL, encoding: CSVEncoding?, delimiter: UInt8?) throws -> CSVFormat {
        try detect(prefix: CSVReader.readPrefix(of: url, count: sampleLength), encoding: encoding, delimiter: delimiter)
    }

    private static func detectEncoding(
        _ bytes: [UInt8], configured: CSVEncoding?
    ) throws(CSVFormatError) -> (CSVEncoding, Int) {
        let marked = CSVEncoding.allCases.first { bytes.starts(with: $0.byteOrderMark) }
        if let configured {
            guard let marked else { return (configured, 0) }
            if marked == configured { return (configured, marked.byteOrderMark.count) }
            if configured.unitWidth == 2, marked.unitWidth == 2 { return (marked, 2) }
            throw CSVFormatError.markContradictsEncoding(mark: marked, configured: configured)
        }
        if let marked { return (marked, marked.byteOrderMark.count) }
        if let utf16 = utf16WithoutMark(bytes) { return (utf16, 0) }
        let utf8 = UTF8Census(bytes)
        guard let firstError = utf8.firstError else { return (.utf8, 0) }
        if utf8.multibyte >= max(4, 4 * utf8.errors) { return (.utf8, 0) }
        if let converter = CSVGB18030Converter(), converter.isValidPrefix(bytes) { return (.gb18030, 0) }
        if utf8.linesWithErrors <= max(1, utf8.lines / 100) { return (.utf8, 0) }
        throw CSVFormatError.unknownEncoding(
            offset: firstError, bytes: Array(bytes[firstError..<min(bytes.count, firstError + 4)]))
    }

    /// UTF-16 without a byte-order mark: CSV text never holds U+0000, so zero bytes mostly on the odd (LE) or even
    /// (BE) side are the high bytes of ASCII characters.
    private static func utf16WithoutMark(_ bytes: [UInt8]) -> CSVEncoding? {
        var zeros = (even: 0, odd: 0)
        for (index, byte) in bytes.enumerated() where byte == 0 {
            if index & 1 == 0 { zeros.even += 1 } else { zeros.odd += 1 }
        }
        if zeros.odd >= 4, zeros.odd > 4 * zeros.even { return .utf16LE }
        if zeros.even >= 4, zeros.even > 4 * zeros.odd { return .utf16BE }
        return nil
    }

    /// The sample as code units, with each GB18030 multibyte character folded into one non-ASCII unit so that its
    /// trail byte (which may be 0x7C `|`) is not counted as a delimiter.
    private static func codeUnits(of bytes: ArraySlice<UInt8>, encoding: CSVEncoding) -> [UInt16] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        switch encoding {
        case .utf8:
            units.append(contentsOf: bytes.lazy.map { UInt16($0) })
        case .gb18030:
            while index < bytes.endIndex {
                let byte = bytes[index]
                if CSVGB18030.isLead(byte), index + 1 < bytes.endIndex, CSVGB18030.isTrail(bytes[index + 1]) {
                    units.append(0x80)
                    index += 2
                } else {
                    units.append(UInt16(byte))
                    index += 1
                }
            }
        case .utf16LE, .utf16BE:
            while index + 1 < bytes.endIndex {
                let (first, second) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
                units.append(encoding == .utf16LE ? first | second << 8 : first << 8 | second)
                index += 2
            }
        }
        return units
    }

    /// The candidate on the header that the following records agree with best.
    ///
    /// A ragged row or two (a short row the mapping will quarantine) must not hide the delimiter, so a candidate may
    /// miss on up to a fifth of the records (at least one) while most match; fewer misses win, then more
    /// occurrences on the header (a tab-separated header may hold a comma), then the order `,` `;` tab `|`.
    private static func detectDelimiter(units: [UInt16]) throws(CSVFormatError) -> UInt8 {
        let records = delimiterCounts(units)
        guard let header = records.first else { throw CSVFormatError.noDelimiter(linesSampled: 0) }
        let following = records.dropFirst()
        var best: (delimiter: UInt8, misses: Int, count: Int)?
        for (index, delimiter) in candidateDelimiters.enumerated() {
            let count = header[index]
            guard count > 0 else { continue }
            let misses = following.count { $0[index] != count }
            guard misses == 0 || (misses <= max(1, following.count / 5) && following.count - misses > misses) else {
                continue
            }
            if let best, (best.misses, -best.count) <= (misses, -count) { continue }
            best = (delimiter, misses, count)
        }
        guard let best else { throw CSVFormatError.noDelimiter(linesSampled: records.count) }
        return best.delimiter
    }

    /// How often each candidate delimiter occurs outside quotes, per non-empty record of the sample.
    ///
    /// Only records ended by a newline count (the sample's last one may be cut), unless the sample is a single line.
    private static func delimiterCounts(_ units: [UInt16]) -> [[Int]] {
        let candidates = candidateDelimiters.map { UInt16($0) }
        var records: [[Int]] = []
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var isEmpty = true
        for unit in units {
            if unit == UInt16(UInt8(ascii: "\"")) {
                inQuotes.toggle()
                isEmpty = false
            } else if inQuotes {
                continue
            } else if unit == 0x0A || unit == 0x0D {
                if !isEmpty { records.append(counts) }
                counts = [Int](repeating: 0, count: candidates.count)
                isEmpty = true
            } else {
                isEmpty = false
                if let index = candidates.firstIndex(of: unit) { counts[index] += 1 }
            }
        }
        if records.isEmpty, !isEmpty { records.append(counts) }
        return records
    }
}

/// How much of a sample reads as UTF-8: the evidence for choosing UTF-8 despite a few invalid sequences.
private struct UTF8Census {
    /// Offset of the first invalid sequence; nil when the sample is valid UTF-8.
    var firstError: Int?
    /// Invalid sequences, and valid characters of two or more bytes.
    var errors = 0
    var multibyte = 0
    /// Lines (LF-separated) in the sample, and how many of them hold an invalid sequence.
    var lines = 0
    var linesWithErrors = 0

    init(_ bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        var lineHasError = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                offset += scalar.count
                if scalar.count > 1 {
                    multibyte += 1
                } else if scalar.first == 0x0A {
                    lines += 1
                    lineHasError = false
                }
            case .emptyInput:
                if offset > 0, bytes.last != 0x0A { lines += 1 }
                return
            case .error(let length):
                // The parser reports the maximal valid prefix of a sequence: at the very end that is a cut sequence.
                if offset + length == bytes.count, bytes[offset] >= 0xC2, length < 4 { return }
                firstError = firstError ?? offset
                errors += 1
                if !lineHasError { linesWithErrors += 1 }
                lineHasError = true
                offset += length
            }
        }
    }
}
