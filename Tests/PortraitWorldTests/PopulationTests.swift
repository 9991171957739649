import Foundation
import PortraitWorld
import Testing

/// Who the people are: half Chinese and half English names, common names shared by many different people,
/// identifiers unique except where a household shares them.
struct PopulationTests {
    static let people = Array(Population(config: WorldConfig(people: 20_000, seed: 8)))

    @Test func halfTheNamesAreChineseAndCommonNamesBelongToManyPeople() {
        var chinese = MeasuredRate(hits: 0, total: 0, expected: 0.5, designEffect: 4)
        for person in Self.people { chinese.count(person.culture == .chinese) }
        #expect(chinese.isWithinTolerance, "\(chinese)")

        func count(_ family: String, _ given: String) -> Int {
            Self.people.filter { $0.name.family == family && $0.name.given == given }.count
        }
        // About 20 each are expected in 20,000 people (13 for John Smith); a handful is the least a namesake test needs.
        #expect(count("张", "伟") >= 5)
        #expect(count("王", "芳") >= 5)
        #expect(count("Smith", "John") >= 5)
        let namesakes = Set(Self.people.filter { $0.name.family == "张" && $0.name.given == "伟" }.map(\.email))
        #expect(namesakes.count == count("张", "伟"), "namesakes are different people, with their own addresses")
        let compound = Self.people.filter { ["欧阳", "司马", "诸葛", "上官", "司徒"].contains($0.name.family) }
        #expect(compound.count >= 10)
        #expect(compound.allSatisfy { $0.culture == .chinese && $0.name.given.count >= 1 })
    }

    @Test func emailsAndCardsAreUniqueAndPhonesOnlySharedWithinAHousehold() {
        let emails = Self.people.flatMap { [$0.email] + ($0.alternateEmail.map { [$0] } ?? []) }
        #expect(Set(emails).count == emails.count)
        let cards = Self.people.flatMap { $0.footprint.memberships.map(\.card) }
        #expect(Set(cards).count == cards.count)
        var households: [String: Set<Int>] = [:]
        for person in Self.people { households[person.phone.e164, default: []].insert(person.household) }
        #expect(households.values.allSatisfy { $0.count == 1 })
        let shared = Dictionary(grouping: Self.people.filter(\.sharesPhone), by: \.household)
        #expect(shared.values.allSatisfy { $0.count >= 2 && Set($0.map(\.address)).count == 1 })
    }

    @Test func eachPersonIsKnownToAtLeastOneSilo() {
        #expect(Self.people.allSatisfy { !$0.footprint.silos.isEmpty })
        #expect(Self.people.map(\.id) == (1...20_000).map { "P" + String(format: "%08d", $0) })
    }
}
