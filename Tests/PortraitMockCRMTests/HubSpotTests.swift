import Foundation
import PortraitMockCRM
import PortraitTesting
import Testing

/// The HubSpot CRM v3 shape: list paging, properties, archived contacts and the search endpoint.
struct HubSpotTests {
    static let contacts = MockCRM.generatedContacts(count: 250, seed: 11, archivedEvery: 25)

    /// Pages through `GET /crm/v3/objects/contacts` by following `paging.next.after`, as the connector will.
    static func pageThrough(
        _ running: MockCRM.Running, limit: Int, parameters: String = ""
    ) async throws -> (results: [[String: Any]], pages: Int) {
        var results: [[String: Any]] = []
        var after: String?
        var pages = 0
        repeat {
            let cursor = after.map { "&after=\($0)" } ?? ""
            let response = try await Curl.request(
                running.url("/crm/v3/objects/contacts?limit=\(limit)\(parameters)\(cursor)"))
            try #require(response.status == 200, "\(response.text)")
            let page = try #require(response.object)
            results += try #require(page["results"] as? [[String: Any]])
            after = (page["paging"] as? [String: Any]).flatMap { $0["next"] as? [String: Any] }?["after"] as? String
            pages += 1
        } while after != nil
        return (results, pages)
    }

    @Test func pagingReturnsEveryActiveContactOnceInIDOrder() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let (results, pages) = try await Self.pageThrough(running, limit: 100)
            let expected = Self.contacts.filter { !$0.archived }.map(\.id)
            #expect(results.map { $0["id"] as? String } == expected)
            #expect(pages == 3)
            #expect(results.allSatisfy { $0["archived"] as? Bool == false && $0["archivedAt"] == nil })
        }
    }

    @Test func pagesLinkToTheNextOneAndTheLastHasNoPaging() async throws {
        let crm = MockCRM(configuration: .init(contacts: Array(Self.contacts.prefix(30))))
        try await crm.run { running in
            let first = try #require(try await Curl.request(running.url("/crm/v3/objects/contacts?limit=20")).object)
            let next = try #require((first["paging"] as? [String: Any])?["next"] as? [String: Any])
            #expect(next["after"] as? String == "21")
            #expect(next["link"] as? String == running.url("/crm/v3/objects/contacts?after=21&limit=20"))
            // 21 to 30 without the archived 25.
            let link = try #require(next["link"] as? String)
            let last = try #require(try await Curl.request(link).object)
            #expect((last["results"] as? [Any])?.count == 9)
            #expect(last["paging"] == nil)
        }
    }

    @Test func requestedPropertiesOnlyWithNullsForMissingValues() async throws {
        let contacts = [
            MockCRM.Contact(
                id: "17", firstName: "伟", lastName: "张", email: nil, phone: "+86 138 0013 8000",
                createdAt: Date(timeIntervalSince1970: 1_767_323_045),
                updatedAt: Date(timeIntervalSince1970: 1_767_323_045.5))
        ]
        let crm = MockCRM(configuration: .init(contacts: contacts))
        try await crm.run { running in
            let page = try #require(
                try await Curl.request(running.url("/crm/v3/objects/contacts?properties=email,phone&limit=5")).object)
            let item = try #require((page["results"] as? [[String: Any]])?.first)
            let properties = try #require(item["properties"] as? [String: Any])
            #expect(Set(properties.keys) == ["email", "phone", "createdate", "lastmodifieddate", "hs_object_id"])
            #expect(properties["email"] is NSNull)
            #expect(properties["phone"] as? String == "+86 138 0013 8000")
            #expect(properties["createdate"] as? String == "2026-01-02T03:04:05.000Z")
            #expect(properties["lastmodifieddate"] as? String == "2026-01-02T03:04:05.500Z")
            #expect(properties["hs_object_id"] as? String == "17")
            #expect(item["updatedAt"] as? String == "2026-01-02T03:04:05.500Z")

            let plain = try #require(try await Curl.request(running.url("/crm/v3/objects/contacts")).object)
            let defaults = try #require((plain["results"] as? [[String: Any]])?.first?["properties"] as? [String: Any])
            #expect(
                Set(defaults.keys) == [
                    "email", "firstname", "lastname", "createdate", "lastmodifieddate", "hs_object_id",
                ])
            #expect(defaults["lastname"] as? String == "张")
        }
    }

    @Test func limitDefaultsToTenAndIsCappedAtTheMaximum() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let small = try #require(try await Curl.request(running.url("/crm/v3/objects/contacts")).object)
            #expect((small["results"] as? [Any])?.count == 10)
            let large = try #require(try await Curl.request(running.url("/crm/v3/objects/contacts?limit=500")).object)
            #expect((large["results"] as? [Any])?.count == 100)
            let bad = try await Curl.request(running.url("/crm/v3/objects/contacts?limit=many"))
            #expect(bad.status == 400)
            #expect(bad.object?["category"] as? String == "VALIDATION_ERROR")
        }
    }

    @Test func archivedTrueListsOnlyArchivedContactsWithArchivedAt() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let archivedAt = Date(timeIntervalSince1970: 1_780_000_000)
            running.archive(ids: ["3"], at: archivedAt)
            let (results, _) = try await Self.pageThrough(running, limit: 4, parameters: "&archived=true")
            #expect(results.map { $0["id"] as? String } == ["3"] + (1...10).map { String($0 * 25) })
            #expect(results.allSatisfy { $0["archived"] as? Bool == true && $0["archivedAt"] is String })
            #expect(results.first?["archivedAt"] as? String == "2026-05-28T20:26:40.000Z")
        }
    }

    @Test func searchWithAGTEFilterReturnsExactlyTheUpdatedContacts() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let updated = ["7", "30", "151", "201", "249"]
            running.update(ids: Array(updated.prefix(3)), at: Date(timeIntervalSince1970: 1_790_000_000))
            running.update(ids: Array(updated.suffix(2)), at: Date(timeIntervalSince1970: 1_790_000_000))
            running.archive(ids: ["8"], at: Date(timeIntervalSince1970: 1_790_000_001))
            var ids: [String] = []
            var after = "0"
            var totals: Set<Int> = []
            while true {
                let body = """
                    {"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE",\
                    "value":"2026-09-21T00:00:00Z"}]}],\
                    "sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],\
                    "properties":["email","phone"],"limit":2,"after":"\(after)"}
                    """
                let response = try await Curl.request(
                    running.url("/crm/v3/objects/contacts/search"), method: "POST",
                    headers: [("Content-Type", "application/json")], body: body)
                let page = try #require(response.object, "\(response.text)")
                totals.insert(try #require(page["total"] as? Int))
                let results = try #require(page["results"] as? [[String: Any]])
                ids += results.compactMap { $0["id"] as? String }
                guard let next = (page["paging"] as? [String: Any]).flatMap({ $0["next"] as? [String: Any] }) else {
                    break
                }
                after = try #require(next["after"] as? String)
            }
            // All five share one updatedAt, so ties fall back to id order; the archived one is left out.
            #expect(ids == updated)
            #expect(totals == [5])
            let truth = Dictionary(uniqueKeysWithValues: running.contacts.map { ($0.id, $0) })
            #expect(truth["7"]?.updatedAt == Date(timeIntervalSince1970: 1_790_000_000))
        }
    }

    @Test(arguments: [
        ("GT", "1790000000000", ["2"]), ("GTE", "1790000000000", ["1", "2"]), ("LT", "2026-09-21T14:13:20Z", []),
        ("LTE", "2026-09-21T14:13:20.000Z", ["1"]), ("EQ", "2026-09-21T14:13:20+00:00", ["1"]),
    ])
    func searchOperators(operation: String, value: String, expected: [String]) async throws {
        let contacts = ["1", "2"].enumerated().map { index, id in
            MockCRM.Contact(
                id: id, firstName: "A", lastName: "B", createdAt: Date(timeIntervalSince1970: 1_700_000_000),
                updatedAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)))
        }
        let crm = MockCRM(configuration: .init(contacts: contacts))
        try await crm.run { running in
            let body = """
                {"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"\(operation)",\
                "value":"\(value)"}]}]}
                """
            let response = try await Curl.request(
                running.url("/crm/v3/objects/contacts/search"), method: "POST", body: body)
            let results = try #require(response.object?["results"] as? [[String: Any]], "\(response.text)")
            #expect(results.compactMap { $0["id"] as? String } == expected)
        }
    }

    @Test func searchWithoutFiltersReturnsEverythingAndBadBodiesAreRefused() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let all = try await Curl.request(
                running.url("/crm/v3/objects/contacts/search"), method: "POST",
                body: #"{"filterGroups":[],"limit":100}"#)
            #expect(all.object?["total"] as? Int == 240)
            for body in [
                "not json", #"{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"x"}]}]}"#,
            ] {
                let response = try await Curl.request(
                    running.url("/crm/v3/objects/contacts/search"), method: "POST", body: body)
                #expect(response.status == 400)
                #expect(response.object?["status"] as? String == "error")
                #expect(response.object?["category"] as? String == "VALIDATION_ERROR")
                #expect(response.object?["message"] is String)
            }
        }
    }
}
