/// In-memory evaluation with the same two-valued logic as the compiled SQL: every predicate is false on an
/// absent value (even `!=` and `not in`), `is null` is true exactly when absent, and `not`/`and`/`or` are
/// ordinary booleans over those results. Values of a kind the field wasn't declared with never match.
extension ExpressionTree {
    func evaluate(_ read: (Field) -> ProfileValue?) -> Bool {
        switch self {
        case .predicate(let field, let test):
            return test.evaluate(read(field))
        case .not(let child):
            return !child.evaluate(read)
        case .and(let children):
            for child in children where !child.evaluate(read) { return false }
            return true
        case .or(let children):
            for child in children where child.evaluate(read) { return true }
            return false
        }
    }
}

extension ExpressionTree where Field == Int {
    /// The slot-reading twin of `evaluate(_:)`: passing `values[slot]` straight through borrows it
    /// instead of copying it out of a closure, which is what the hot per-row path wants.
    func evaluate(_ values: UnsafeBufferPointer<ProfileValue?>) -> Bool {
        switch self {
        case .predicate(let slot, let test):
            return slot >= 0 && slot < values.count ? test.evaluate(values[slot]) : test.evaluate(nil)
        case .not(let child):
            return !child.evaluate(values)
        case .and(let children):
            for child in children where !child.evaluate(values) { return false }
            return true
        case .or(let children):
            for child in children where child.evaluate(values) { return true }
            return false
        }
    }
}

extension ExpressionTest {
    func evaluate(_ value: ProfileValue?) -> Bool {
        switch self {
        case .isNull(let negated):
            let absent = value.map(\.isNullLike) ?? true
            return absent != negated
        case .isTrue:
            if case .bool(true)? = value { return true }
            return false
        case .compare(let op, let literal):
            guard let value, let order = Self.order(value, literal) else { return false }
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            }
        case .oneOf(let candidates, let negated):
            guard let value, Self.order(value, candidates[0]) != nil else { return false }
            let found = candidates.contains { Self.order(value, $0) == 0 }
            return found != negated
        case .contains(let element, let negated):
            guard case .list(let items)? = value, !items.isEmpty else { return false }
            let found = items.contains { Self.bytesEqual($0, element) }
            return found != negated
        }
    }

    /// Three-way comparison as SQLite does it: numbers numerically, text and dates by UTF-8 bytes (BINARY
    /// collation), bools as 0/1. nil when the kinds don't meet (or NaN, which SQLite stores as NULL).
    static func order(_ value: ProfileValue, _ literal: ProfileValue) -> Int? {
        switch (value, literal) {
        case (.number(let a), .number(let b)):
            return a < b ? -1 : a == b ? 0 : a > b ? 1 : nil
        case (.bool(let a), .bool(let b)):
            return a == b ? 0 : a ? 1 : -1
        default:
            guard let a = value.textual, let b = literal.textual else { return nil }
            return compareBytes(a, b)
        }
    }

    /// Byte-wise equality; Swift's `==` on String uses canonical equivalence, which SQLite doesn't.
    static func bytesEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && compareBytes(a, b) == 0
    }

    /// Lexicographic comparison of UTF-8 bytes, shorter prefix first: SQLite's BINARY collation.
    static func compareBytes(_ a: String, _ b: String) -> Int {
        // Native and small strings expose contiguous UTF-8; bridged ones fall back to iteration.
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in compareBytes(left, right) }
        }
        if let fast, let fast { return fast }
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?) where x != y: return x < y ? -1 : 1
            default: continue
            }
        }
    }

    static func compareBytes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let shared = min(left.count, right.count)
        var index = 0
        while index < shared {
            if left[index] != right[index] { return left[index] < right[index] ? -1 : 1 }
            index += 1
        }
        return left.count == right.count ? 0 : left.count < right.count ? -1 : 1
    }
}
