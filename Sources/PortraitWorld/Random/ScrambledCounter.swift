/// Distinct counters to distinct numbers that do not look sequential: `(k · multiplier + offset) mod modulus`,
/// a permutation of `0..<modulus` because the multiplier shares no factor with it.
///
/// Phone numbers, member cards and QQ numbers must never collide by accident (two strangers with one phone would
/// be a fact the truth does not know), and must not count up with the order people were generated in, which would
/// tell a resolver who lives together.
struct ScrambledCounter {
    let modulus: UInt64
    private let multiplier: UInt64
    private let offset: UInt64
    private var next: UInt64 = 0

    /// - Parameter modulus: A product of powers of 2 and 5 below 2³² (10⁸, 8·10⁶): the multiplier is made odd and
    ///   not a multiple of 5, so it is coprime to it.
    init(modulus: UInt64, random: inout WorldRandom) {
        self.modulus = modulus
        var multiplier = (random.next() % modulus) | 1
        while multiplier % 5 == 0 || multiplier < modulus / 10 { multiplier = (random.next() % modulus) | 1 }
        self.multiplier = multiplier
        offset = random.next() % modulus
    }

    /// The next number of the permutation; the first `modulus` calls never repeat one.
    mutating func take() -> UInt64 {
        precondition(next < modulus, "ScrambledCounter exhausted its \(modulus) numbers")
        defer { next += 1 }
        return (next &* multiplier % modulus + offset) % modulus  // both factors < 2³², so no overflow
    }
}
