/// String comparators for the pair-scoring hot path, over Unicode scalar values.
///
/// Both take scalars, not `String`s: feature extraction turns each normalised value into scalars once
/// (`String.identityScalars`), and every comparison after that is integer work. When both inputs have at most 64
/// scalars (every name, city and street this engine sees in practice), neither function allocates: matching runs
/// on bit vectors, one bit per scalar of one input. Which positions hold a scalar is found by comparing with each
/// (inputs of up to 8 scalars), from a table indexed by the scalar (ASCII), or from a small hash table, all in
/// stack memory. Longer inputs take the textbook dynamic-programming paths, which may allocate.
///
/// Empty input is never agreement: the similarity of an empty value, even to another empty value, is 0, so a
/// missing field can never look like a match.
public enum StringSimilarity {
    /// Jaro-Winkler similarity in `0...1`: the Jaro similarity raised for a common prefix of up to 4 scalars, by
    /// 0.1 per prefix scalar (Winkler's standard weights, applied without a boost threshold).
    ///
    /// The Jaro match window is `max(a.count, b.count) / 2 - 1`, as in Winkler's reference implementation, so
    /// published values hold: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX 0.813.
    ///
    /// - Returns: 1 for equal non-empty inputs, 0 when either input is empty or nothing matches.
    public static func jaroWinkler(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        if a == b { return 1 }
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in jaroWinkler(a, b) } }
    }

    /// Jaro-Winkler similarity over scalars held elsewhere (a slice of one contiguous feature buffer), with the
    /// same definition as `jaroWinkler(_:_:)` over arrays.
    public static func jaroWinkler(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        let jaro = jaro(a, b)
        guard jaro > 0, jaro < 1 else { return jaro }
        var prefix = 0
        let prefixLimit = min(4, a.count, b.count)
        while prefix < prefixLimit, a[prefix] == b[prefix] { prefix &+= 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// Optimal-string-alignment Damerau-Levenshtein distance: insertions, deletions, substitutions and swaps of two
    /// adjacent scalars each cost 1, and no substring is edited twice (so `CA`→`ABC` is 3, not 2).
    ///
    /// - Parameter limit: the largest distance the caller cares about. The function gives up as soon as the
    ///   distance must exceed it (at once when the lengths differ by more), so a small limit makes far-apart
    ///   inputs cheap.
    /// - Returns: the distance when it is at most `limit`, else `limit + 1`. An empty input is at the other's
    ///   length (capped the same way); equal inputs are at 0.
    public static func damerauLevenshtein(_ a: [UInt32], _ b: [UInt32], limit: Int) -> Int {
        if a == b { return 0 }
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in damerauLevenshtein(a, b, limit: limit) }
        }
    }

    /// Optimal-string-alignment distance over scalars held elsewhere, with the same definition as
    /// `damerauLevenshtein(_:_:limit:)` over arrays.
    public static func damerauLevenshtein(
        _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, limit: Int
    ) -> Int {
        let limit = max(limit, 0)
        // The distance is symmetric; the shorter input becomes the bit-vector pattern.
        let (pattern, text) = a.count <= b.count ? (a, b) : (b, a)
        if text.count - pattern.count > limit { return limit + 1 }
        if pattern.isEmpty { return text.count }
        if pattern.count <= ScannedPositions.maximumCount {
            return osaBitParallel(text: text, limit: limit, positions: ScannedPositions(pattern))
        }
        if pattern.count <= 64 {
            if isASCII(pattern, text) {
                return DirectPositions.with(pattern, lookups: text) {
                    osaBitParallel(text: text, limit: limit, positions: $0)
                }
            }
            return HashedPositions.with(pattern) { osaBitParallel(text: text, limit: limit, positions: $0) }
        }
        return osaDynamicProgramming(pattern, text, limit: limit)
    }

    @inline(__always)
    static func isASCII(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        var union: UInt32 = 0
        for scalar in a { union |= scalar }
        for scalar in b { union |= scalar }
        return union < 0x80
    }
}

// MARK: - Jaro

