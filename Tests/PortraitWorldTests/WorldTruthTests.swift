import Foundation
import PortraitWorld
import Testing

/// `truth.csv` against the silo files: one line per record, nothing more, and the right person.
struct WorldTruthTests {
    @Test func everyRecordHasExactlyOneTruthLineAndEveryLineNamesARecord() throws {
        let world = try GeneratedWorld.standard.get()
        let keys = world.records.map(\.key)
        #expect(Set(keys).count == keys.count, "no two records share connector, stream and id")
        #expect(world.truthLines == world.truth.count, "no truth line is repeated")
        let missing = keys.filter { world.truth[$0] == nil }
        #expect(missing.isEmpty, "records without a truth line: \(missing.prefix(5))")
        let unknown = Set(world.truth.keys).subtracting(keys)
        #expect(unknown.isEmpty, "truth lines naming no record: \(unknown.prefix(5))")
        #expect(world.records.count == world.summary.records)
        let ids = Set(world.people.map(\.id))
        #expect(world.truth.values.allSatisfy { ids.contains($0) }, "every person id is a person of the world")
    }

    @Test func eachPersonHasTheRecordsTheirFootprintSays() throws {
        let world = try GeneratedWorld.standard.get()
        var counts: [String: [String: Int]] = [:]
        for (record, person) in world.observations {
            counts[person.id, default: [:]][record.connector, default: 0] += 1
        }
        var mismatches: [String] = []
        for person in world.people {
            let footprint = person.footprint
            let expected = [
                WorldConnectors.crm.connector: footprint.crmContacts,
                WorldConnectors.orders.connector: footprint.orders,
                WorldConnectors.members.connector: footprint.memberships.count,
                WorldConnectors.receipts.connector: footprint.receipts,
                WorldConnectors.survey.connector: footprint.surveyResponses,
            ].filter { $0.value > 0 }
            if counts[person.id] ?? [:] != expected { mismatches.append(person.id) }
        }
        #expect(mismatches.isEmpty, "people whose records differ from their footprint: \(mismatches.prefix(5))")
        #expect(counts.count == world.people.count, "everyone is known to at least one silo")
    }

    @Test func recordsCarryTheirPersonsIdentifiers() throws {
        let world = try GeneratedWorld.standard.get()
        var wrongPhones: [String] = []
        var wrongCards: [String] = []
        for (record, person) in world.observations {
            if let phone = record.phone, e164(phone, home: record.phoneHome) != person.phone.e164 {
                wrongPhones.append("\(record.key): \(phone)")
            }
            if let card = record.memberCard, !person.footprint.memberships.contains(where: { $0.card == card }) {
                wrongCards.append("\(record.key): \(card)")
            }
        }
        // Phones take no typos: each one, read as its silo reads it, is the person's own (or their household's).
        #expect(wrongPhones.isEmpty, "\(wrongPhones.prefix(5))")
        #expect(wrongCards.isEmpty, "\(wrongCards.prefix(5))")
    }
}
