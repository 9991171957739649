import Foundation
import Synchronization

/// A `pattern`, compiled once; a pattern that is not a valid regular expression matches nothing.
///
/// The canonical schemas' patterns are anchored runs of character classes (`^[A-Z]{2}$`, `^\+[1-9][0-9]{6,14}$`).
/// Those are matched byte by byte on printable-ASCII text, where the answer is the one `NSRegularExpression`
/// gives; any other pattern or text goes to `NSRegularExpression`.
struct CompiledPattern: Sendable {
    let source: String
    private let expression: NSRegularExpression?
    private let anchored: AnchoredASCIIPattern?

    init(_ source: String) {
        self.source = source
        expression = RegexCache.shared.expression(for: source)
        anchored = expression == nil ? nil : AnchoredASCIIPattern(source)
    }

    func matches(_ string: String) -> Bool {
        if let anchored, let verdict = anchored.matches(string) { return verdict }
        return matchesWithRegularExpression(string)
    }

    /// The answer of `NSRegularExpression` alone (tests compare it with the fast path).
    func matchesWithRegularExpression(_ string: String) -> Bool {
        guard let expression else { return false }
        let range = NSRange(string.startIndex..., in: string)
        return expression.firstMatch(in: string, range: range) != nil
    }
}

/// `^atom…atom$` where each atom is a literal or a bracket class of ASCII characters and ranges, optionally
/// followed by `*`, `+`, `?`, `{n}`, `{n,}` or `{n,m}`.
struct AnchoredASCIIPattern: Sendable {
    struct Atom: Sendable {
        /// The bytes the atom accepts, as a 128-bit set.
        var low: UInt64 = 0
        var high: UInt64 = 0
        var minimum = 1
        var maximum = 1

