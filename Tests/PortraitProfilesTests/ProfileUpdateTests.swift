import Foundation
import PortraitCore
import PortraitIdentity
import PortraitProfiles
import PortraitStoreSQLite
import Testing

@Suite("Profile updates")
struct ProfileUpdateTests {
    static let day: TimeInterval = 86_400

    func orderCount(_ document: JSONValue) -> Double? { document.field("order_count") }

    func allChanges(_ fixture: ProfileFixture) async throws -> [ProfileChange] {
        try await fixture.store.changes(afterID: nil, since: nil, profile: nil, limit: 10_000)
    }

    @Test("a merge recomputes the surviving profile from all its records, and the feed says where the other went")
    func merge() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.update(now: ProfileFixture.now)
        let ana = try await fixture.profileID(of: "crm/C1")
        let bo = try await fixture.profileID(of: "shop/O5")
        let (merged, _) = try await fixture.resolver.merge(ana, bo)
        let survivor = try #require(merged)
        let gone = survivor == ana ? bo : ana

        let report = try await fixture.engine.update(now: ProfileFixture.now.addingTimeInterval(Self.day))
        #expect(report.mode == .update)
        #expect(report.computed == 1)
        #expect(report.merged == 1)
        #expect(report.updated == 1)
        let document = try await fixture.document(of: "shop/O5")
        #expect(orderCount(document) == 4)
        #expect(document.field("total_spend") == 390)
        #expect(try await fixture.store.storedProfile(id: gone) == nil)
        let changes = try await allChanges(fixture)
        #expect(changes.contains { $0.kind == .merged && $0.profile == gone && $0.other == survivor })
        let update = try #require(changes.last { $0.kind == .updated && $0.profile == survivor })
        let fields = update.detail["changes"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields.contains("fields.order_count"))
        #expect(fields.contains("fields.total_spend"))
    }

    @Test("a split gives each side only its own records' traits")
    func split() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.update(now: ProfileFixture.now)
        let (merged, _) = try await fixture.resolver.merge(
            try await fixture.profileID(of: "crm/C1"), try await fixture.profileID(of: "shop/O5"))
        let survivor = try #require(merged)
        _ = try await fixture.engine.update(now: ProfileFixture.now.addingTimeInterval(Self.day))

        _ = try await fixture.resolver.unmerge(profile: survivor, record: "shop/orders/O5")
        let report = try await fixture.engine.update(now: ProfileFixture.now.addingTimeInterval(2 * Self.day))
        let ana = try await fixture.document(of: "crm/C1")
        let bo = try await fixture.document(of: "shop/O5")
        #expect(ana["id"] != bo["id"])
        #expect(orderCount(ana) == 3)
        #expect(ana.field("total_spend") == 350)
        #expect(orderCount(bo) == 1)
        #expect(bo.field("total_spend") == 40)
        #expect(report.split + report.created == 1)
        let boID = try #require(bo["id"]?.stringValue)
        let changes = try await allChanges(fixture)
        #expect(changes.contains { ($0.kind == .split || $0.kind == .created) && $0.profile == boID })

        // Every order still counts towards exactly one profile.
        var orders = 0
        try await fixture.store.forEachProfileDocument(segment: nil) { stored in
            let document = try JSONValue(parsing: stored.document)
            orders += document["records"]?["order"]?.numberValue.map { Int(truncating: $0 as NSNumber) } ?? 0
        }
        #expect(orders == 5)
    }

    @Test("a late order recomputes only its own profile")
    func lateOrder() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.update(now: ProfileFixture.now)
        try await fixture.commitLateOrder()
        _ = try await fixture.resolver.resolvePending()
        let report = try await fixture.engine.update(now: ProfileFixture.now)
        #expect(report.computed == 1)
        #expect(report.updated == 1)
        let bo = try await fixture.document(of: "shop/O6")
        #expect(orderCount(bo) == 2)
        #expect(bo.field("total_spend") == 100)
        #expect(bo.text("channel_mix") == "omnichannel")
        // Nothing is left queued.
        #expect(try await fixture.engine.update(now: ProfileFixture.now).computed == 0)
    }

    @Test("buyers scored early against estimated RFM boundaries end with the same fields as scored at the end")
    func earlyScoringMatchesTheEnd() async throws {
        func fields(estimateAfter: Int) async throws -> [String: JSONValue] {
            let fixture = try ProfileFixture()
            try await fixture.seed()
            var engine = fixture.engine
            engine.readBatch = 1
            engine.estimateAfter = estimateAfter
            _ = try await engine.rebuild(now: ProfileFixture.now)
            var found: [String: JSONValue] = [:]
            for record in ["crm/C1", "shop/O5", "crm/C3"] {
                found[record] = try await fixture.document(of: record)["fields"]
            }
            return found
        }
        // After one buyer the estimate is that buyer alone, so the next one is scored wrongly first.
        let early = try await fields(estimateAfter: 1)
        let late = try await fields(estimateAfter: .max)
        #expect(early == late)
        #expect(early["shop/O5"]?["r_score"] != nil)
    }

    @Test("a resolve from scratch queues every profile at once: the next update rebuilds, and the queue works after")
    func scratchResolveQueuesARebuild() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.update(now: ProfileFixture.now)
        #expect(try await fixture.store.rebuildQueued() == false)
        _ = try await fixture.resolver.resolveAll()
        #expect(try await fixture.store.rebuildQueued())
        let rebuild = try await fixture.engine.update(now: ProfileFixture.now)
        #expect(rebuild.mode == .rebuild)
        #expect(rebuild.computed == 3)
        #expect(try await fixture.store.rebuildQueued() == false)
        // The trigger is back: a late order queues its profile alone.
        try await fixture.commitLateOrder()
        _ = try await fixture.resolver.resolvePending()
        let update = try await fixture.engine.update(now: ProfileFixture.now)
        #expect(update.mode == .update)
        #expect(update.computed == 1)
        #expect(try await fixture.document(of: "shop/O6").field("total_spend") == 100)
    }

    @Test("segment membership is stored with entry and exit times, and each is a change event")
    func segmentEnterAndExit() async throws {
        var fixture = try ProfileFixture()
        try await fixture.seed()
        let catalog = ProfileLayout(traits: []).catalog
        fixture.settings.segments = [
            .init(name: "recent_buyers", condition: try SegmentExpression.parse("recency_days <= 30", fields: catalog))
        ]
        let first = try await fixture.engine.rebuild(now: ProfileFixture.now)
        #expect(first.entered == 2)
        let ana = try await fixture.profileID(of: "crm/C1")
        let bo = try await fixture.profileID(of: "shop/O5")
        #expect(try await fixture.store.segmentMembers("recent_buyers", among: nil) == [ana, bo])

        let later = ProfileFixture.now.addingTimeInterval(60 * Self.day)
        let second = try await fixture.engine.rebuild(now: later)
        #expect(second.exited == 2)
        #expect(try await fixture.store.segmentMembers("recent_buyers", among: nil).isEmpty)
        let changes = try await allChanges(fixture).filter { $0.segment == "recent_buyers" }
        #expect(changes.map(\.kind) == [.entered, .entered, .exited, .exited])
        let history = try await fixture.store.memberships(profile: ana, asOf: nil)
        #expect(history.count == 1)
        #expect(history.first?.entered == ProfileFixture.now)
        #expect(history.first?.exited == later)
        // As of a day in between, Ana was a member.
        let between = try await fixture.store.memberships(profile: ana, asOf: ProfileFixture.now.addingTimeInterval(Self.day))
        #expect(between.map(\.segment) == ["recent_buyers"])
    }

    @Test("--as-of shows the version that was current then")
    func asOf() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.update(now: ProfileFixture.now)
        let bo = try await fixture.profileID(of: "shop/O5")
        try await fixture.commitLateOrder()
        _ = try await fixture.resolver.resolvePending()
        let second = ProfileFixture.now.addingTimeInterval(10 * Self.day)
        _ = try await fixture.engine.update(now: second)

        let before = try #require(try await fixture.store.profileDocument(id: bo, asOf: ProfileFixture.now.addingTimeInterval(Self.day)))
        #expect(before.version == 1)
        #expect(orderCount(try JSONValue(parsing: before.document)) == 1)
        let after = try #require(try await fixture.store.profileDocument(id: bo, asOf: second))
        #expect(after.version == 2)
        #expect(orderCount(try JSONValue(parsing: after.document)) == 2)
        #expect(try await fixture.store.profileDocument(id: bo, asOf: ProfileFixture.now.addingTimeInterval(-Self.day)) == nil)
        #expect(try await fixture.store.profileVersions(id: bo).map(\.version) == [1, 2])
    }

    @Test("a rebuild that only moves the clock refreshes recency without a new version or event")
    func clockOnlyChanges() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let before = try await allChanges(fixture).count
        // Two hours later nothing but the clock moved (no window edge or birthday is crossed).
        let report = try await fixture.engine.rebuild(now: ProfileFixture.now.addingTimeInterval(2 * 3600))
        #expect(report.updated == 0)
        #expect(try await allChanges(fixture).count == before)
        let ana = try await fixture.profileID(of: "crm/C1")
        #expect(try await fixture.store.profileVersions(id: ana).map(\.version) == [1])
    }

    @Test("a second rebuild at the same moment finds every profile unchanged: the stored profile reads back as computed")
    func rebuildAgainIsUnchanged() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        let first = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let before = try await allChanges(fixture).count
        let again = try await fixture.engine.rebuild(now: ProfileFixture.now)
        #expect(first.created > 0)
        #expect(again.unchanged == first.computed)
        #expect(again.updated + again.refreshed + again.created == 0)
        #expect(try await allChanges(fixture).count == before)
    }

    @Test("preview counts what an expression selects without saving anything")
    func preview() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let catalog = ProfileLayout(traits: []).catalog
        let expression = try SegmentExpression.parse("order_count >= 1 and 'sports' in top_interests", fields: catalog)
        let (count, sample) = try await fixture.engine.preview(expression)
        #expect(count == 1)
        #expect(sample == [try await fixture.profileID(of: "crm/C1")])
        let changes = try await allChanges(fixture).count
        _ = try await fixture.engine.preview(try SegmentExpression.parse("lifecycle = 'prospect'", fields: catalog))
        #expect(try await allChanges(fixture).count == changes)
    }
}
