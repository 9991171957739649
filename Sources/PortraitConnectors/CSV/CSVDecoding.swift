import Glibc

/// GB18030 byte classes the scanner needs.
///
/// Two-byte characters have a lead 0x81–0xFE and a trail 0x40–0x7E or 0x80–0xFE; four-byte ones are lead, 0x30–0x39,
/// lead, 0x30–0x39. No trail is a quote or line break, but 0x7C `|` (and any configured delimiter in 0x40–0x7E) is a
/// valid trail, so a scan for the delimiter must step over each lead's next byte.
enum CSVGB18030 {
    @inline(__always) static func isLead(_ byte: UInt8) -> Bool { byte >= 0x81 && byte <= 0xFE }

    @inline(__always) static func isTrail(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x40 && byte <= 0x7E) || (byte >= 0x80 && byte <= 0xFE)
    }

    /// How many bytes a message should show of an invalid sequence starting with `bytes.first`.
    static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = bytes.first, isLead(first), bytes.count > 1 else { return min(bytes.count, 1) }
        return (bytes[1] >= 0x30 && bytes[1] <= 0x39) ? min(bytes.count, 4) : 2
    }
}

/// A glibc iconv converter from GB18030 to UTF-8, opened once per reader (opening one costs far more than a field).
final class CSVGB18030Converter {
    private let descriptor: iconv_t
    private var output: [UInt8] = []
    /// Where the last strict conversion failed, in bytes from its start, and why (`EILSEQ`, `EINVAL`).
    private(set) var failure: (offset: Int, code: Int32)?

    /// nil when this system's iconv has no GB18030 converter.
    init?() {
        guard let descriptor = iconv_open("UTF-8", "GB18030"), descriptor != iconv_t(bitPattern: -1) else {
            return nil
        }
        self.descriptor = descriptor
    }

    deinit { iconv_close(descriptor) }

    /// The text of `input`, or nil when it holds an invalid or cut sequence (see `failure`).
    func decode(_ input: UnsafeBufferPointer<UInt8>) -> String? {
        convert(input, lenient: false)
    }

    /// The text of `input` with each invalid byte (or cut sequence at the end) replaced by U+FFFD.
    func decodeLeniently(_ input: UnsafeBufferPointer<UInt8>) -> String {
        convert(input, lenient: true) ?? ""
    }

    /// True when `bytes` decodes, allowing a sequence cut off by the end (a sample's last bytes).
    func isValidPrefix(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { decode($0) } != nil || failure?.code == EINVAL
    }

    private func convert(_ input: UnsafeBufferPointer<UInt8>, lenient: Bool) -> String? {
        failure = nil
        guard let start = input.baseAddress, !input.isEmpty else { return "" }
        // Each input byte yields at most 3 output bytes (a 2-byte character becomes 3 UTF-8 bytes, U+FFFD is 3).
        let capacity = input.count * 3 + 4
        if output.count < capacity { output = [UInt8](repeating: 0, count: capacity) }
        _ = iconv(descriptor, nil, nil, nil, nil)
        return output.withUnsafeMutableBufferPointer { out -> String? in
            let outStart = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self)
            var inPointer: UnsafeMutablePointer<CChar>? =
                UnsafeMutableRawPointer(mutating: start).assumingMemoryBound(to: CChar.self)
            var inLeft = input.count
            var outPointer: UnsafeMutablePointer<CChar>? = outStart
            var outLeft = capacity
            while inLeft > 0 {
                if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) != -1 { break }
                let code = errno
                guard lenient else {
                    failure = (input.count - inLeft, code)
                    return nil
                }
                for byte: UInt8 in [0xEF, 0xBF, 0xBD] {
                    outPointer!.pointee = CChar(bitPattern: byte)
                    outPointer! += 1
                    outLeft -= 1
                }
                guard code == EILSEQ else { break }  // EINVAL: a sequence cut by the end of the field
                inPointer! += 1
                inLeft -= 1
                _ = iconv(descriptor, nil, nil, nil, nil)
            }
            let produced = outPointer! - outStart
            return String(decoding: UnsafeBufferPointer(start: out.baseAddress, count: produced), as: UTF8.self)
        }
    }
}