        mutating func insert(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }

        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : high & (1 << UInt64(byte - 64)) != 0
        }
    }

    let atoms: [Atom]

    /// Characters that stand for themselves outside and inside brackets, whatever the regex dialect.
    private static func isPlainLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: ","),
            UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: "!"), UInt8(ascii: "~"),
            UInt8(ascii: "'"), UInt8(ascii: ";"):
            return true
        default:
            return false
        }
    }

    /// Punctuation that a backslash turns into a literal.
    private static func isEscapablePunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "\\"), UInt8(ascii: "-"),
            UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    /// `nil` when the pattern uses anything beyond the subset above.
    init?(_ pattern: String) {
        let bytes = Array(pattern.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "^"), bytes.last == UInt8(ascii: "$") else { return nil }
        var atoms: [Atom] = []
        var index = 1
        let end = bytes.count - 1
        while index < end {
            var atom = Atom()
            let byte = bytes[index]
            if byte == UInt8(ascii: "[") {
                guard let next = Self.parseClass(bytes, from: index + 1, end: end, into: &atom) else { return nil }
                index = next
            } else if byte == UInt8(ascii: "\\") {
                guard index + 1 < end, Self.isEscapablePunctuation(bytes[index + 1]) else { return nil }
                atom.insert(bytes[index + 1])
                index += 2
            } else if Self.isPlainLiteral(byte) || byte == UInt8(ascii: "-") {
                atom.insert(byte)
                index += 1
            } else {
                return nil
            }
            guard let next = Self.parseQuantifier(bytes, from: index, end: end, into: &atom) else { return nil }
            index = next
            atoms.append(atom)
        }
        // Backtracking over more than two variable-length atoms can take long; NSRegularExpression it is.
        guard atoms.count(where: { $0.minimum != $0.maximum }) <= 2 else { return nil }
        self.atoms = atoms
    }

    /// Reads a class body after `[`; returns the index after `]`.
    private static func parseClass(_ bytes: [UInt8], from start: Int, end: Int, into atom: inout Atom) -> Int? {
        var index = start
        /// The single character read just before, which a following `-` makes the start of a range.
        var previous: UInt8?
        while index < end, bytes[index] != UInt8(ascii: "]") {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < end, isEscapablePunctuation(bytes[index + 1]) else { return nil }
                atom.insert(bytes[index + 1])
                previous = nil  // `\.-x` is left to NSRegularExpression.
                index += 2
            } else if byte == UInt8(ascii: "-") {
                if index == start || (index + 1 < end && bytes[index + 1] == UInt8(ascii: "]")) {
                    atom.insert(byte)  // First or last in the class: a literal `-`.
                    previous = nil
                    index += 1
                    continue
                }
                guard let low = previous, index + 1 < end, isPlainLiteral(bytes[index + 1]), low <= bytes[index + 1]
                else { return nil }
                for member in low...bytes[index + 1] { atom.insert(member) }
                previous = nil
                index += 2
            } else if isPlainLiteral(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+") {
                atom.insert(byte)
                previous = isPlainLiteral(byte) ? byte : nil
                index += 1
            } else {
                return nil
            }
        }
        guard index < end, index > start else { return nil }  // Unclosed, or `[]`.
        return index + 1
    }

    /// Reads an optional quantifier; returns the index after it.
    private static func parseQuantifier(_ bytes: [UInt8], from start: Int, end: Int, into atom: inout Atom) -> Int? {
        guard start < end else { return start }
        var index = start
        switch bytes[index] {
        case UInt8(ascii: "*"): (atom.minimum, atom.maximum, index) = (0, .max, index + 1)
        case UInt8(ascii: "+"): (atom.minimum, atom.maximum, index) = (1, .max, index + 1)
        case UInt8(ascii: "?"): (atom.minimum, atom.maximum, index) = (0, 1, index + 1)
        case UInt8(ascii: "{"):
            index += 1
            guard let (minimum, afterMinimum) = number(bytes, from: index, end: end) else { return nil }
            index = afterMinimum
            var maximum = minimum
            if index < end, bytes[index] == UInt8(ascii: ",") {
                index += 1
                if let (bound, afterMaximum) = number(bytes, from: index, end: end) {
                    maximum = bound
                    index = afterMaximum
                } else {
                    maximum = .max
                }
            }
            guard index < end, bytes[index] == UInt8(ascii: "}"), minimum <= maximum else { return nil }
            (atom.minimum, atom.maximum, index) = (minimum, maximum, index + 1)
        default:
            return start
        }
        // Lazy (`*?`), possessive (`*+`) and stacked quantifiers are left to NSRegularExpression.
        let quantifierBytes = [UInt8(ascii: "?"), UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "{")]
        if index < end, quantifierBytes.contains(bytes[index]) { return nil }
        return index
    }

    private static func number(_ bytes: [UInt8], from start: Int, end: Int) -> (Int, Int)? {
        var value = 0
        var index = start
        while index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]), index - start < 6 {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return index == start ? nil : (value, index)
    }

    /// Whether the whole of `string` matches; `nil` for text outside printable ASCII (no line terminators, so
    /// `$` can only match at the end, and bytes are characters).
    func matches(_ string: String) -> Bool? {
        var utf8 = string.utf8
        if let verdict = utf8.withContiguousStorageIfAvailable({ matches($0) }) { return verdict }
        var copy = string
        copy.makeContiguousUTF8()
        utf8 = copy.utf8
        return utf8.withContiguousStorageIfAvailable { matches($0) } ?? nil
    }

    private func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte < 0x20 || byte > 0x7E { return nil }
        return match(bytes, at: 0, atom: 0)
    }

    /// Greedy matching with backtracking; the patterns are short and their atoms few.
    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, atom index: Int) -> Bool {
        guard index < atoms.count else { return position == bytes.count }
        let atom = atoms[index]
        var taken = 0
        while taken < atom.maximum, position + taken < bytes.count, atom.contains(bytes[position + taken]) {
            taken += 1
        }
        guard taken >= atom.minimum else { return false }
        if index == atoms.count - 1 { return position + taken == bytes.count }
        while taken >= atom.minimum {
            if match(bytes, at: position + taken, atom: index + 1) { return true }
            taken -= 1
        }
        return false
    }
}

/// Compiled regular expressions, shared because the same patterns appear in many schemas and compiles.
final class RegexCache: Sendable {
    static let shared = RegexCache()
    private let compiled = Mutex<[String: NSRegularExpression?]>([:])

    func expression(for pattern: String) -> NSRegularExpression? {
        compiled.withLock { cache in
            if let hit = cache[pattern] { return hit }
            let made = try? NSRegularExpression(pattern: pattern)
            cache[pattern] = made
            return made
        }
    }
}
