#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Converts bytes between encodings with the C library's iconv: the tests decode GB18030 with it, independently
/// of the generator's encoder.
enum Iconv {
    static func convert(_ bytes: [UInt8], from source: String, to target: String) throws -> [UInt8] {
        let converter = iconv_open(target, source)
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw WorldTestError("iconv cannot convert \(source) to \(target)")
        }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        let outputCount = output.count
        let left: Int? = input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                var inPointer = inBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBytes.count
                var outPointer = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBytes.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
                return outLeft
            }
        }
        guard let left else { throw WorldTestError("the bytes are not valid \(source)") }
        return Array(output[0..<(outputCount - left)])
    }
}
