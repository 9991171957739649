/// How the scanner reads code units out of the byte buffer, one type per unit width and byte order, so that
/// `CSVRowScanner.scan` is specialised for each and the UTF-8 loop stays a plain byte loop.
protocol CSVUnitLayout {
    /// Bytes per code unit.
    static var width: Int { get }
    /// The code unit at byte offset `index`.
    static func unit(_ base: UnsafePointer<UInt8>, _ index: Int) -> UInt32
    /// True when lead bytes 0x81–0xFE start GB18030 multibyte characters whose trail must be stepped over.
    static var hasMultibyteLeads: Bool { get }
}

/// UTF-8 (and any ASCII-compatible encoding whose multibyte bytes are all ≥ 0x80).
enum CSVUTF8Layout: CSVUnitLayout {
    static var width: Int { 1 }
    @inline(__always) static func unit(_ base: UnsafePointer<UInt8>, _ index: Int) -> UInt32 { UInt32(base[index]) }
    static var hasMultibyteLeads: Bool { false }
}

/// GB18030/GBK: bytes, but a trail byte may equal an ASCII delimiter.
enum CSVGB18030Layout: CSVUnitLayout {
    static var width: Int { 1 }
    @inline(__always) static func unit(_ base: UnsafePointer<UInt8>, _ index: Int) -> UInt32 { UInt32(base[index]) }
    static var hasMultibyteLeads: Bool { true }
}

/// UTF-16 little-endian: units are loaded byte by byte, as rows need not start at an even address.
enum CSVUTF16LELayout: CSVUnitLayout {
    static var width: Int { 2 }
    @inline(__always) static func unit(_ base: UnsafePointer<UInt8>, _ index: Int) -> UInt32 {
        UInt32(base[index]) | UInt32(base[index + 1]) << 8
    }
    static var hasMultibyteLeads: Bool { false }
}

/// UTF-16 big-endian.
enum CSVUTF16BELayout: CSVUnitLayout {
    static var width: Int { 2 }
    @inline(__always) static func unit(_ base: UnsafePointer<UInt8>, _ index: Int) -> UInt32 {
        UInt32(base[index]) << 8 | UInt32(base[index + 1])
    }
    static var hasMultibyteLeads: Bool { false }
}

/// Where a field's bytes lie within its row and how its value is taken from them.
struct CSVFieldSpan {
    enum Kind: UInt8 {
        /// Unquoted: the value is the bytes as they are.
        case plain
        /// `"…"` with no doubled quote inside: the value is the bytes between the quotes.
        case quoted
        /// Quoted with `""` inside, or text after the closing quote: the value needs `CSVRowScanner.unescape`.
        case complex
    }

    /// Byte offsets from the row's start; `end` is where the delimiter or terminator begins.
    var start: Int
    var end: Int
    var kind: Kind
}

/// What one call of `CSVRowScanner.scan` found.
enum CSVScanOutcome {
    /// The buffer ends inside the row: read more and call again (the scan resumes where it stopped).
    case needMore
    /// A row ends at `contentEnd` (its terminator starts there) and the next row starts at `next`.
    case row(contentEnd: Int, next: Int)
    /// A line with no bytes before its terminator: skipped, but it still counts for line numbers.
    case emptyLine(next: Int)
    /// The input ends inside a quoted field opened `quoteLineOffset` lines after the row's first line.
    case unterminated(quoteLineOffset: Int)
    /// Nothing is left.
    case endOfInput
}

/// An RFC 4180 state machine that finds one row's fields in a byte buffer, resumable when a row straddles reads.
///
/// Lenient like Python's `csv`: a quote inside an unquoted field is kept, and text after a closing quote is appended.
/// Offsets are absolute in the buffer while scanning; the reader calls `shift(by:)` when it moves the row's bytes.
struct CSVRowScanner {
    private enum State: UInt8 {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    /// Bits of `classes`: what a code unit below 256 may mean to the scanner.
    private static let delimiterBit: UInt8 = 1
    private static let quoteBit: UInt8 = 2
    private static let newlineBit: UInt8 = 4
    private static let leadBit: UInt8 = 8