extension StringSimilarity {
    /// Jaro similarity, 0 for empty input.
    static func jaro(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        if a.count == b.count, a.elementsEqual(b) { return 1 }
        let window = max(max(a.count, b.count) / 2 - 1, 0)
        let found: (matches: Int, transpositions: Int)
        if max(a.count, b.count) <= ScannedPositions.maximumCount {
            found = jaroMatchesScanning(a, b, window: window)
        } else if a.count <= 64, b.count <= 64 {
            if isASCII(a, b) {
                found = DirectPositions.with(b, lookups: a) { jaroMatches(a, b, window: window, positions: $0) }
            } else {
                found = HashedPositions.with(b) { jaroMatches(a, b, window: window, positions: $0) }
            }
        } else {
            found = jaroMatchesLong(a, b, window: window)
        }
        guard found.matches > 0 else { return 0 }
        let m = Double(found.matches)
        return (m / Double(a.count) + m / Double(b.count) + (m - Double(found.transpositions) / 2) / m) / 3
    }

    /// Matches and transpositions (not halved) with bit vectors; both inputs have at most 64 scalars.
    ///
    /// For each scalar of `a`, the candidates in `b` are the positions holding that scalar, inside the window and
    /// not yet matched: one AND of three masks; the lowest candidate is the match Jaro's definition picks.
    @inline(__always)
    private static func jaroMatches(
        _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, window: Int,
        positions: some ScalarPositions
    ) -> (matches: Int, transpositions: Int) {
        var matchedA: UInt64 = 0
        var matchedB: UInt64 = 0
        let lastB = b.count - 1
        for i in 0..<a.count {
            let low = max(0, i &- window)
            let high = min(lastB, i &+ window)
            guard low <= high else { break }  // Later positions of `a` lie further right: no window left in `b`.
            let windowMask = (UInt64.max &>> UInt64(63 &- (high &- low))) &<< UInt64(low)
            let candidates = positions.mask(of: a[i]) & windowMask & ~matchedB
            if candidates != 0 {
                matchedB |= candidates & (0 &- candidates)
                matchedA |= 1 &<< UInt64(i)
            }
        }
        return (matchedA.nonzeroBitCount, transpositions(a, b, matchedA, matchedB))
    }

    /// The same matching for inputs of a few scalars, where looking through the window beats any table.
    @inline(__always)
    private static func jaroMatchesScanning(
        _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, window: Int
    ) -> (matches: Int, transpositions: Int) {
        var matchedA: UInt64 = 0
        var matchedB: UInt64 = 0
        let lastB = b.count - 1
        for i in 0..<a.count {
            let low = max(0, i &- window)
            let high = min(lastB, i &+ window)
            guard low <= high else { break }
            let scalar = a[i]
            var j = low
            while j <= high {
                if b[j] == scalar, matchedB & (1 &<< UInt64(j)) == 0 {
                    matchedB |= 1 &<< UInt64(j)
                    matchedA |= 1 &<< UInt64(i)
                    break
                }
                j &+= 1
            }
        }
        return (matchedA.nonzeroBitCount, transpositions(a, b, matchedA, matchedB))
    }

    /// Matched scalars that differ when both sides are read in order.
    @inline(__always)
    private static func transpositions(
        _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, _ matchedA: UInt64, _ matchedB: UInt64
    ) -> Int {
        var matchedA = matchedA
        var matchedB = matchedB
        var transpositions = 0
        while matchedA != 0 {
            if a[matchedA.trailingZeroBitCount] != b[matchedB.trailingZeroBitCount] { transpositions &+= 1 }
            matchedA &= matchedA &- 1
            matchedB &= matchedB &- 1
        }
        return transpositions
    }

    /// The textbook flag-array algorithm, for inputs longer than 64 scalars.
    private static func jaroMatchesLong(
        _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, window: Int
    ) -> (matches: Int, transpositions: Int) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: a.count + b.count) { flags in
            flags.initialize(repeating: false)
            var matches = 0
            for i in 0..<a.count {
                let low = max(0, i - window)
                let high = min(b.count - 1, i + window)
                guard low <= high else { break }
                for j in low...high where !flags[a.count + j] && a[i] == b[j] {
                    flags[i] = true
                    flags[a.count + j] = true
                    matches += 1
                    break
                }
            }
            var transpositions = 0
            var j = 0
            for i in 0..<a.count where flags[i] {
                while !flags[a.count + j] { j += 1 }
                if a[i] != b[j] { transpositions += 1 }
                j += 1
            }
            return (matches, transpositions)
        }
    }
}

