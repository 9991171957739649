import Foundation
import PortraitCore
import PortraitIdentity
import PortraitStore
import PortraitStoreSQLite
import Testing

@Suite("Identity resolution: deterministic layer, clustering and stable ids")
struct IdentityResolverTests {
    @Test("records sharing an email are one profile; a record with nothing to go on stays alone")
    func deterministicEmail() async throws {
        let fixture = try IdentityFixture()
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com")),
            ("2", IdentityFixture.customer(given: "A.", family: "G", email: " ANA@example.com ")),
            ("3", IdentityFixture.customer(given: "Bob", family: "Stone", email: "bob@example.com")),
            ("4", .object([:])),
            ("5", .object([:])),
        ])
        let report = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        #expect(profiles.count == 5)
        #expect(profiles["crm/1"] == profiles["crm/2"])
        #expect(profiles["crm/1"] != profiles["crm/3"])
        #expect(profiles["crm/4"] != profiles["crm/5"], "empty observations are never merged on nothing")
        #expect(Set(profiles.values).count == 4)
        #expect(report.trainedModel, "the first resolve trains and stores a model")
    }

    @Test("blocked and placeholder values never link records")
    func blockedValues() async throws {
        var settings = IdentitySettings.standard
        settings.blockedValues.append(BlockedValue(type: "email", match: .exact("shop@store.example")))
        let fixture = try IdentityFixture(settings: settings)
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "shop@store.example")),
            ("2", IdentityFixture.customer(given: "Bo", family: "Li", email: "shop@store.example")),
            ("3", IdentityFixture.customer(given: "Cy", family: "Ng", email: "test@x.org")),
            ("4", IdentityFixture.customer(given: "Di", family: "Wu", email: "test@x.org")),
            ("5", IdentityFixture.customer(given: "Ed", family: "Yu", identifiers: [("member_card", "0000")])),
            ("6", IdentityFixture.customer(given: "Fa", family: "Zu", identifiers: [("member_card", "0000")])),
        ])
        _ = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        #expect(Set(profiles.values).count == 6)
    }

    @Test("a merge that would give a profile more ids of one CRM than its limit is refused and recorded")
    func limitRefusesMerge() async throws {
        var settings = IdentitySettings.standard
        settings.identifiers[0] = IdentifierRule(type: "crm_id", deterministic: true, scope: .connector, maxPerProfile: 1)
        let fixture = try IdentityFixture(settings: settings)
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com", identifiers: [("crm_id", "C1")])),
            ("2", IdentityFixture.customer(given: "Ann", family: "Garcia", email: "ana@example.com", identifiers: [("crm_id", "C2")])),
        ])
        // The same email from another silo joins the first profile (no CRM id of its own).
        try await fixture.commit(
            [("o1", IdentityFixture.customer(email: "ana@example.com"))], connector: "shop", entity: .customer)
        let report = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        #expect(profiles["crm/1"] != profiles["crm/2"])
        #expect(profiles["shop/o1"] == profiles["crm/1"], "the first holder of the email keeps it")
        #expect(report.refusedMerges >= 1)
        let history = try await fixture.store.history(profile: nil, limit: 10)
        #expect(history.contains { $0.action == .refused && $0.detail.contains("crm_id values from crm") })
    }

    @Test("by default, duplicates in a CRM (two contacts sharing an email) are one profile")
    func crmDuplicatesMerge() async throws {
        let fixture = try IdentityFixture()
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com", identifiers: [("crm_id", "C1")])),
            ("2", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com", identifiers: [("crm_id", "C2")])),
        ])
        let report = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        #expect(profiles["crm/1"] == profiles["crm/2"])
        #expect(report.refusedMerges == 0)
    }

    @Test("a CRM id scoped to its connector does not link records of another connector")
    func scopedIdentifiers() async throws {
        let fixture = try IdentityFixture()
        try await fixture.commit([("1", IdentityFixture.customer(given: "Ana", family: "Garcia", identifiers: [("crm_id", "7")]))])
        try await fixture.commit(
            [("1", IdentityFixture.customer(given: "Zed", family: "Xu", identifiers: [("crm_id", "7")]))], connector: "erp")
        _ = try await fixture.resolver.resolvePending()
        let profiles = try await fixture.profiles()
        #expect(profiles["crm/1"] != profiles["erp/1"])
    }

    @Test("incremental: a new record joins an existing profile, which keeps its id")
    func incrementalJoinKeepsID() async throws {
        let fixture = try IdentityFixture()
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com")),
            ("2", IdentityFixture.customer(given: "Bob", family: "Stone", email: "bob@example.com")),
        ])
        _ = try await fixture.resolver.resolvePending()
        let before = try await fixture.profiles()
        try await fixture.commit([("3", IdentityFixture.customer(email: "ana@example.com"))], connector: "shop")
        let report = try await fixture.resolver.resolvePending()
        let after = try await fixture.profiles()
        #expect(report.observations == 1, "only the new record is resolved")
        #expect(after["shop/3"] == before["crm/1"])
        #expect(after["crm/1"] == before["crm/1"] && after["crm/2"] == before["crm/2"])
    }

    @Test("a record linking two profiles merges them: the oldest id stays, the other becomes its alias")
    func mergeKeepsOldestID() async throws {
        let fixture = try IdentityFixture()
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com")),
            ("2", IdentityFixture.customer(identifiers: [("member_card", "M9")], city: "Madrid")),
        ])
        _ = try await fixture.resolver.resolvePending()
        let before = try await fixture.profiles()
        #expect(before["crm/1"] != before["crm/2"])
        try await fixture.commit(
            [("3", IdentityFixture.customer(email: "ana@example.com", identifiers: [("member_card", "M9")]))],
            connector: "shop")
        let report = try await fixture.resolver.resolvePending()
        let after = try await fixture.profiles()
        let oldest = before["crm/1"]!
        let younger = before["crm/2"]!
        #expect(after["crm/1"] == oldest && after["crm/2"] == oldest && after["shop/3"] == oldest)
        #expect(report.profilesMerged == 1)
        #expect(try await fixture.store.resolveProfileID(younger) == oldest)
        let history = try await fixture.store.history(profile: oldest, limit: 10)
        #expect(history.contains { $0.action == .merged && $0.other == younger })
    }

    @Test("a record that changes so it no longer matches is split off, with what hung together through it")
    func changedRecordSplits() async throws {
        let fixture = try IdentityFixture()
        try await fixture.commit([
            ("1", IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com")),
            ("2", IdentityFixture.customer(email: "ana@example.com", identifiers: [("member_card", "M9")])),
            ("3", IdentityFixture.customer(given: "Bob", family: "Stone", identifiers: [("member_card", "M9")])),
        ])
        _ = try await fixture.resolver.resolvePending()
        let before = try await fixture.profiles()
        #expect(Set(before.values).count == 1, "1-2 share an email, 2-3 a card")
        // Record 2 loses the email: 1 is on its own now; 2 and 3 still share the card.
        try await fixture.commit([("2", IdentityFixture.customer(identifiers: [("member_card", "M9")]))])
        let report = try await fixture.resolver.resolvePending()
        let after = try await fixture.profiles()
        #expect(after["crm/2"] == after["crm/3"])
        #expect(after["crm/1"] != after["crm/2"])
        #expect(after["crm/1"] == before["crm/1"], "the part holding the oldest record keeps the id")
        #expect(report.profilesSplit == 1)
    }

    @Test("a deleted record leaves its profile, and the rest stays together")
    func deletedRecordLeaves() async throws {
        let fixture = try IdentityFixture()
        let ana = IdentityFixture.customer(given: "Ana", family: "Garcia", email: "ana@example.com")
        try await fixture.commit([("1", ana), ("2", IdentityFixture.customer(email: "ana@example.com"))])
        _ = try await fixture.resolver.resolvePending()
        let deletion = RecordWrite(
            stream: "contacts", sourceID: "2", entity: .customer, raw: .object([:]),
            canonical: IdentityFixture.customer(email: "ana@example.com"), location: "crm:2", isDeletion: true)
        _ = try await fixture.store.commit(CommitBatch(connector: "crm", runID: nil, records: [deletion]))
        let report = try await fixture.resolver.resolvePending()
        #expect(report.removedObservations == 1)
        let after = try await fixture.profiles()
        #expect(after["crm/2"] == nil)
        #expect(after["crm/1"] != nil)
    }

    @Test("resolving incrementally gives the same clusters as resolving from scratch")
    func incrementalEqualsScratch() async throws {
        let fixture = try IdentityFixture()
        var customers: [(String, JSONValue)] = []
        for index in 0..<60 {
            let person = index % 20
            customers.append((
                "r\(index)",
                IdentityFixture.customer(
                    given: "G\(person)", family: "F\(person)",
                    email: index % 3 == 0 ? nil : "p\(person)@example.com",
                    identifiers: index % 3 == 0 ? [("member_card", "M\(person)")] : [])
            ))
        }
        // In three syncs, resolving after each.
        for part in 0..<3 {
            try await fixture.commit(Array(customers[(part * 20)..<(part * 20 + 20)]))
            _ = try await fixture.resolver.resolvePending()
        }
        let incremental = try await fixture.profiles()
        _ = try await fixture.resolver.resolveAll()
        let scratch = try await fixture.profiles()
        func partition(_ map: [String: String]) -> Set<Set<String>> {
            Set(Dictionary(grouping: map.keys, by: { map[$0]! }).values.map(Set.init))
        }
        #expect(partition(incremental) == partition(scratch))
        #expect(incremental == scratch, "a resolve from scratch keeps the ids of clusters that stay together")
    }
}
