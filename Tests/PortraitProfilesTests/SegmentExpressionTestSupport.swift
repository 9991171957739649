import PortraitProfiles

/// The catalog every test parses against: one or more fields of each type, plus a dotted trait name.
let segmentCatalog = FieldCatalog([
    "recency_days": .number, "total_spend": .number, "total": .number, "traits.total_spend": .number,
    "tier": .text, "nps_class": .text, "city": .text, "channel": .text, "email": .text,
    "email_opt_in": .bool, "vip": .bool,
    "birth_date": .date, "last_order": .date,
    "interests": .list, "categories": .list,
])

func parseSegment(_ text: String) throws(ExpressionError) -> SegmentExpression {
    try SegmentExpression.parse(text, fields: segmentCatalog)
}

func segmentError(_ text: String) -> ExpressionError? {
    do {
        _ = try SegmentExpression.parse(text, fields: segmentCatalog)
        return nil
    } catch {
        return error
    }
}

extension SegmentExpression {
    func matches(_ row: [String: ProfileValue]) -> Bool {
        matches { row[$0] }
    }

    /// The compiled form over slots in sorted-name order, for agreement checks.
    func compiledMatches(_ row: [String: ProfileValue]) -> Bool {
        let names = segmentCatalog.types.keys.sorted()
        let slots = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return compile(slots: slots).matches(names.map { row[$0] })
    }
}

/// Deterministic generator so a failing random case is reproducible from its seed.
struct SegmentRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random expression text in varied but valid spellings, and random rows to evaluate it on.
/// Value pools are small so comparisons often hit equality and boundaries.
struct ExpressionFuzzer {
    var rng: SegmentRNG

    static let numbers: [Double] = [-1.5, 0, 1, 2, 30, 1000, 0.1, 1e20]
    static let texts = ["a", "b", "B", "vip", "上海", "Beijing", "o'brien", "", "é", "e\u{301}", "back\\slash", "say \"hi\"", "sport"]
    static let dates = ["1989-12-31", "1990-01-01", "2024-02-29", "2026-01-15"]
    static let elements = ["sports", "shoes", "a", "", "sport", "Sports"]
    static let fields = segmentCatalog.types.keys.sorted()

    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func keyword(_ word: String) -> String {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: word
        case 1: word.uppercased()
        default: word.prefix(1).uppercased() + word.dropFirst()
        }
    }

    mutating func space() -> String { pick([" ", " ", "  ", "\t", "\n "]) }

    mutating func numberLiteral() -> String {
        let number = pick(Self.numbers)
        if number == 1000, chance(50) { return "1e3" }
        if number == 1e20 { return pick(["1e20", "1E+20", "100000000000000000000"]) }
        return chance(50) ? "\(number)" : (number == number.rounded() ? String(Int(number)) : "\(number)")
    }

    mutating func stringLiteral(_ text: String) -> String {
        let quote: Character = chance(50) ? "'" : "\""
        var result = String(quote)
        for character in text {
            if character == quote || character == "\\" || (character == "'" && chance(30)) { result.append("\\") }
            result.append(character)
        }
        result.append(quote)
        return result
    }

    mutating func op() -> String { pick(["=", "==", "!=", "<>", "<", "<=", ">", ">="]) }

    mutating func literal(for type: ProfileFieldType) -> String {
        switch type {
        case .number: numberLiteral()
        case .text: stringLiteral(pick(Self.texts))
        case .date: stringLiteral(pick(Self.dates))
        case .bool: keyword(chance(50) ? "true" : "false")
        case .list: stringLiteral(pick(Self.elements))
        }
    }

    mutating func predicate() -> String {
        let field = pick(Self.fields)
        let type = segmentCatalog.types[field]!
        let not = keyword("not")
        if chance(10) { return "\(field)\(space())\(keyword("is"))\(chance(50) ? " \(not)" : "") \(keyword("null"))" }
        switch type {
        case .list:
            return "\(literal(for: .list)) \(chance(30) ? "\(not) " : "")\(keyword("in")) \(field)"
        case .bool:
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return field
            case 1: return "\(field) \(pick(["=", "==", "!=", "<>"])) \(literal(for: .bool))"
            case 2: return "\(literal(for: .bool)) \(pick(["=", "!="])) \(field)"
            default: return "\(field) \(chance(30) ? "\(not) " : "")\(keyword("in")) (\(literal(for: .bool)))"
            }
        default:
            switch Int.random(in: 0..<4, using: &rng) {
            case 0, 1: return "\(field)\(space())\(op())\(space())\(literal(for: type))"
            case 2: return "\(literal(for: type)) \(op()) \(field)"
            default:
                let values = (0..<Int.random(in: 1...3, using: &rng)).map { _ in literal(for: type) }
                return "\(field) \(chance(30) ? "\(not) " : "")\(keyword("in")) (\(values.joined(separator: ", ")))"
            }
        }
    }

    mutating func expression(depth: Int = 0) -> String {
        guard depth < 4, chance(70) else { return predicate() }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return "\(keyword("not")) \(expression(depth: depth + 1))"
        case 1: return "(\(expression(depth: depth + 1)))"
        case 2: return "\(expression(depth: depth + 1)) \(keyword("or")) \(expression(depth: depth + 1))"
        default: return "\(expression(depth: depth + 1))\(space())\(keyword("and"))\(space())\(expression(depth: depth + 1))"
        }
    }

    mutating func value(for type: ProfileFieldType) -> ProfileValue? {
        if chance(20) { return nil }
        switch type {
        case .number: return .number(pick(Self.numbers))
        case .text: return .text(pick(Self.texts))
        case .date: return .date(pick(Self.dates))
        case .bool: return .bool(chance(50))
        case .list:
            let count = Int.random(in: 0...3, using: &rng)
            return .list((0..<count).map { _ in pick(Self.elements) })
        }
    }

    mutating func row() -> [String: ProfileValue] {
        var row: [String: ProfileValue] = [:]
        for field in Self.fields {
            row[field] = value(for: segmentCatalog.types[field]!)
        }
        return row
    }
}
