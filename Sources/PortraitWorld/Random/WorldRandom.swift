/// The world's pseudo-random numbers: xoshiro256** seeded through SplitMix64.
///
/// Written out rather than taken from the standard library: `SystemRandomNumberGenerator` cannot be seeded, and
/// the standard library's algorithms for ranges and shuffles may change between Swift versions. The same seed must
/// give the same world, byte for byte, on every machine and toolchain, so every draw goes through the few lines
/// below.
struct WorldRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// One independent sequence per `stream` for the same `seed`: the population and the silos' noise draw from
    /// different streams, so a change in how records are noised never changes who the people are.
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A number in `0..<bound` (multiply-high: no loop, a bias below 2⁻⁴⁰ for the bounds used here).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "WorldRandom.below needs a positive bound")
        return Int(UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// A number in `range`.
    mutating func between(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// A number in `lower..<upper` for 64-bit spans (milliseconds).
    mutating func between(_ lower: Int64, _ upper: Int64) -> Int64 {
        precondition(upper > lower, "WorldRandom.between needs a non-empty span")
        return lower + Int64(UInt64(upper - lower).multipliedFullWidth(by: next()).high)
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `probability` (0 never, 1 always).
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    /// How many more times something happens when each further time happens with `continuation` probability: a
    /// geometric count with mean `continuation / (1 - continuation)`, at most `cap`.
    mutating func extraCount(continuation: Double, cap: Int) -> Int {
        var count = 0
        while count < cap && chance(continuation) { count += 1 }
        return count
    }
}

/// SplitMix64, only to spread a seed over xoshiro's 256 bits of state (as its authors recommend).
private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
