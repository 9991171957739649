import Foundation
import PortraitCore
import PortraitProfiles
import PortraitStoreSQLite
import Testing

@Suite("Profile traits")
struct ProfileTraitTests {
    @Test("every shipped trait matches the value computed by hand")
    func shippedTraits() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        let report = try await fixture.engine.update(now: ProfileFixture.now)
        #expect(report.mode == .rebuild)  // No rebuild yet: the first update builds everything.
        #expect(report.computed == 3)

        let ana = try await fixture.document(of: "crm/C1")
        // Three purchases (O1 100, O2 50, O3 200); O4 is cancelled.
        #expect(ana.field("order_count") == 3)
        #expect(ana.field("cancelled_orders") == 1)
        #expect(ana.field("total_spend") == 350)
        #expect(ana.field("average_order_value") == 116.67)
        #expect(ana.text("first_purchase") == "2025-09-01")
        #expect(ana.text("last_purchase") == "2026-10-05")
        #expect(ana.field("recency_days") == 9)  // 2026-10-05T10:00 to 2026-10-15T00:00 is 9.58 days.
        // The 365-day window starts 2025-10-15: O1 and O2.
        #expect(ana.field("frequency") == 2)
        #expect(ana.field("monetary") == 150)
        #expect(ana.field("purchases_30d") == 1)
        #expect(ana.field("purchases_90d") == 2)
        #expect(ana.field("purchases_365d") == 2)
        #expect(ana.field("online_orders") == 2)
        #expect(ana.field("offline_orders") == 1)
        #expect(ana.field("online_share") == 0.667)
        #expect(ana.text("channel_mix") == "omnichannel")
        // grocery: 2 × 0.5^(74.6/180) = 1.50; sports: 0.5^(9.6/180) + 0.5^(408.6/180) = 0.96 + 0.21 = 1.17;
        // yoga (stated in the survey 4.6 days ago): 0.98.
        #expect(ana.text("favourite_category") == "grocery")
        #expect(ana.list("top_interests") == ["grocery", "sports", "yoga"])
        #expect(ana.list("interests") == ["yoga"])
        #expect(ana.field("nps") == 3)
        #expect(ana.text("nps_class") == "detractor")
        #expect(ana.text("nps_at") == "2026-10-10")
        #expect(ana.field("feedback_count") == 1)
        #expect(ana.text("lifecycle") == "active")
        #expect(ana.field("age") == 38)
        #expect(ana.list("sources") == ["crm", "shop", "survey", "web"])
        #expect(ana.field("record_count") == 7)
        #expect(ana.field("event_count") == 1)
        #expect(ana.text("last_event") == "2026-10-12")

        let bo = try await fixture.document(of: "shop/O5")
        #expect(bo.field("order_count") == 1)
        #expect(bo.field("recency_days") == 13)
        #expect(bo.text("lifecycle") == "new")
        #expect(bo.text("channel_mix") == "offline")

        // RFM quintiles over the two buyers: Ana is the better of two on every measure.
        #expect(ana.field("r_score") == 3)
        #expect(ana.field("f_score") == 3)
        #expect(ana.field("m_score") == 3)
        #expect(ana.text("rfm") == "333")
        #expect(bo.text("rfm") == "111")
        #expect(ana.text("tier") == "regular")

        let cy = try await fixture.document(of: "crm/C3")
        #expect(cy.field("order_count") == 0)
        #expect(cy.text("lifecycle") == "prospect")
        #expect(cy.field("r_score") == nil)
        #expect(cy.text("tier") == nil)
    }

    @Test("the golden record keeps each value's provenance and the other values as alternates")
    func goldenRecord() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        _ = try await fixture.engine.rebuild(now: ProfileFixture.now)
        let ana = try await fixture.document(of: "crm/C1")
        #expect(ana["golden"]?["name"]?["value"]?["full"]?.stringValue == "Ana Garcia")
        #expect(ProfileDocument.source(of: ana["golden"]?["name"], in: ana)?.connector == "crm")
        #expect(ana["golden"]?["birth_date"]?["value"]?.stringValue == "1988-04-12")
        let emails = ana["alternates"]?["email"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
        #expect(Set(emails) == ["ana@example.com", "ana.g@work.example"])
        // ana@example.com is seen four times (the CRM, O2, O3, O4, the survey), the work address once.
        var settings = ProfileSettings.standard
        settings.survivorship[.email] = .mostFrequent
        var frequent = fixture
        frequent.settings = settings
        _ = try await frequent.engine.rebuild(now: ProfileFixture.now)
        #expect(try await fixture.document(of: "crm/C1")["golden"]?["email"]?["value"]?.stringValue == "ana@example.com")
        settings.survivorship[.email] = .sourcePriority(["shop"])
        frequent.settings = settings
        _ = try await frequent.engine.rebuild(now: ProfileFixture.now)
        let document = try await fixture.document(of: "crm/C1")
        let shopFirst = document["golden"]?["email"]
        #expect(ProfileDocument.source(of: shopFirst, in: document)?.connector == "shop")
        // The newest shop order with an email is O1, with the work address.
        #expect(shopFirst?["value"]?.stringValue == "ana.g@work.example")
    }

    @Test("every order counts towards exactly one profile")
    func accounting() async throws {
        let fixture = try ProfileFixture()
        try await fixture.seed()
        let report = try await fixture.engine.rebuild(now: ProfileFixture.now)
        var orders = 0
        var cancelled = 0.0
        var purchases = 0.0
        try await fixture.store.forEachProfileDocument(segment: nil) { stored in
            let document = try JSONValue(parsing: stored.document)
            orders += document["records"]?["order"]?.numberValue.map { Int(truncating: $0 as NSNumber) } ?? 0
            purchases += document.field("order_count") ?? 0
            cancelled += document.field("cancelled_orders") ?? 0
        }
        #expect(orders == 5)
        #expect(report.orders == 5)
        #expect(purchases + cancelled == 5)
    }
}
