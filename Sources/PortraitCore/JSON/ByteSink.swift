/// Writes JSON into fixed, uninitialised memory with plain stores (no per-append capacity or uniqueness checks);
/// once the memory is full it only records that it overflowed, and `string(capacity:_:)` writes again into four
/// times the room. `JSONValue.canonicalText`, `CanonicalTemplate` and `SourceColumns` all write through it, so
/// every value is spelled the same way: compact, object keys sorted.
///
/// Hand-written and byte-oriented because it runs twice on every record of every sync (raw and canonical, for
/// the content hash and the store). A string is scanned once and its runs without characters to escape are
/// copied whole; numbers are written by `DecimalText` (Foundation's `Decimal.description` alone cost more than a
/// whole record); object keys are sorted as a buffer of dictionary indices, without copying keys or values out.
/// Measured with `MappingBenchmark` (200,000 CSV receipts): raw 1,295 → 722 ns per record, canonical 3,314 → 1,184.
struct ByteSink {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0
    private(set) var overflowed = false

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// The text `write` puts into a sink, written into temporary memory and copied once into a string of
    /// exactly its size (a string made with spare capacity keeps it: 1 KiB per record text held in a batch);
    /// when it does not fit in `capacity` bytes, it is written again into four times the room.
    static func string(capacity: Int = 1024, _ write: (inout ByteSink) -> Void) -> String {
        var capacity = max(capacity, 64)
        while true {
            let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> String? in
                var sink = ByteSink(buffer)
                write(&sink)
                guard !sink.overflowed else { return nil }
                return uncheckedString(UnsafeBufferPointer(rebasing: buffer[..<sink.count]))
            }
            if let text { return text }
            capacity *= 4
        }
    }

    /// A string of bytes known to be UTF-8, copied without the check `String(decoding:as:)` makes.
    ///
    /// What a sink holds is UTF-8 by construction: ASCII punctuation, escapes and digits, and the UTF-8 of Swift
    /// strings copied whole (a string is never cut: a sink that overflows is written again). The check cost more
    /// than the copy: 450 → 100 ns for a 330-byte record text with two Chinese characters, about 2% of an XML
    /// import, where every record's raw and canonical texts come through here.
    static func uncheckedString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(copying: unsafe UTF8Span(unchecked: unsafe Span(_unsafeElements: bytes)))
    }

    /// `"key":` as the sink writes an object member's key, for writers that know their keys in advance.
    static func memberPrefix(_ key: String) -> [UInt8] {
        Array(JSONValue.string(key).canonicalText.utf8) + [UInt8(ascii: ":")]
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count < capacity {
            base[count] = byte
            count &+= 1
        } else {
            overflowed = true
        }
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard capacity - count >= bytes.count else {
            overflowed = true
            return
        }
        if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
        count &+= bytes.count
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func write(_ value: JSONValue) {
        if overflowed { return }
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .number(let n): DecimalText.withText(n) { append($0) }
        case .string(let s): writeString(s)
        case .array(let a):
            append(UInt8(ascii: "["))
            a.withUnsafeBufferPointer { elements in
                for index in elements.indices {
                    if index > 0 { append(UInt8(ascii: ",")) }
                    write(elements[index])
                }
            }
            append(UInt8(ascii: "]"))
        case .object(let o):
            writeObject(o)
        }
    }

    private mutating func writeObject(_ object: [String: JSONValue]) {
        append(UInt8(ascii: "{"))
        let count = object.count
        if count == 1 {
            let index = object.startIndex
            writeMember(object.keys[index], object.values[index])
        } else if count > 1 {
            withUnsafeTemporaryAllocation(of: Dictionary<String, JSONValue>.Index.self, capacity: count) { order in
                // Insertion sort of the indices by key: objects are small, and nothing is copied out to sort.
                let keys = object.keys
                var filled = 0
                var index = object.startIndex
                while index != object.endIndex {
                    order.initializeElement(at: filled, to: index)
                    var position = filled
                    while position > 0, keys[order[position]] < keys[order[position - 1]] {
                        order.swapAt(position, position - 1)
                        position -= 1
                    }
                    filled += 1
                    index = object.index(after: index)
                }
                let values = object.values
                for position in 0..<count {
                    if position > 0 { append(UInt8(ascii: ",")) }
                    writeMember(keys[order[position]], values[order[position]])
                }
                _ = order.deinitialize()
            }
        }
        append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private mutating func writeMember(_ key: String, _ value: JSONValue) {
        writeString(key)
        append(UInt8(ascii: ":"))
        write(value)
    }

    mutating func writeString(_ s: String) {
        append(UInt8(ascii: "\""))
        if s.utf8.withContiguousStorageIfAvailable({ writeEscaped($0) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { writeEscaped($0) }  // Bridged strings: rare.
        }
        append(UInt8(ascii: "\""))
    }

    private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            // Multi-byte UTF-8 sequences (bytes >= 0x80) pass through whole, as part of a run.
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                i &+= 1
                continue
            }
            if runStart < i { append(UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            default:
                append("\\u00")
                append(Self.hexDigit(byte >> 4))
                append(Self.hexDigit(byte & 0x0F))
            }
            i &+= 1
            runStart = i
        }
        if runStart < utf8.count { append(UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
