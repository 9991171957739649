import Foundation
import PortraitWorld
import Testing

/// The same config and seed give the same world, byte for byte; another seed gives another world.
struct WorldDeterminismTests {
    func files(_ config: WorldConfig) throws -> [String: Data] {
        try withScratchFolder { folder in
            try WorldGenerator(config: config).generate(into: folder)
            return try filesByPath(in: folder)
        }
    }

    @Test func theSameSeedGivesByteIdenticalFiles() throws {
        let config = WorldConfig(people: 1_500, seed: 11)
        let first = try files(config)
        let second = try files(config)
        #expect(first.count >= 17, "\(first.keys.sorted())")
        #expect(Set(first.keys) == Set(second.keys))
        for (path, data) in first {
            #expect(second[path] == data, "\(path) differs between two runs with the same seed")
        }
        #expect(
            first.keys.allSatisfy { !$0.contains(".spool") && !$0.hasSuffix(".tmp") }, "no temporary files are left")
    }

    @Test func anotherSeedGivesAnotherWorld() throws {
        let one = try files(WorldConfig(people: 1_500, seed: 11))
        let other = try files(WorldConfig(people: 1_500, seed: 12))
        for path in ["truth.csv", "crm/contacts.jsonl", "feeds/orders.xml", "surveys/responses.csv", "crm/token"] {
            #expect(one[path] != nil && one[path] != other[path], "\(path) is the same for seeds 11 and 12")
        }
    }

    @Test func thePopulationDoesNotDependOnTheNoise() {
        var noisy = WorldConfig(people: 800, seed: 5)
        noisy.noise.typoRate = 0.5
        noisy.noise.missingFieldRate = 0.5
        let quiet = Array(Population(config: WorldConfig(people: 800, seed: 5)))
        #expect(quiet == Array(Population(config: noisy)))
        #expect(quiet != Array(Population(config: WorldConfig(people: 800, seed: 6))))
    }
}
