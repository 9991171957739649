/// A new connector kind's name in its two spellings: the Swift type prefix (`FooBar`) and the config kind (`foo_bar`).
public struct ConnectorName: Sendable, Hashable, CustomStringConvertible {
    /// UpperCamelCase, as given: `FooBar`. The connector type is `FooBarConnector`.
    public let typeName: String
    /// snake_case, as operators write it in `portrait.yml`: `foo_bar`.
    public let kind: String

    /// Names a Swift type cannot take or that would read badly once `Connector` is appended.
    static let reserved: Set<String> = ["Any", "Self", "Type", "Protocol", "Built", "BuiltIn"]

    /// Validates `name` and derives the kind.
    ///
    /// - Throws: `ScaffoldError` when `name` is not UpperCamelCase ASCII (`CrmExport`, `XMLFeed`, `Survey2`), ends
    ///   in `Connector`, or is longer than 40 characters.
    public init(_ name: String) throws {
        let trimmed = name.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw ScaffoldError("--name is empty; give the new kind's name in UpperCamelCase, for example --name CrmExport")
        }
        guard let first = trimmed.unicodeScalars.first, ("A"..."Z").contains(first) else {
            throw ScaffoldError(
                "'\(trimmed)' must start with an upper-case letter (UpperCamelCase, for example \(Self.suggestion(for: trimmed)))"
            )
        }
        guard trimmed.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else {
            throw ScaffoldError(
                "'\(trimmed)' may contain only ASCII letters and digits (UpperCamelCase, for example \(Self.suggestion(for: trimmed)))"
            )
        }
        guard trimmed.count <= 40 else {
            throw ScaffoldError("'\(trimmed)' is longer than 40 characters; choose a shorter name")
        }
        if trimmed.hasSuffix("Connector") {
            let stem = String(trimmed.dropLast("Connector".count))
            throw ScaffoldError(
                "'\(trimmed)' ends in 'Connector', which the scaffold appends itself; use --name \(stem.isEmpty ? "Foo" : stem)"
            )
        }
        guard !Self.reserved.contains(trimmed) else {
            throw ScaffoldError("'\(trimmed)' is reserved; choose a name that says what the source is")
        }
        typeName = trimmed
        kind = Self.snakeCase(trimmed)
    }

    public var description: String { typeName }

    /// `FooBar` → `foo_bar`, `XMLFeed` → `xml_feed`, `Survey2Export` → `survey2_export`, `ABC` → `abc`.
    ///
    /// A word starts at an upper-case letter that follows a lower-case letter or digit, or that starts a
    /// lower-case run after an acronym.
    public static func snakeCase(_ name: String) -> String {
        let characters = Array(name)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let afterLowerOrDigit = previous.isLowercase || previous.isNumber
                let endsAcronym = previous.isUppercase && (next?.isLowercase ?? false)
                if afterLowerOrDigit || endsAcronym { result.append("_") }
            }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }

    /// A best guess at what the user meant, for error messages (`foo_bar` → `FooBar`).
    static func suggestion(for name: String) -> String {
        let words = name.split { !($0.isLetter || $0.isNumber) || !$0.isASCII }
        let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        guard let first = joined.first, first.isLetter else { return "CrmExport" }
        return joined
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
