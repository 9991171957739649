import Foundation
import PortraitCore
@testable import PortraitIdentity
import PortraitStore
import PortraitStoreSQLite
import Testing

/// A seeded population big enough for term frequencies and EM to mean something: many people share a few common
/// names, each person has two or three records with realistic noise.
struct Population {
    var records: [(String, JSONValue)] = []
    var person: [String: Int] = [:]

    init(people: Int, seed: UInt64) {
        var random = Seeded(seed)
        let families = ["张", "王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "欧阳", "司马"]
        let givenCharacters = Array("伟芳娜敏静丽强磊军洋艳勇杰娟涛明超秀英华慧建国平刚桂兰玉文辉俊红云飞鹏霞")
        // One-character given names are common (张伟), two-character ones spread out.
        let givens = givenCharacters.map { String($0) } + givenCharacters.indices.flatMap { i in
            givenCharacters.indices.filter { ($0 * 7 + i) % 5 == 0 }.map { String(givenCharacters[i]) + String(givenCharacters[$0]) }
        }
        let latinGiven = ["john", "mary", "james", "linda", "robert", "susan", "michael", "karen", "david", "lisa", "daniel",
            "nancy", "paul", "betty", "mark", "sandra", "george", "helen", "kevin", "donna", "brian", "carol", "edward",
            "ruth", "ronald", "sharon", "anthony", "laura", "jason", "emily"]
        let latinFamily = ["smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson", "taylor", "clark",
            "lewis", "walker", "hall", "allen", "young", "king", "wright", "scott", "green", "baker", "adams", "nelson",
            "hill", "campbell", "mitchell", "roberts", "carter", "phillips", "evans", "turner"]
        for index in 0..<people {
            let han = index % 2 == 0
            let family = han ? families[random.skewed(families.count)] : latinFamily[random.skewed(latinFamily.count)]
            let given = han ? givens[random.skewed(givens.count)] : latinGiven[random.skewed(latinGiven.count)]
            let phone = han
                ? "+86138\(String(format: "%08d", random.int(100_000_000)))"
                : "+1\(200 + random.int(700))555\(String(format: "%04d", random.int(10_000)))"
            let birth = String(format: "19%02d-%02d-%02d", 50 + random.int(50), 1 + random.int(12), 1 + random.int(28))
            let copies = 2 + random.int(2)
            for copy in 0..<copies {
                var g = given
                var f = family
                var phoneValue: String? = phone
                var birthValue: String? = birth
                if copy > 0 {
                    if !han, random.chance(0.3) { g = Self.typo(g, &random) }
                    if random.chance(0.3) { phoneValue = nil } else if random.chance(0.3) { birthValue = nil }
                    if han, random.chance(0.2) { (g, f) = (f, g) }  // written given-first: 伟 张
                }
                let id = "p\(index)-\(copy)"
                records.append((
                    id,
                    IdentityFixture.customer(
                        given: g, family: f, phone: phoneValue, birthDate: birthValue,
                        postcode: han ? nil : String(format: "2%04d", random.int(900))) ))
                person["crm/" + id] = index
            }
        }
    }

    static func typo(_ text: String, _ random: inout Seeded) -> String {
        var characters = Array(text)
        guard characters.count > 3 else { return text }
        let at = 1 + random.int(characters.count - 2)
        characters.swapAt(at, at - 1)
        return String(characters)
    }
}

struct Seeded {
    var generator: SplitMix64
    init(_ seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    /// Index with a skewed distribution: the first values are far more common (like real names).
    mutating func skewed(_ count: Int) -> Int { min(count - 1, Int(Double(count) * pow(Double(next() % 1000) / 1000, 2.5))) }
}

@Suite("Identity resolution: the probabilistic layer on a seeded population")
struct ProbabilisticMatchingTests {
    @Test("common names need corroboration: people sharing a name stay apart, a person's records come together")
    func populationQuality() async throws {
        let population = Population(people: 1500, seed: 42)
        let fixture = try IdentityFixture()
        try await fixture.commit(population.records)
        let report = try await fixture.resolver.resolvePending()
        #expect(report.candidatePairs > 0)
        #expect(report.candidatePairsPerRule.count == IdentitySettings.standard.blocking.count)
        let profiles = try await fixture.profiles()
        var truth: [RecordRef: String] = [:]
        var predicted: [RecordRef: String] = [:]
        for (key, person) in population.person {
            let parts = key.split(separator: "/")
            let ref = RecordRef(connector: String(parts[0]), stream: "contacts", sourceID: String(parts[1]))
            truth[ref] = String(person)
            predicted[ref] = profiles[key]
        }
        let evaluation = PairwiseEvaluation.evaluate(truth: truth, predicted: predicted)
        // Most people share their name with dozens of others (a handful of names for 1,500 people), so name
        // agreement alone would give precision far below this.
        #expect(evaluation.precision > 0.98, "precision \(evaluation.precision)")
        #expect(evaluation.recall > 0.9, "recall \(evaluation.recall)")
    }