/// Turns a field's bytes into a String in one encoding: strictly for values (an invalid sequence makes the row
/// unreadable rather than silently altered) and leniently for the raw line kept for quarantine.
final class CSVTextDecoder {
    let encoding: CSVEncoding
    private let gb18030: CSVGB18030Converter?
    /// Reused between fields: UTF-16 text transcoded to UTF-8.
    private var transcoded: [UInt8] = []
    private var transcodedCount = 0

    /// - Throws: `CSVReaderError` when GB18030 is asked for and this system's iconv lacks it.
    init(encoding: CSVEncoding) throws(CSVReaderError) {
        self.encoding = encoding
        if encoding == .gb18030 {
            guard let converter = CSVGB18030Converter() else { throw CSVReaderError.noGB18030Converter() }
            gb18030 = converter
        } else {
            gb18030 = nil
        }
    }

    /// True when `row` is valid UTF-8 text as it stands (UTF-8 that validates, or ASCII-only GB18030), so that its
    /// fields can be made with `decodeValidUTF8` without checking each one.
    @inline(__always)
    func isValidUTF8(_ row: UnsafeBufferPointer<UInt8>) -> Bool {
        switch encoding {
        case .utf8: CSVUTF8.isValid(row)
        case .gb18030: CSVUTF8.isASCII(row)
        case .utf16LE, .utf16BE: false
        }
    }

