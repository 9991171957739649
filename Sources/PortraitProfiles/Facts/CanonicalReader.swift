import Foundation
public import PortraitCore

/// Reads the fields the profile engine needs straight from a canonical record's JSON bytes.
///
/// Written for the engine rather than parsing into `JSONValue`: a rebuild reads every record of the store, and
/// building a tree of dictionaries per record (hashing every key to insert it, again to look it up, then freeing it
/// all) was about a third of the rebuild. The input is the store's canonical text, valid JSON written by Portrait;
/// anything else makes the read fail (`nil`), and the record is counted as unreadable.
struct CanonicalReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    struct Malformed: Error {}

    // MARK: Structure

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { throw Malformed() }
        index += 1
    }

    /// The next non-space byte, not consumed.
    mutating func peek() throws(Malformed) -> UInt8 {
        skipSpace()
        guard index < bytes.count else { throw Malformed() }
        return bytes[index]
    }

    /// Calls `body` with each member's key (raw bytes, escapes not expected in keys) with the reader at its value;
    /// `body` must consume the value (read it or `skip()`).
    mutating func members(_ body: (inout CanonicalReader, UnsafeBufferPointer<UInt8>) throws(Malformed) -> Void) throws(Malformed) {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            try expect(UInt8(ascii: "\""))
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                index += 1
            }
            guard index < bytes.count else { throw Malformed() }
            let key = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw Malformed()
            }
        }
    }

    /// Calls `body` with the reader at each element; `body` must consume it.
    mutating func elements(_ body: (inout CanonicalReader) throws(Malformed) -> Void) throws(Malformed) {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try body(&self)
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw Malformed()
            }
        }
    }

    /// Skips one value of any kind.
    mutating func skip() throws(Malformed) {
        switch try peek() {
        case UInt8(ascii: "{"): try members { reader, _ throws(Malformed) in try reader.skip() }
        case UInt8(ascii: "["): try elements { reader throws(Malformed) in try reader.skip() }
        case UInt8(ascii: "\""): _ = try stringBytes()
        default:
            while index < bytes.count, !Self.ends(bytes[index]) { index += 1 }
        }
    }

    private static func ends(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20
            || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    // MARK: Values

    /// The raw bytes of a string without escapes, or nil when it has escapes (then `string()` decodes them).
    private mutating func stringBytes() throws(Malformed) -> (start: Int, end: Int, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = index
        var escaped = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") {
                escaped = true
                index += 1
            }
            index += 1
        }
        guard index < bytes.count else { throw Malformed() }
        index += 1
        return (start, index - 1, escaped)
    }

    /// A string value; nil for `null`. Any other kind of value is skipped and read as nil.
    mutating func string() throws(Malformed) -> String? {
        guard try peek() == UInt8(ascii: "\"") else {
            try skip()
            return nil
        }
        let (start, end, escaped) = try stringBytes()
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        // Rare in canonical text: let the full parser decode the escapes.
        var quoted = [UInt8(ascii: "\"")]
        quoted.append(contentsOf: raw)
        quoted.append(UInt8(ascii: "\""))
        return (try? JSONValue(parsing: quoted))?.stringValue
    }

    /// A number value; nil for anything else (skipped).
    mutating func number() throws(Malformed) -> Double? {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            try skip()
            return nil
        }
        let start = index
        while index < bytes.count, !Self.ends(bytes[index]) { index += 1 }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    /// `true` or `false`; nil for anything else (skipped).
    mutating func bool() throws(Malformed) -> Bool? {
        switch try peek() {
        case UInt8(ascii: "t"):
            index += 4
            return true
        case UInt8(ascii: "f"):
            index += 5
            return false
        default:
            try skip()
            return nil
        }
    }

    /// An array of strings (other elements skipped).
    mutating func strings() throws(Malformed) -> [String] {
        guard try peek() == UInt8(ascii: "[") else {
            try skip()
            return []
        }
        var list: [String] = []
        try elements { reader throws(Malformed) in if let text = try reader.string() { list.append(text) } }
        return list
    }

    /// An object of string members as a `JSONValue` (an address, kept whole by the golden record).
    mutating func stringObject() throws(Malformed) -> JSONValue? {
        guard try peek() == UInt8(ascii: "{") else {
            try skip()
            return nil
        }
        var object: [String: JSONValue] = [:]
        try members { reader, key throws(Malformed) in
            let name = String(decoding: key, as: UTF8.self)
            if let text = try reader.string() { object[name] = .string(text) }
        }
        return .object(object)
    }
}

/// Key comparison without making a String.
extension UnsafeBufferPointer where Element == UInt8 {
    func equals(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        guard let base = baseAddress else { return count == 0 }
        return memcmp(base, text.utf8Start, count) == 0
    }
}
