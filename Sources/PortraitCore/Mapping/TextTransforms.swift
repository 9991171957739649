/// The plain text steps: `trim`, `lower`, `upper`, `title`, `email`, and text helpers the other steps share.
enum TextTransforms {
    /// Trims whitespace, including the ideographic space (U+3000) and the byte-order mark that spreadsheet
    /// exports leave at the start of a first column.
    static func trimmed(_ text: String) -> String {
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
        case .string(let text): return trimmed(text).isEmpty
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
}