    private static let quote: UInt32 = 0x22
    private static let lf: UInt32 = 0x0A
    private static let cr: UInt32 = 0x0D

    let delimiter: UInt32
    /// The class of each unit below 256, so the inner loops test one table entry per unit.
    private let classes: [UInt8]

    /// The fields found so far in the current row.
    private(set) var fields: [CSVFieldSpan] = []
    /// Line breaks inside quoted fields so far in the current row.
    private(set) var breaks = 0

    private var state = State.fieldStart
    private var position = 0
    private var fieldStart = 0
    private var kind = CSVFieldSpan.Kind.plain
    private var quoteBreaks = 0

    init(delimiter: UInt8, encoding: CSVEncoding) {
        self.delimiter = UInt32(delimiter)
        var classes = [UInt8](repeating: 0, count: 256)
        classes[Int(delimiter)] |= Self.delimiterBit
        classes[0x22] |= Self.quoteBit
        classes[0x0A] |= Self.newlineBit
        classes[0x0D] |= Self.newlineBit
        if encoding == .gb18030 {
            for lead in 0x81...0xFE { classes[lead] |= Self.leadBit }
        }
        self.classes = classes
        fields.reserveCapacity(32)
    }

    /// Starts a new row at `rowStart`.
    mutating func reset(rowStart: Int) {
        fields.removeAll(keepingCapacity: true)
        breaks = 0
        state = .fieldStart
        position = rowStart
        fieldStart = rowStart
    }

    /// Follows the row's bytes being moved `offset` bytes towards the buffer's start.
    mutating func shift(by offset: Int) {
        position -= offset
        fieldStart -= offset
    }

