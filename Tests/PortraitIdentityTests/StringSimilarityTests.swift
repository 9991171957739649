// The engine's own seeded generator (SplitMix64), so a failing random case fails the same way on the next run.
@testable import PortraitIdentity
import Testing

struct StringSimilarityTests {
    /// Winkler's published examples (1990), to three decimals.
    @Test(arguments: [
        ("MARTHA", "MARHTA", 0.961),
        ("DWAYNE", "DUANE", 0.840),
        ("DIXON", "DICKSONX", 0.813),
        ("JELLYFISH", "SMELLYFISH", 0.896),
    ])
    func jaroWinklerMatchesPublishedValues(a: String, b: String, expected: Double) {
        let similarity = StringSimilarity.jaroWinkler(a.identityScalars, b.identityScalars)
        #expect(abs(similarity - expected) < 0.0005, "\(a)/\(b): \(similarity)")
        #expect(StringSimilarity.jaroWinkler(b.identityScalars, a.identityScalars) == similarity)
    }

    @Test func emptinessIsNeverAgreement() {
        #expect(StringSimilarity.jaroWinkler([], []) == 0)
        #expect(StringSimilarity.jaroWinkler([], "abc".identityScalars) == 0)
        #expect(StringSimilarity.jaroWinkler("abc".identityScalars, []) == 0)
        #expect(StringSimilarity.jaroWinkler("abc".identityScalars, "abc".identityScalars) == 1)
        #expect(StringSimilarity.jaroWinkler("abc".identityScalars, "xyz".identityScalars) == 0)
        #expect(StringSimilarity.jaroWinkler("张伟".identityScalars, "张伟".identityScalars) == 1)
    }

    @Test(arguments: [
        ("kitten", "sitting", 3),
        ("martha", "marhta", 1),
        ("ca", "abc", 3),  // Optimal string alignment: no edit of an already swapped pair.
        ("abcdef", "badcfe", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("", "", 0),
        ("smith", "smith", 0),
        ("smith", "smyth", 1),
        ("张伟", "张玮", 1),
        ("张伟", "伟张", 1),
        ("19900312", "19900321", 1),
    ])
    func damerauLevenshteinDistances(a: String, b: String, expected: Int) {
        #expect(StringSimilarity.damerauLevenshtein(a.identityScalars, b.identityScalars, limit: 10) == expected)
        #expect(StringSimilarity.damerauLevenshtein(b.identityScalars, a.identityScalars, limit: 10) == expected)
    }

    @Test func damerauLevenshteinStopsAtTheLimit() {
        let kitten = "kitten".identityScalars
        let sitting = "sitting".identityScalars
        #expect(StringSimilarity.damerauLevenshtein(kitten, sitting, limit: 3) == 3)
        #expect(StringSimilarity.damerauLevenshtein(kitten, sitting, limit: 2) == 3)
        #expect(StringSimilarity.damerauLevenshtein(kitten, sitting, limit: 0) == 1)
        #expect(StringSimilarity.damerauLevenshtein(kitten, kitten, limit: 0) == 0)
        // Lengths 1 and 9: more than the limit apart whatever the scalars.
        #expect(StringSimilarity.damerauLevenshtein("a".identityScalars, "abcdefghi".identityScalars, limit: 2) == 3)
        // Empty input: the other's length, capped like any other distance.
        #expect(StringSimilarity.damerauLevenshtein([], "abc".identityScalars, limit: 5) == 3)
        #expect(StringSimilarity.damerauLevenshtein([], "abc".identityScalars, limit: 1) == 2)
        #expect(StringSimilarity.damerauLevenshtein("abc".identityScalars, [], limit: -4) == 1)
    }

    @Test func bufferOverloadsAgreeWithArrays() {
        let buffer: [UInt32] = "xmarthaymarhtaz".identityScalars
        buffer.withUnsafeBufferPointer { all in
            let martha = UnsafeBufferPointer(rebasing: all[1..<7])
            let marhta = UnsafeBufferPointer(rebasing: all[8..<14])
            #expect(
                StringSimilarity.jaroWinkler(martha, marhta)
                    == StringSimilarity.jaroWinkler("martha".identityScalars, "marhta".identityScalars))
            #expect(StringSimilarity.damerauLevenshtein(martha, marhta, limit: 3) == 1)
        }
    }

