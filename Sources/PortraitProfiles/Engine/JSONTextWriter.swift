import PortraitCore

/// Writes JSON text member by member, in the order it is called.
///
/// The profile document is written by hand, not built as a `JSONValue` and serialised with sorted keys: it is the
/// largest thing a rebuild writes, a million times, and building and sorting its trees took a quarter of the
/// rebuild. The order of the calls is fixed, so the same profile is always the same text.
struct JSONTextWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open container: whether a member was written (a comma goes before the next).
    private var needsComma: [Bool] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func beginObject(_ key: String? = nil) {
        separator(key)
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    mutating func beginArray(_ key: String? = nil) {
        separator(key)
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    mutating func string(_ value: String, key: String? = nil) {
        separator(key)
        quoted(value)
    }

    mutating func number(_ value: Double, key: String? = nil) {
        separator(key)
        bytes.append(contentsOf: Self.numberText(value).utf8)
    }

    mutating func bool(_ value: Bool, key: String? = nil) {
        separator(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A JSON value with its object keys sorted (a name or an address as a source gave it).
    mutating func json(_ value: JSONValue, key: String? = nil) {
        switch value {
        case .string(let text): string(text, key: key)
        case .object(let object):
            beginObject(key)
            for name in object.keys.sorted() { json(object[name]!, key: name) }
            endObject()
        case .array(let list):
            beginArray(key)
            for item in list { json(item) }
            endArray()
        default:
            separator(key)
            bytes.append(contentsOf: value.canonicalText.utf8)
        }
    }

    mutating func value(_ value: ProfileValue, key: String? = nil) {
        switch value {
        case .number(let number): self.number(number, key: key)
        case .text(let text), .date(let text): string(text, key: key)
        case .bool(let flag): bool(flag, key: key)
        case .list(let list):
            beginArray(key)
            for item in list { string(item) }
            endArray()
        }
    }

    /// Integers without a fraction, others in the shortest form that reads back the same; never NaN or infinity.
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    private mutating func separator(_ key: String?) {
        if let last = needsComma.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
        if let key {
            quoted(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most values need no escape: copy them whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 { escaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
        default: bytes.append(byte)
        }
    }
}