    /// Scans on from where the last call stopped to the end of the current row or of `count` bytes.
    ///
    /// - Parameters:
    ///   - base: the buffer; the row starts at `rowStart` (where `reset` was called, after any `shift`).
    ///   - atEOF: no more bytes will come, so a row without terminator ends at `count`.
    @inline(__always)
    mutating func scan<Layout: CSVUnitLayout>(
        _ layout: Layout.Type, _ base: UnsafePointer<UInt8>, rowStart: Int, count: Int, atEOF: Bool
    ) -> CSVScanOutcome {
        let width = Layout.width
        var index = position
        var state = self.state
        var fieldStart = self.fieldStart
        var kind = self.kind
        var atLineBreak = false
        let classes = self.classes
        classes.withUnsafeBufferPointer { classes in
            /// The class bits of `unit`; units of 256 and above (UTF-16 only) are ordinary text.
            @inline(__always) func classOf(_ unit: UInt32) -> UInt8 { unit < 256 ? classes[Int(unit)] : 0 }

            scanning: while index + width <= count {
                switch state {
                case .fieldStart:
                    fieldStart = index
                    if Layout.unit(base, index) == Self.quote {
                        kind = .quoted
                        quoteBreaks = breaks
                        state = .quoted
                        index += width
                    } else {
                        kind = .plain
                        state = .unquoted
                    }

                case .unquoted:
                    var bits: UInt8 = 0
                    while index + width <= count {
                        bits = classOf(Layout.unit(base, index)) & (Self.delimiterBit | Self.newlineBit | Self.leadBit)
                        if bits != 0 { break }
                        index += width
                    }
                    if bits == 0 { break scanning }
                    if Layout.hasMultibyteLeads, bits & Self.leadBit != 0 {
                        // Step over a lead's trail byte so a 0x7C trail is not taken for a `|` delimiter.
                        if index + 1 < count {
                            index += CSVGB18030.isTrail(base[index + 1]) ? 2 : 1
                        } else if atEOF {
                            index += 1
                        } else {
                            break scanning
                        }
                    } else if bits & Self.delimiterBit != 0 {
                        fields.append(CSVFieldSpan(start: fieldStart - rowStart, end: index - rowStart, kind: kind))
                        index += width
                        state = .fieldStart
                    } else {
                        atLineBreak = true
                        break scanning
                    }

                case .quoted:
                    var unit: UInt32 = 0
                    var found = false
                    while index + width <= count {
                        unit = Layout.unit(base, index)
                        if classOf(unit) & (Self.quoteBit | Self.newlineBit) != 0 {
                            found = true
                            break
                        }
                        index += width
                    }
                    if !found { break scanning }
                    if unit == Self.quote {
                        state = .quoteInQuoted
                        index += width
                    } else if unit == Self.lf {
                        breaks += 1
                        index += width
                    } else if index + 2 * width <= count {
                        breaks += 1
                        index += Layout.unit(base, index + width) == Self.lf ? 2 * width : width
                    } else if atEOF {
                        breaks += 1
                        index += width
                    } else {
                        break scanning  // a CR at the end of the buffer: is it CRLF?
                    }

                case .quoteInQuoted:
                    let unit = Layout.unit(base, index)
                    if unit == Self.quote {
                        kind = .complex
                        state = .quoted
                        index += width
                    } else if unit == delimiter {
                        fields.append(CSVFieldSpan(start: fieldStart - rowStart, end: index - rowStart, kind: kind))
                        index += width
                        state = .fieldStart
                    } else if unit == Self.lf || unit == Self.cr {
                        atLineBreak = true
                        break scanning
                    } else {
                        kind = .complex
                        state = .unquoted
                    }
                }
            }
        }

        if atLineBreak {
            let unit = Layout.unit(base, index)
            let terminator: Int
            if unit == Self.lf {
                terminator = width
            } else if index + 2 * width <= count {
                terminator = Layout.unit(base, index + width) == Self.lf ? 2 * width : width
            } else if atEOF {
                terminator = width
            } else {
                save(index: index, state: state, fieldStart: fieldStart, kind: kind)
                return .needMore
            }
            if index == rowStart, fields.isEmpty { return .emptyLine(next: index + terminator) }
            fields.append(CSVFieldSpan(start: fieldStart - rowStart, end: index - rowStart, kind: kind))
            return .row(contentEnd: index, next: index + terminator)
        }
        if !atEOF {
            save(index: index, state: state, fieldStart: fieldStart, kind: kind)
            return .needMore
        }
        if state == .quoted { return .unterminated(quoteLineOffset: quoteBreaks) }
        if index < count {
            // A UTF-16 file cut in the middle of a unit: keep the byte in the last field, where decoding reports it.
            if state == .fieldStart {
                fieldStart = index
                kind = .plain
            } else if state == .quoteInQuoted {
                kind = .complex
            }
            state = .unquoted
        } else if state == .fieldStart, fields.isEmpty {
            return .endOfInput
        }
        if state == .fieldStart {
            // The file ends right after a delimiter: one more, empty field.
            fieldStart = count
            kind = .plain
        }
        fields.append(CSVFieldSpan(start: fieldStart - rowStart, end: count - rowStart, kind: kind))
        return .row(contentEnd: count, next: count)
    }

    private mutating func save(index: Int, state: State, fieldStart: Int, kind: CSVFieldSpan.Kind) {
        position = index
        self.state = state
        self.fieldStart = fieldStart
        self.kind = kind
    }

    /// Writes the value of a `.complex` field (the bytes from its opening quote) into `output`: `""` becomes `"`
    /// inside the quotes, the closing quote is dropped, and what follows it is kept as it is.
    static func unescape<Layout: CSVUnitLayout>(
        _ layout: Layout.Type, _ field: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]
    ) {
        output.removeAll(keepingCapacity: true)
        let width = Layout.width
        guard let base = field.baseAddress else { return }
        var index = width  // past the opening quote
        var inQuotes = true
        while index + width <= field.count {
            if Layout.unit(base, index) == quote {
                if !inQuotes {
                    output.append(contentsOf: field[index..<index + width])
                } else if index + 2 * width <= field.count, Layout.unit(base, index + width) == quote {
                    output.append(contentsOf: field[index..<index + width])
                    index += width
                } else {
                    inQuotes = false
                }
            } else {
                output.append(contentsOf: field[index..<index + width])
            }
            index += width
        }
        output.append(contentsOf: field[index...])
    }
}