    /// Random strings against textbook implementations: small alphabets (many matches and swaps), Han and
    /// astral scalars, arbitrary 32-bit values (hash collisions in the position table), and lengths around the
    /// 64-scalar boundary of the bit-vector paths.
    @Test(arguments: [
        ("ab", 0...12), ("abcd", 0...20), ("张王伟李", 0...10), ("abcdefghijklmnopqrstuvwxyz", 0...30),
        ("ab", 55...80), ("abcde", 0...140),
    ])
    func agreesWithReferenceImplementations(alphabet: String, lengths: ClosedRange<Int>) {
        var random = SplitMix64(seed: 0x5EED_0000 + UInt64(alphabet.unicodeScalars.count * 1000 + lengths.upperBound))
        let letters = alphabet.identityScalars
        for _ in 0..<3000 {
            let a = (0..<Int.random(in: lengths, using: &random)).map { _ in letters.randomElement(using: &random)! }
            var b = (0..<Int.random(in: lengths, using: &random)).map { _ in letters.randomElement(using: &random)! }
            if Bool.random(using: &random), !a.isEmpty {
                b = a  // A near copy: a few edits of `a`, the interesting region for both measures.
                for _ in 0..<Int.random(in: 0...3, using: &random) where !b.isEmpty {
                    let i = Int.random(in: 0..<b.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: b.remove(at: i)
                    case 1: b.insert(letters.randomElement(using: &random)!, at: i)
                    case 2: b[i] = letters.randomElement(using: &random)!
                    default: if i + 1 < b.count { b.swapAt(i, i + 1) }
                    }
                }
            }
            let expectedJW = Reference.jaroWinkler(a, b)
            let jw = StringSimilarity.jaroWinkler(a, b)
            #expect(abs(jw - expectedJW) < 1e-12, "\(a) \(b): \(jw) vs \(expectedJW)")
            let distance = Reference.osa(a, b)
            let limit = Int.random(in: 0...12, using: &random)
            #expect(
                StringSimilarity.damerauLevenshtein(a, b, limit: limit) == min(distance, limit + 1),
                "\(a) \(b) limit \(limit): expected \(distance)")
        }
    }

    @Test func arbitraryScalarValuesCollideSafely() {
        var random = SplitMix64(seed: 42)
        // Few distinct values, spread over the whole 32-bit range, so the position table probes past collisions.
        let values = (0..<12).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) } + [0, UInt32.max]
        for _ in 0..<2000 {
            let a = (0..<Int.random(in: 1...64, using: &random)).map { _ in values.randomElement(using: &random)! }
            let b = (0..<Int.random(in: 1...64, using: &random)).map { _ in values.randomElement(using: &random)! }
            #expect(abs(StringSimilarity.jaroWinkler(a, b) - Reference.jaroWinkler(a, b)) < 1e-12)
            #expect(StringSimilarity.damerauLevenshtein(a, b, limit: 100) == Reference.osa(a, b))
        }
    }

    @Test func identityScalarsAreUnicodeScalarValues() {
        #expect("Aé张𠀀".identityScalars == [0x41, 0xE9, 0x5F20, 0x20000])
        #expect("".identityScalars.isEmpty)
    }
}

/// Textbook implementations, written for clarity: the definitions the fast paths must reproduce.
enum Reference {
    static func jaroWinkler(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        let window = max(max(a.count, b.count) / 2 - 1, 0)
        var matchedA = [Bool](repeating: false, count: a.count)
        var matchedB = [Bool](repeating: false, count: b.count)
        var matches = 0
        for i in a.indices {
            let low = max(0, i - window)
            let high = min(b.count - 1, i + window)
            if low > high { continue }
            for j in low...high where !matchedB[j] && a[i] == b[j] {
                matchedA[i] = true
                matchedB[j] = true
                matches += 1
                break
            }
        }
        if matches == 0 { return 0 }
        let orderA = a.indices.filter { matchedA[$0] }.map { a[$0] }
        let orderB = b.indices.filter { matchedB[$0] }.map { b[$0] }
        let transpositions = zip(orderA, orderB).filter { $0 != $1 }.count
        let m = Double(matches)
        let jaro = (m / Double(a.count) + m / Double(b.count) + (m - Double(transpositions) / 2) / m) / 3
        var prefix = 0
        while prefix < min(4, a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    static func osa(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