    /// The text of bytes known to be valid UTF-8 (see `isValidUTF8`).
    @inline(__always)
    func decodeValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        bytes.isEmpty ? "" : String(decoding: bytes, as: UTF8.self)
    }

    /// The text of `bytes`, or nil when they are not valid in the encoding.
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "" }
        switch encoding {
        case .utf8:
            // Not `String(validating:as:)`: unspecialised, it looks up generic metadata on every call.
            return CSVUTF8.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
        case .gb18030:
            if CSVUTF8.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            return gb18030!.decode(bytes)
        case .utf16LE, .utf16BE:
            guard bytes.count & 1 == 0 else { return nil }
            return transcodeUTF16(bytes) == nil ? transcodedText() : nil
        }
    }

    /// The text of `bytes` with invalid sequences replaced by U+FFFD.
    func decodeLeniently(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        switch encoding {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .gb18030:
            if CSVUTF8.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            return gb18030!.decodeLeniently(bytes)
        case .utf16LE, .utf16BE:
            _ = transcodeUTF16(bytes)
            return transcodedText()
        }
    }

    /// The first invalid sequence in `bytes` (which `decode` rejected), as bytes of the file: `0x81 0x20`.
    func invalidBytes(in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let range: Range<Int>
        switch encoding {
        case .utf8:
            range = Self.firstError(in: bytes) ?? bytes.indices
        case .gb18030:
            _ = gb18030!.decode(bytes)
            let offset = gb18030!.failure?.offset ?? 0
            let rest = UnsafeBufferPointer(rebasing: bytes[offset...])
            range = offset..<offset + CSVGB18030.sequenceLength(in: rest)
        case .utf16LE, .utf16BE:
            if let unit = transcodeUTF16(bytes) {
                range = unit * 2..<unit * 2 + 2
            } else {
                range = bytes.count & ~1..<bytes.count  // a lone byte at the end
            }
        }
        return CSVBytes.hex(bytes[range.clamped(to: bytes.indices)])
    }

    /// The bytes of the first invalid UTF-8 sequence, by the standard library's own parser (so it agrees on where).
    private static func firstError(in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error(let length): return offset..<offset + length
            }
        }
    }

    /// Transcodes UTF-16 bytes into `transcoded`, each lone surrogate (and a trailing odd byte) as U+FFFD.
    ///
    /// By hand rather than `String(validating:as:)`, which is unspecialised and ten times slower per field.
    /// - Returns: the index in units of the first lone surrogate, or nil when there is none.
    private func transcodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let unitCount = bytes.count / 2
        let capacity = unitCount * 3 + 3  // a unit becomes at most 3 bytes, a surrogate pair 4
        if transcoded.count < capacity {
            transcoded = [UInt8](repeating: 0, count: max(capacity, 2 * transcoded.count))
        }
        let bigEndian = encoding == .utf16BE
        var firstError: Int?
        let written = transcoded.withUnsafeMutableBufferPointer { output -> Int in
            guard let raw = bytes.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
            @inline(__always) func unit(_ index: Int) -> UInt32 {
                let value = raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)
                return UInt32(bigEndian ? UInt16(bigEndian: value) : UInt16(littleEndian: value))
            }
            var out = 0
            @inline(__always) func put(_ byte: UInt32) {
                output[out] = UInt8(truncatingIfNeeded: byte)
                out += 1
            }
            var index = 0
            while index < unitCount {
                let first = unit(index)
                index += 1
                if first < 0x80 {
                    put(first)
                } else if first < 0x800 {
                    put(0xC0 | first >> 6)
                    put(0x80 | first & 0x3F)
                } else if first & 0xF800 != 0xD800 {
                    put(0xE0 | first >> 12)
                    put(0x80 | first >> 6 & 0x3F)
                    put(0x80 | first & 0x3F)
                } else if first < 0xDC00, index < unitCount, unit(index) & 0xFC00 == 0xDC00 {
                    let scalar = 0x10000 + ((first - 0xD800) << 10 | (unit(index) - 0xDC00))
                    index += 1
                    put(0xF0 | scalar >> 18)
                    put(0x80 | scalar >> 12 & 0x3F)
                    put(0x80 | scalar >> 6 & 0x3F)
                    put(0x80 | scalar & 0x3F)
                } else {
                    if firstError == nil { firstError = index - 1 }
                    put(0xEF)
                    put(0xBF)
                    put(0xBD)
                }
            }
            if bytes.count & 1 == 1 {
                put(0xEF)
                put(0xBF)
                put(0xBD)
            }
            return out
        }
        transcodedCount = written
        return firstError
    }

    private func transcodedText() -> String {
        transcoded.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[..<transcodedCount]), as: UTF8.self)
        }
    }
}

/// UTF-8 checks tuned for CSV fields: mostly ASCII, mostly short.
enum CSVUTF8 {
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// True when no byte is 0x80 or above; eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var any: UInt64 = 0
        while index + 8 <= bytes.count {
            any |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            any |= UInt64(base[index])
            index += 1
        }
        return any & highBits == 0
    }

    /// True when `bytes` is well-formed UTF-8 as the standard library defines it (no overlong forms, surrogates or
    /// values above U+10FFFF), so it agrees with `String(validating:as:)`.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index < count {
            if index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highBits == 0 {
                index += 8
                continue
            }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            @inline(__always) func continuation(_ offset: Int) -> UInt8? {
                guard index + offset < count else { return nil }
                let byte = base[index + offset]
                return byte & 0xC0 == 0x80 ? byte : nil
            }
            switch lead {
            case 0xC2...0xDF:
                guard continuation(1) != nil else { return false }
                index += 2
            case 0xE0...0xEF:
                guard let second = continuation(1), continuation(2) != nil else { return false }
                if lead == 0xE0, second < 0xA0 { return false }  // overlong
                if lead == 0xED, second > 0x9F { return false }  // a surrogate
                index += 3
            case 0xF0...0xF4:
                guard let second = continuation(1), continuation(2) != nil, continuation(3) != nil else { return false }
                if lead == 0xF0, second < 0x90 { return false }  // overlong
                if lead == 0xF4, second > 0x8F { return false }  // above U+10FFFF
                index += 4
            default:
                return false
            }
        }
        return true
    }
}
