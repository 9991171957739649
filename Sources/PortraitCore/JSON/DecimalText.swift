import Foundation

/// `Decimal.description`, written straight into a byte buffer for the numbers that fit in 64 bits.
///
/// Hand-written for speed: Foundation's `description` divides the 128-bit mantissa by ten digit by digit and
/// took about 1,100 ns per number on the project's machine; this takes a few tens. The text is the same: digits of
/// the mantissa, then `exponent` zeros, or a `.` inside them, or `0.` and leading zeros (tests compare the two on
/// many values). The mantissa is read from `Decimal`'s stored layout, which Foundation does not make public on
/// every platform, so the layout is checked once against known values; if the check fails, or a mantissa needs
/// more than 64 bits, `description` is used.
enum DecimalText {
    /// The stored fields of a `Decimal` whose mantissa fits in a `UInt64`.
    struct Parts: Equatable {
        var isNegative: Bool
        var exponent: Int
        /// Mantissa words in use (0 for zero and NaN).
        var length: Int
        var mantissa: UInt64
    }

    /// Whether `rawParts(of:)` reads this platform's `Decimal` correctly (checked once against known values).
    static let layoutIsKnown: Bool = {
        let samples: [(Decimal, Parts)] = [
            (
                Decimal(sign: .minus, exponent: -3, significand: Decimal(123_456_789 as UInt64)),
                Parts(isNegative: true, exponent: -3, length: 2, mantissa: 123_456_789)
            ),
            (
                Decimal(sign: .plus, exponent: 5, significand: Decimal(7 as UInt64)),
                Parts(isNegative: false, exponent: 5, length: 1, mantissa: 7)
            ),
            (Decimal(UInt64.max), Parts(isNegative: false, exponent: 0, length: 4, mantissa: UInt64.max)),
            (
                Decimal(sign: .plus, exponent: -2, significand: Decimal(0x1_0000_0001 as UInt64)),
                Parts(isNegative: false, exponent: -2, length: 3, mantissa: 0x1_0000_0001)
            ),
            (Decimal.zero, Parts(isNegative: false, exponent: 0, length: 0, mantissa: 0)),
        ]
        for (value, expected) in samples {
            guard let parts = rawParts(of: value), parts == expected else { return false }
        }
        for value in samples.map(\.0) + [Decimal.nan, Decimal(string: "-0.001")!, Decimal(string: "1299.10")!] {
            guard let parts = rawParts(of: value) else { return false }
            var bytes: [UInt8] = []
            appendDigits(of: parts, to: &bytes)
            guard String(decoding: bytes, as: UTF8.self) == value.description else { return false }
        }
        return true
    }()

    /// Calls `body` with `value.description`'s UTF-8, written into stack memory when the fast path applies.
    @inline(__always)
    static func withText<R>(_ value: Decimal, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard layoutIsKnown, let parts = rawParts(of: value) else {
            var text = value.description
            return text.withUTF8(body)
        }
        // Sign, 20 digits, "0." and up to 128 zeros of exponent: 160 bytes always suffice.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 160) { scratch in
            let count = write(parts, into: scratch.baseAddress!)
            return body(UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }

    /// `value.description`, through the fast path when it applies.
    static func text(_ value: Decimal) -> String {
        withText(value) { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads the stored fields: byte 0 the exponent, byte 1 the length (high nibble) and sign (bit 3), bytes 4-19
    /// eight little-endian 16-bit mantissa words. Nil when the mantissa needs more than four words.
    private static func rawParts(of value: Decimal) -> Parts? {
        guard MemoryLayout<Decimal>.size == 20 else { return nil }
        return withUnsafeBytes(of: value) { raw -> Parts? in
            let flags = raw[1]
            let length = Int(flags >> 4)
            guard length <= 4 else { return nil }
            var mantissa: UInt64 = 0
            var word = length
            while word > 0 {
                word -= 1
                let low = UInt64(raw[4 + 2 * word])
                let high = UInt64(raw[5 + 2 * word])
                mantissa = mantissa << 16 | high << 8 | low
            }
            return Parts(
                isNegative: flags & 0b1000 != 0, exponent: Int(Int8(bitPattern: raw[0])), length: length,
                mantissa: mantissa)
        }
    }

    private static func appendDigits(of parts: Parts, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 160) { scratch in
            let count = write(parts, into: scratch.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }

    /// Writes the text of `parts` at `output` (room for 160 bytes); returns its length.
    private static func write(_ parts: Parts, into output: UnsafeMutablePointer<UInt8>) -> Int {
        var length = 0
        func put(_ byte: UInt8) {
            output[length] = byte
            length += 1
        }
        guard parts.length > 0 else {
            if parts.isNegative {
                put(UInt8(ascii: "N"))
                put(UInt8(ascii: "a"))
                put(UInt8(ascii: "N"))
            } else {
                put(UInt8(ascii: "0"))
            }
            return length
        }
        // The digits, least significant first, then read backwards.
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let count = withUnsafeMutableBytes(of: &reversed) { scratch -> Int in
            var n = parts.mantissa
            var i = 0
            repeat {
                scratch[i] = UInt8(truncatingIfNeeded: n % 10) | 0x30
                n /= 10
                i += 1
            } while n > 0
            return i
        }
        withUnsafeBytes(of: &reversed) { digits in
            if parts.isNegative { put(UInt8(ascii: "-")) }
            if parts.exponent >= 0 {
                for i in stride(from: count - 1, through: 0, by: -1) { put(digits[i]) }
                for _ in 0..<parts.exponent { put(UInt8(ascii: "0")) }
                return
            }
            let scale = -parts.exponent
            if scale < count {
                for i in stride(from: count - 1, through: 0, by: -1) {
                    if i == scale - 1 { put(UInt8(ascii: ".")) }
                    put(digits[i])
                }
            } else {
                put(UInt8(ascii: "0"))
                put(UInt8(ascii: "."))
                for _ in 0..<(scale - count) { put(UInt8(ascii: "0")) }
                for i in stride(from: count - 1, through: 0, by: -1) { put(digits[i]) }
            }
        }
        return length
    }
}
