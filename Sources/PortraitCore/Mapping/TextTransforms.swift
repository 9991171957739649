/// The plain text steps: `trim`, `lower`, `upper`, `title`, `email`, and text helpers the other steps share.
package enum TextTransforms {
    /// Trims whitespace, including the ideographic space (U+3000) and the byte-order mark that spreadsheet
    /// exports leave at the start of a first column. Connectors trim ids with it too, so an id means the same
    /// whether the connector or a mapping's `source_id` reads it.
    package static func trimmed(_ text: String) -> String {
        if !needsTrimming(text) { return text }
        let isPadding: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard let start = text.firstIndex(where: { !isPadding($0) }),
            let end = text.lastIndex(where: { !isPadding($0) })
        else { return "" }
        return String(text[start...end])
    }

    /// True when the value carries nothing: null, or a string that is empty after trimming.
    ///
    /// The mapping treats these as absent so an empty CSV cell never becomes an empty identifier or a schema
    /// violation.
    static func isBlank(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let text):
            // A first character that is not padding makes the trimmed text non-empty; no copy needed to know.
            guard let first = text.unicodeScalars.first else { return true }
            if !isPaddingStart(first) { return false }
            return trimmed(text).isEmpty
        default: return false
        }
    }

    /// Whether `trimmed` could change `text`; false is certain, true means "look at the characters".
    ///
    /// Hand-written because `Character.isWhitespace` (a grapheme break plus a Unicode property look-up at each
    /// end) was 12% of mapping a CSV receipt in a perf profile (about 3,000 ns per record over its calls). A
    /// character's whitespace-ness is its first scalar's, so the start is decided by the first scalar. The last
    /// character is not padding when the last scalar is one that cannot extend an earlier one into the same character
    /// (ASCII, Latin letters, CJK ideographs, Hangul syllables) and is not padding itself.
    @inline(__always)
    static func needsTrimming(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return false }
        return isPaddingStart(first) || !isSafeEnd(last)
    }

    /// The first scalar of a character `trimmed` removes (for text starting with `scalar`).
    @inline(__always)
    private static func isPaddingStart(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        return value == 0xFEFF || scalar.properties.isWhitespace
    }

    /// A last scalar that ends a character which is not padding.
    @inline(__always)
    private static func isSafeEnd(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x7E: return true  // Printable ASCII, not space.
        case 0xC0...0x24F: return true  // Latin-1 and Latin Extended letters (combining marks start at 0x300).
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3: return true  // CJK ideographs, Hangul syllables.
        default: return false
        }
    }

    /// Upper-cases the first letter of each word and lower-cases the rest; words break at spaces and hyphens
    /// (`mary-ann o'neil` → `Mary-Ann O'neil`): apostrophes are not breaks, so `don't` stays `Don't`.
    static func titleCased(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for character in text {
            if character.isWhitespace || character == "-" {
                result.append(character)
                atWordStart = true
            } else if atWordStart {
                result += character.uppercased()
                atWordStart = false
            } else {
                result += character.lowercased()
            }
        }
        return result
    }

    /// Full-width digits and signs (`１３８`, `＋`, `－`) as their ASCII forms: Chinese input methods produce them.
    static func asciiDigits(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }  // Nothing to replace, nothing to copy.
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: result.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF0B: result.unicodeScalars.append("+")
            case 0xFF0D, 0x2212: result.unicodeScalars.append("-")
            case 0xFF08: result.unicodeScalars.append("(")
            case 0xFF09: result.unicodeScalars.append(")")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isASCIIDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    /// Calls `body` with the text's UTF-8 bytes when they are all ASCII, else returns nil: the byte-level fast
    /// paths of the transforms, which keep the `Character`-based code for everything else.
    @inline(__always)
    static func withASCII<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte >= 0x80 { return nil }
            return body(bytes)
        }
    }
}
