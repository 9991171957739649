#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import PortraitCore

/// UTF-8 text to GB18030 through the C library's iconv, as Chinese POS software writes its exports.
///
/// GB18030 covers all of Unicode, so every name the world holds (Han, Latin with accents) has an encoding; a
/// failure means the system's iconv lacks the converter, which is said with the fix.
final class GB18030Encoder {
    private let converter: iconv_t

    init() throws {
        let converter = iconv_open("GB18030", "UTF-8")
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw PortraitError.io(
                "this system's iconv cannot write GB18030; install the C library's gconv modules (glibc: libc-bin)")
        }
        self.converter = converter
    }

    deinit {
        iconv_close(converter)
    }

    /// Appends `text` in GB18030 to `output`.
    func encode(_ text: String, into output: inout [UInt8], file: URL) throws {
        var input = Array(text.utf8)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: input.count * 2 + 16))
        let written: Int? = input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                var inPointer = inBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBytes.count
                var outPointer = outBytes.baseAddress.map { ($0 + start).assumingMemoryBound(to: CChar.self) }
                var outLeft = outBytes.count - start
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
                return outBytes.count - start - outLeft
            }
        }
        guard let written else {
            throw PortraitError.io("\(file.path): iconv could not encode a line as GB18030 (errno \(errno))")
        }
        output.removeLast(output.count - start - written)
    }
}
