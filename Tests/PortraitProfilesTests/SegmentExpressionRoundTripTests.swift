import PortraitProfiles
import Testing

@Suite struct SegmentExpressionRoundTripTests {
    /// The stored form (`description`) must re-parse to an equal expression with the same meaning.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func descriptionReparsesToAnEqualExpression(seed: UInt64) throws {
        var fuzzer = ExpressionFuzzer(rng: SegmentRNG(state: seed))
        for _ in 0..<1_000 {
            let text = fuzzer.expression()
            let original: SegmentExpression
            do { original = try parseSegment(text) } catch {
                Issue.record("generated text failed to parse: \(text.debugDescription)\n\(error)")
                continue
            }
            let reparsed = try parseSegment(original.description)
            #expect(reparsed == original, "\(text.debugDescription) → \(original.description)")
            #expect(reparsed.hashValue == original.hashValue)
            #expect(reparsed.description == original.description)
            #expect(reparsed.fieldsUsed == original.fieldsUsed)
            let row = fuzzer.row()
            #expect(reparsed.matches(row) == original.matches(row))
        }
    }

    /// Mangled input (characters dropped, duplicated or swapped in) either parses to something whose
    /// description round-trips, or fails with an offset inside the text: never a crash.
    @Test func mangledInputFailsCleanly() throws {
        var fuzzer = ExpressionFuzzer(rng: SegmentRNG(state: 1234))
        let noise: [Character] = ["(", ")", "'", "\"", "\\", ",", "=", "<", ">", "!", "-", ".", "1", "e", " ", "x", "上"]
        var failures = 0
        for _ in 0..<2_000 {
            var characters = Array(fuzzer.expression())
            for _ in 0..<Int.random(in: 1...3, using: &fuzzer.rng) where !characters.isEmpty {
                let index = Int.random(in: 0..<characters.count, using: &fuzzer.rng)
                switch Int.random(in: 0..<3, using: &fuzzer.rng) {
                case 0: characters.remove(at: index)
                case 1: characters.insert(fuzzer.pick(noise), at: index)
                default: characters[index] = fuzzer.pick(noise)
                }
            }
            let text = String(characters)
            let expression: SegmentExpression
            do { expression = try parseSegment(text) } catch {
                failures += 1
                #expect((0...text.count).contains(error.offset), "\(text.debugDescription): \(error)")
                #expect(!error.expected.isEmpty && !error.found.isEmpty)
                continue
            }
            let reparsed = try parseSegment(expression.description)  // a throw here fails the test
            #expect(reparsed == expression, "\(text.debugDescription)")
        }
        #expect(failures > 500)  // the mangling really does produce errors
    }
}