    @Test("two different 张伟 with different phones and birthdays are two people, in a store full of 张伟")
    func commonNameApart() async throws {
        let population = Population(people: 600, seed: 7)
        let fixture = try IdentityFixture()
        try await fixture.commit(population.records)
        try await fixture.commit(
            [
                ("a", IdentityFixture.customer(full: "张伟", phone: "+8613900000001", birthDate: "1980-01-01")),
                ("b", IdentityFixture.customer(full: "张 伟", phone: "+8613900000002", birthDate: "1991-06-15")),
                ("c", IdentityFixture.customer(full: "伟 张", phone: "+8613900000001", birthDate: "1980-01-01")),
            ], connector: "pos")
        _ = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        #expect(profiles["pos/a"] != profiles["pos/b"])
        #expect(profiles["pos/a"] == profiles["pos/c"], "the same name written three ways, same phone and birthday")
    }

    @Test("explain shows the per-field weights of a model link")
    func explainEvidence() async throws {
        let population = Population(people: 300, seed: 3)
        let fixture = try IdentityFixture()
        try await fixture.commit(population.records)
        _ = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        let profile = try #require(profiles["crm/p1-0"])
        let explanation = try #require(
            try await ProfileExplanation.load(profile: profile, settings: fixture.settings, store: fixture.store))
        #expect(explanation.members.contains { $0.placement.sourceID == "p1-1" })
        #expect(explanation.text.contains("given=exact:") || explanation.text.contains("given=swapped:"))
        #expect(explanation.links.allSatisfy { MatchModel.probability(weight: $0.weight) >= fixture.settings.matchThreshold })
    }

    @Test("unmerge splits a record off and the pin holds on later resolves; merge forces two profiles together")
    func corrections() async throws {
        let population = Population(people: 200, seed: 11)
        let fixture = try IdentityFixture()
        try await fixture.commit(population.records)
        _ = try await fixture.resolver.resolvePending()
        var profiles = try await fixture.profiles()
        let profile = try #require(profiles["crm/p2-0"])
        #expect(profiles["crm/p2-1"] == profile)
        let (moved, rest, _) = try await fixture.resolver.unmerge(profile: profile, record: "crm/contacts/p2-1")
        profiles = try await fixture.profiles()
        #expect(profiles["crm/p2-1"] == moved)
        #expect(profiles["crm/p2-0"] == rest)
        #expect(profiles["crm/p2-0"] != profiles["crm/p2-1"])
        // A later resolve from scratch keeps them apart.
        _ = try await fixture.resolver.resolveAll()
        profiles = try await fixture.profiles()
        #expect(profiles["crm/p2-0"] != profiles["crm/p2-1"])
        let history = try await fixture.store.history(profile: nil, limit: 20)
        #expect(history.contains { $0.action == .unmerged })

        let other = try #require(profiles["crm/p5-0"])
        let (merged, _) = try await fixture.resolver.merge(profiles["crm/p2-0"]!, other)
        profiles = try await fixture.profiles()
        #expect(profiles["crm/p2-0"] == merged && profiles["crm/p5-0"] == merged)
        await #expect(throws: IdentityResolver.CorrectionError.self) {
            _ = try await fixture.resolver.unmerge(profile: "P99999999", record: "crm/contacts/p2-0")
        }
    }

    @Test("a config with an unknown field, level or key is an error naming its path")
    func configErrors() throws {
        let section: JSONValue = .object([
            "comparisons": .array([
                .object(["field": .string("nickname"), "levels": .array([.string("exact")])]),
                .object(["field": .string("birth_date"), "levels": .array([.object(["jaro_winkler": .number(0.9)])])]),
            ]),
            "blocking": .array([.array([.string("phone"), .string("shoe_size")])]),
            "match_treshold": .number(0.9),
        ])
        do {
            _ = try IdentitySettings(json: section, path: JSONPath.root.appending("identity"))
            Issue.record("expected errors")
        } catch {
            let paths = error.violations.map(\.path.description)
            #expect(paths.contains("identity.comparisons[0].field"))
            #expect(paths.contains("identity.comparisons[1].levels[0]"))
            #expect(paths.contains("identity.blocking[0][1]"))
            #expect(paths.contains("identity.match_treshold"))
        }
    }

    @Test("the cluster name check is on by default, turned off by config, and a wrong value names its path")
    func clusterNameCheckSetting() throws {
        #expect(IdentitySettings.standard.clustersNeedAgreeingNames)
        let off = try IdentitySettings(
            json: .object(["clusters_need_agreeing_names": .bool(false)]), path: JSONPath.root.appending("identity"))
        #expect(!off.clustersNeedAgreeingNames)
        do {
            _ = try IdentitySettings(
                json: .object(["clusters_need_agreeing_names": .string("yes")]), path: JSONPath.root.appending("identity"))
            Issue.record("expected an error")
        } catch {
            #expect(error.violations.map(\.path.description) == ["identity.clusters_need_agreeing_names"])
        }
    }
}