// MARK: - Damerau-Levenshtein (optimal string alignment)

extension StringSimilarity {
    /// Hyyrö's bit-parallel optimal-string-alignment distance (2003), as RapidFuzz implements it: one column of the
    /// edit matrix per scalar of `text`, held as vertical +1/-1 deltas in two words. `positions` describes the
    /// pattern (1...64 scalars, no longer than `text`).
    @inline(__always)
    private static func osaBitParallel(
        text: UnsafeBufferPointer<UInt32>, limit: Int, positions: some ScalarPositions
    ) -> Int {
        var vp = UInt64.max
        var vn: UInt64 = 0
        var d0: UInt64 = 0
        var previousMatches: UInt64 = 0
        var distance = positions.count
        let last: UInt64 = 1 &<< UInt64(positions.count &- 1)
        var remaining = text.count
        for scalar in text {
            let matches = positions.mask(of: scalar)
            let transposition = ((~d0 & matches) &<< 1) & previousMatches
            d0 = (((matches & vp) &+ vp) ^ vp) | matches | vn | transposition
            var hp = vn | ~(d0 | vp)
            var hn = d0 & vp
            if hp & last != 0 { distance &+= 1 } else if hn & last != 0 { distance &-= 1 }
            remaining &-= 1
            // Each remaining column can lower the last row by at most one.
            if distance &- remaining > limit { return limit + 1 }
            hp = (hp &<< 1) | 1
            hn &<<= 1
            vp = hn | ~(d0 | hp)
            vn = hp & d0
            previousMatches = matches
        }
        return distance <= limit ? distance : limit + 1
    }

    /// Three rows of the edit matrix, for patterns longer than 64 scalars; stops once a whole row exceeds the
    /// limit (row minima never decrease, so the final distance would too).
    private static func osaDynamicProgramming(
        _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, limit: Int
    ) -> Int {
        let width = b.count + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) { rows in
            var beforePrevious = rows.baseAddress!
            var previous = beforePrevious + width
            var current = previous + width
            for j in 0..<width { previous[j] = j }
            for i in 1...a.count {
                current[0] = i
                var rowMinimum = i
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        value = min(value, beforePrevious[j - 2] + 1)
                    }
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
                if rowMinimum > limit { return limit + 1 }
                (beforePrevious, previous, current) = (previous, current, beforePrevious)
            }
            let distance = previous[b.count]
            return distance <= limit ? distance : limit + 1
        }
    }
}

// MARK: - Positions of each scalar

/// Where a pattern of 1...64 scalars holds a scalar: bit `i` of `mask(of:)` is set when position `i` does.
///
/// Three ways to answer, picked per call: which is fastest depends on the length. Measured in a release build on
/// random pairs (half of them one typo apart), Jaro-Winkler / OSA with limit 2, ns per call:
///
/// | inputs | scan | direct (ASCII) | hashed |
/// |---|---|---|---|
/// | surnames (~6 scalars) | 50 / 33 | 57 / 34 | 90 / 57 |
/// | full names (~13) | 123 / 107 | 84 / 68 | 94 / 74 |
/// | street lines (~25) | 297 / 236 | 116 / 93 | 136 / 98 |
/// | Han names (2-4) | 18 / 18 | - | 34 / 34 |
protocol ScalarPositions {
    /// The pattern's length.
    var count: Int { get }
    func mask(of scalar: UInt32) -> UInt64
}

/// Compares with every scalar of the pattern: for patterns of up to `maximumCount` scalars (short names, Han
/// names), where setting up any table costs more than the comparisons.
struct ScannedPositions: ScalarPositions {
    static let maximumCount = 8
    let pattern: UnsafeBufferPointer<UInt32>

    init(_ pattern: UnsafeBufferPointer<UInt32>) { self.pattern = pattern }

    var count: Int { pattern.count }

    @inline(__always)
    func mask(of scalar: UInt32) -> UInt64 {
        var mask: UInt64 = 0
        for index in 0..<pattern.count where pattern[index] == scalar { mask |= 1 &<< UInt64(index) }
        return mask
    }
}

