/// A profile's field values packed into bytes, for the time between computing a profile and scoring it: a rebuild
/// holds every profile until the RFM quintiles are known, and a million `[ProfileValue?]` arrays of some fifty
/// slots each would cost four times the memory.
public struct PackedValues: Sendable {
    private var bytes: [UInt8] = []

    public init(_ values: [ProfileValue?]) {
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            switch value {
            case nil: bytes.append(0)
            case .number(let number)?:
                bytes.append(1)
                withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            case .text(let text)?:
                bytes.append(2)
                append(text)
            case .date(let text)?:
                bytes.append(3)
                append(text)
            case .bool(let flag)?: bytes.append(flag ? 4 : 5)
            case .list(let list)?:
                bytes.append(6)
                appendLength(list.count)
                for item in list { append(item) }
            }
        }
    }

    private mutating func appendLength(_ count: Int) {
        withUnsafeBytes(of: UInt32(count).littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ text: String) {
        let utf8 = text.utf8
        appendLength(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// The values again, `count` slots.
    public func unpacked(count: Int) -> [ProfileValue?] {
        var values: [ProfileValue?] = []
        values.reserveCapacity(count)
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            func integer(_ width: Int) -> UInt64 {
                var value: UInt64 = 0
                for offset in 0..<width { value |= UInt64(buffer[index + offset]) << (8 * offset) }
                index += width
                return value
            }
            func length() -> Int { Int(integer(4)) }
            func text() -> String {
                let count = length()
                defer { index += count }
                return String(decoding: buffer[index..<(index + count)], as: UTF8.self)
            }
            while index < buffer.count {
                let tag = buffer[index]
                index += 1
                switch tag {
                case 1:
                    values.append(.number(Double(bitPattern: integer(8))))
                case 2: values.append(.text(text()))
                case 3: values.append(.date(text()))
                case 4: values.append(.bool(true))
                case 5: values.append(.bool(false))
                case 6:
                    let count = length()
                    var list: [String] = []
                    list.reserveCapacity(count)
                    for _ in 0..<count { list.append(text()) }
                    values.append(.list(list))
                default: values.append(nil)
                }
            }
        }
        while values.count < count { values.append(nil) }
        return values
    }
}
