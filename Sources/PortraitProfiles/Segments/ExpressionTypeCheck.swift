/// A literal as written, before the field it meets decides its type (a string may be text or a date).
enum ExpressionLiteral: Sendable, Hashable {
    case number(Double)
    case string(String)
    case bool(Bool)
}

/// Checks each predicate against the field catalog as soon as the parser has read it, so the first
/// error in the text is the one reported, and turns it into a normalised `ExpressionTest`.
struct ExpressionTypeChecker {
    let catalog: FieldCatalog
    let source: String

    /// The character that separates list elements in storage; a probe containing it could match across elements.
    static let listSeparator: Character = "\u{1F}"

    // MARK: Fields

    func fieldType(of token: ExpressionToken, named name: String) throws(ExpressionError) -> ProfileFieldType {
        if let type = catalog.types[name] { return type }
        throw ExpressionError(
            source: source, offset: token.offset, expected: "a field name", found: token.found,
            sentence: "unknown field '\(name)'; \(hint(forUnknown: name))")
    }

    /// "did you mean 'x'?" when a catalog name is a likely typo, otherwise a short sample of the catalog.
    func hint(forUnknown name: String) -> String {
        let lowered = name.lowercased()
        // Roughly one typo per three or four characters; beyond that a suggestion is more confusing than helpful.
        let limit = lowered.count <= 4 ? 1 : lowered.count <= 8 ? 2 : 3
        var best: (name: String, distance: Int)?
        for candidate in catalog.types.keys {
            let distance = Self.editDistance(lowered, candidate.lowercased())
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        if let best { return "did you mean '\(best.name)'?" }
        let known = catalog.types.keys.sorted()
        if known.isEmpty { return "no fields are available here" }
        let sample = known.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        return known.count > 5 ? "known fields include \(sample) and \(known.count - 5) more" : "known fields are \(sample)"
    }

    // MARK: Predicates

    /// Whether `op` applies to the field's type at all; checked as soon as the operator is read, before its value.
    /// `mirrored` (`literal op field`) only changes the advice given for list fields.
    func checkComparable(
        field: String, type: ProfileFieldType, opToken: ExpressionToken, op: ExpressionComparison, mirrored: Bool
    ) throws(ExpressionError) {
        switch type {
        case .list:
            throw ExpressionError(
                source: source, offset: opToken.offset,
                expected: mirrored ? "'in'" : "'is null' or 'is not null'", found: opToken.found,
                sentence: "'\(field)' is a list field, so \(opToken.found) does not apply; write 'value' in \(field) or \(field) is [not] null")
        case .bool where !op.isEquality:
            throw ExpressionError(
                source: source, offset: opToken.offset, expected: "= or !=", found: opToken.found,
                sentence: "'\(field)' is a bool field, so only = and != apply, found \(opToken.found)")
        default:
            return
        }
    }

    /// `field op literal` (the parser has already mirrored `literal op field` and called `checkComparable`).
    func comparison(
        field: String, type: ProfileFieldType, op: ExpressionComparison,
        literal: ExpressionLiteral, literalToken: ExpressionToken
    ) throws(ExpressionError) -> ExpressionTest {
        .compare(op, try value(of: literal, token: literalToken, field: field, type: type))
    }

    /// Rejects `listField in (...)`: membership in a list field is spelled `'value' in listField`.
    func checkOneOf(field: String, type: ProfileFieldType, inToken: ExpressionToken) throws(ExpressionError) {
        guard type == .list else { return }
        throw ExpressionError(
            source: source, offset: inToken.offset, expected: "'is null' or 'is not null'", found: inToken.found,
            sentence: "'\(field)' is a list field, so 'in (...)' does not apply; write 'value' in \(field) or \(field) is [not] null")
    }

    /// One element of `field in (...)`, converted to the field's type.
    func member(
        of literal: ExpressionLiteral, token: ExpressionToken, field: String, type: ProfileFieldType
    ) throws(ExpressionError) -> ProfileValue {
        try value(of: literal, token: token, field: field, type: type)
    }

    /// `'x' [not] in listField`: the field must be a list and the literal a string that storage can probe for.
    func contains(
        field: String, type: ProfileFieldType, fieldToken: ExpressionToken,
        literal: ExpressionLiteral, literalToken: ExpressionToken, negated: Bool
    ) throws(ExpressionError) -> ExpressionTest {
        guard type == .list else {
            throw ExpressionError(
                source: source, offset: fieldToken.offset, expected: "a list field", found: fieldToken.found,
                sentence: "expected a list field after 'in', found '\(field)', which is \(type.phrase)")
        }
        guard case .string(let element) = literal else {
            throw ExpressionError(
                source: source, offset: literalToken.offset, expected: "a string", found: literalToken.found,
                sentence: "'\(field)' is a list of strings, so expected a string before 'in', found \(literalToken.found)")
        }
        guard !element.contains(Self.listSeparator) else {
            throw ExpressionError(
                source: source, offset: literalToken.offset, expected: "a string without the U+001F character",
                found: literalToken.found,
                sentence: "list values cannot contain the U+001F character, found \(literalToken.found)")
        }
        return .contains(element, negated: negated)
    }

    // MARK: Literals

    private func value(
        of literal: ExpressionLiteral, token: ExpressionToken, field: String, type: ProfileFieldType
    ) throws(ExpressionError) -> ProfileValue {
        switch (type, literal) {
        case (.number, .number(let number)): return .number(number)
        case (.text, .string(let text)): return .text(text)
        case (.bool, .bool(let flag)): return .bool(flag)
        case (.date, .string(let text)):
            guard Self.isCalendarDate(text) else {
                throw ExpressionError(
                    source: source, offset: token.offset, expected: "a valid date 'YYYY-MM-DD'", found: token.found,
                    sentence: "\(token.found) is not a valid calendar date; '\(field)' is a date field, so expected a date as 'YYYY-MM-DD'")
            }
            return .date(text)
        default:
            let expected = switch type {
            case .number: "a number"
            case .text: "a string in quotes"
            case .date: "a date in quotes, like '2024-01-31'"
            case .bool: "true or false"
            case .list: "a string"
            }
            throw ExpressionError(
                source: source, offset: token.offset, expected: expected, found: token.found,
                sentence: "'\(field)' is \(type.phrase), so expected \(expected), found \(token.found)")
        }
    }

    /// Exactly `YYYY-MM-DD` naming a real Gregorian day, so text comparison orders dates correctly.
    static func isCalendarDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return result
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// Levenshtein distance over Characters; catalogs are small, so the quadratic cost is irrelevant.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