/// A table indexed by the scalar, for ASCII inputs: 128 entries (1,024 bytes: the largest size that
/// `withUnsafeTemporaryAllocation` always places on the stack without asking the runtime).
///
/// The table is never cleared whole: only the entries of scalars that will be looked up are zeroed, then the
/// pattern's positions are set, so setting up costs one write per scalar of both inputs.
struct DirectPositions: ScalarPositions {
    private let table: UnsafeMutablePointer<UInt64>
    let count: Int

    /// - Precondition: `pattern` has 1...64 scalars, and both it and `lookups` are ASCII (below 0x80).
    @inline(__always)
    static func with<R>(
        _ pattern: UnsafeBufferPointer<UInt32>, lookups: UnsafeBufferPointer<UInt32>, _ body: (DirectPositions) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { table in
            let table = table.baseAddress!
            for scalar in lookups { table[Int(scalar)] = 0 }
            for scalar in pattern { table[Int(scalar)] = 0 }
            for (position, scalar) in pattern.enumerated() { table[Int(scalar)] |= 1 &<< UInt64(position) }
            return body(DirectPositions(table: table, count: pattern.count))
        }
    }

    @inline(__always)
    func mask(of scalar: UInt32) -> UInt64 { table[Int(scalar)] }
}

/// An open-addressing hash table for any scalars (at most 128 slots: 512 + 1,024 bytes, each below the size that
/// `withUnsafeTemporaryAllocation` always places on the stack).
///
/// A slot is free while its mask is 0 (every stored scalar has at least one bit), so only the masks are cleared.
struct HashedPositions: ScalarPositions {
    private let keys: UnsafeMutablePointer<UInt32>
    private let masks: UnsafeMutablePointer<UInt64>
    private let slotMask: Int
    private let shift: UInt32
    let count: Int

    /// - Precondition: `pattern` has 1...64 scalars.
    @inline(__always)
    static func with<R>(_ pattern: UnsafeBufferPointer<UInt32>, _ body: (HashedPositions) -> R) -> R {
        // A power of two with at least twice as many slots as scalars: short probe sequences.
        let bits = max(3, Int.bitWidth - (2 * pattern.count - 1).leadingZeroBitCount)
        let slots = 1 << bits
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: slots) { keys in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: slots) { masks in
                masks.initialize(repeating: 0)
                let table = HashedPositions(
                    keys: keys.baseAddress!, masks: masks.baseAddress!, slotMask: slots - 1,
                    shift: UInt32(32 - bits), count: pattern.count)
                for (position, scalar) in pattern.enumerated() { table.add(scalar, at: position) }
                return body(table)
            }
        }
    }

    private init(
        keys: UnsafeMutablePointer<UInt32>, masks: UnsafeMutablePointer<UInt64>, slotMask: Int, shift: UInt32,
        count: Int
    ) {
        self.keys = keys
        self.masks = masks
        self.slotMask = slotMask
        self.shift = shift
        self.count = count
    }

    /// Fibonacci hashing: consecutive scalars (letters of one script) land far apart.
    @inline(__always)
    private func slot(_ scalar: UInt32) -> Int { Int((scalar &* 0x9E37_79B1) &>> shift) }

    @inline(__always)
    private func add(_ scalar: UInt32, at position: Int) {
        var slot = slot(scalar)
        while masks[slot] != 0, keys[slot] != scalar { slot = (slot &+ 1) & slotMask }
        keys[slot] = scalar
        masks[slot] |= 1 &<< UInt64(position)
    }

    @inline(__always)
    func mask(of scalar: UInt32) -> UInt64 {
        var slot = slot(scalar)
        while masks[slot] != 0 {
            if keys[slot] == scalar { return masks[slot] }
            slot = (slot &+ 1) & slotMask
        }
        return 0
    }
}

extension String {
    /// The Unicode scalar values of the string, the input `StringSimilarity` compares.
    ///
    /// Scalars, not `Character`s: a comparison then never needs grapheme breaking, and in normalised (NFKC)
    /// identity text nearly every character is one scalar.
    public var identityScalars: [UInt32] {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(utf8.count)
        for scalar in unicodeScalars { scalars.append(scalar.value) }
        return scalars
    }
}
