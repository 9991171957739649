import Foundation
import PortraitMockCRM
import PortraitTesting
import Testing

/// The Salesforce REST shape: SOQL queries, cursor pages, queryAll and its errors.
struct SalesforceTests {
    static let contacts = MockCRM.generatedContacts(count: 250, seed: 12, archivedEvery: 25)
    static let batchOf100 = [("Sforce-Query-Options", "batchSize=100")]

    static func queryURL(_ running: MockCRM.Running, _ soql: String, all: Bool = false) -> String {
        let encoded = soql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? soql
        return running.url("/services/data/v59.0/\(all ? "queryAll" : "query")?q=\(encoded)")
    }

    /// Runs a query and follows `nextRecordsUrl` to the end.
    static func queryAllPages(
        _ running: MockCRM.Running, _ soql: String, all: Bool = false
    ) async throws -> (records: [[String: Any]], pages: [[String: Any]]) {
        var url = queryURL(running, soql, all: all)
        var records: [[String: Any]] = []
        var pages: [[String: Any]] = []
        while true {
            let response = try await Curl.request(url, headers: batchOf100)
            let page = try #require(response.object, "\(response.status) \(response.text)")
            pages.append(page)
            records += try #require(page["records"] as? [[String: Any]])
            guard let next = page["nextRecordsUrl"] as? String else { break }
            url = running.url(next)
        }
        return (records, pages)
    }

    @Test func pagingReturnsEveryContactOnceInOrderAndSkipsDeletedOnes() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let (records, pages) = try await Self.queryAllPages(
                running,
                "SELECT Id, FirstName, LastName, Email, LastModifiedDate FROM Contact ORDER BY LastModifiedDate, Id")
            let expected = Self.contacts.filter { !$0.archived }
                .sorted { ($0.updatedAt, Int($0.id)!) < ($1.updatedAt, Int($1.id)!) }
            #expect(records.map { $0["Id"] as? String } == expected.map(\.salesforceID))
            #expect(pages.map { $0["done"] as? Bool } == [false, false, true])
            #expect(pages.allSatisfy { $0["totalSize"] as? Int == 240 })
            #expect(pages.last?["nextRecordsUrl"] == nil)
            let first = try #require(pages.first?["nextRecordsUrl"] as? String)
            #expect(first.hasPrefix("/services/data/v59.0/query/01gMOCK") && first.hasSuffix("-100"))
        }
    }

    @Test func recordsCarryOnlyTheSelectedFieldsInSalesforceForm() async throws {
        let contact = MockCRM.Contact(
            id: "17", firstName: "Seán", lastName: "O'Brien", email: "sean@example.com", phone: nil, city: "Boston",
            createdAt: Date(timeIntervalSince1970: 1_767_323_045),
            updatedAt: Date(timeIntervalSince1970: 1_767_323_045.25))
        let crm = MockCRM(configuration: .init(contacts: [contact]))
        try await crm.run { running in
            let soql = "select id, firstname, Phone, MailingCity, CreatedDate, LastModifiedDate, IsDeleted from contact"
            let page = try #require(try await Curl.request(Self.queryURL(running, soql)).object)
            #expect(page["totalSize"] as? Int == 1)
            #expect(page["done"] as? Bool == true)
            let record = try #require((page["records"] as? [[String: Any]])?.first)
            let id = try #require(contact.salesforceID)
            #expect(id.count == 18 && id.hasPrefix("003"))
            #expect(
                Set(record.keys)
                    == [
                        "attributes", "Id", "FirstName", "Phone", "MailingCity", "CreatedDate", "LastModifiedDate",
                        "IsDeleted",
                    ])
            #expect(record["Id"] as? String == id)
            #expect(record["FirstName"] as? String == "Seán")
            #expect(record["Phone"] is NSNull)
            #expect(record["MailingCity"] as? String == "Boston")
            #expect(record["CreatedDate"] as? String == "2026-01-02T03:04:05.000+0000")
            #expect(record["LastModifiedDate"] as? String == "2026-01-02T03:04:05.250+0000")
            #expect(record["IsDeleted"] as? Bool == false)
            let attributes = try #require(record["attributes"] as? [String: Any])
            #expect(attributes["type"] as? String == "Contact")
            #expect(attributes["url"] as? String == "/services/data/v59.0/sobjects/Contact/\(id)")
        }
    }

    @Test func queryAllIncludesDeletedContactsWithIsDeleted() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.archive(ids: ["1"], at: Date(timeIntervalSince1970: 1_790_000_000))
            let (records, _) = try await Self.queryAllPages(running, "SELECT Id, IsDeleted FROM Contact", all: true)
            #expect(records.count == 250)
            let deleted = Set(records.filter { $0["IsDeleted"] as? Bool == true }.compactMap { $0["Id"] as? String })
            let expected = Set(running.contacts.filter(\.archived).compactMap(\.salesforceID))
            #expect(deleted == expected)
            #expect(deleted.count == 11)
        }
    }

    @Test func whereLastModifiedDateSelectsTheUpdatedContacts() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            running.update(ids: ["40", "9", "120"], at: Date(timeIntervalSince1970: 1_790_000_000))
            let soql =
                "SELECT Id, Email FROM Contact WHERE LastModifiedDate >= 2026-09-21T14:13:20+0000 ORDER BY LastModifiedDate, Id LIMIT 10"
            let (records, _) = try await Self.queryAllPages(running, soql)
            let truth = running.contacts
            let expected = ["9", "40", "120"].map { id in truth.first { $0.id == id }! }
            #expect(records.map { $0["Id"] as? String } == expected.map(\.salesforceID))
            #expect(records.map { $0["Email"] as? String } == expected.map(\.email))
            let none = try #require(
                try await Curl.request(
                    Self.queryURL(running, "SELECT Id FROM Contact WHERE LastModifiedDate > 2026-09-21T14:13:20Z")
                ).object)
            #expect(none["totalSize"] as? Int == 0)
            #expect((none["records"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func orderByDescendingWithALimit() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let soql = "SELECT Id FROM Contact WHERE IsDeleted = false ORDER BY LastModifiedDate DESC, Id LIMIT 30"
            let (records, pages) = try await Self.queryAllPages(running, soql)
            let expected = Self.contacts.filter { !$0.archived }
                .sorted { ($1.updatedAt, Int($0.id)!) < ($0.updatedAt, Int($1.id)!) }
                .prefix(30)
            #expect(records.map { $0["Id"] as? String } == expected.map(\.salesforceID))
            #expect(pages.first?["totalSize"] as? Int == 30)
        }
    }

    @Test(arguments: [
        ("SELECT Id FROM Account", "MALFORMED_QUERY"), ("SELECT Id, Nickname FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Contact WHERE", "MALFORMED_QUERY"), ("Id FROM Contact", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact WHERE LastModifiedDate > '2026-01-01T00:00:00Z'", "MALFORMED_QUERY"),
    ])
    func badQueriesAreRefused(soql: String, code: String) async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let response = try await Curl.request(Self.queryURL(running, soql))
            #expect(response.status == 400)
            let error = try #require(response.list?.first as? [String: Any], "\(response.text)")
            #expect(error["errorCode"] as? String == code)
            #expect(error["message"] is String)
        }
    }

    @Test func anUnknownLocatorIsAnInvalidQueryLocator() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let response = try await Curl.request(running.url("/services/data/v59.0/query/01gMOCK999-100"))
            #expect(response.status == 400)
            #expect((response.list?.first as? [String: Any])?["errorCode"] as? String == "INVALID_QUERY_LOCATOR")
        }
    }

    @Test func aCursorPageCanBeFetchedAgainAfterAFailure() async throws {
        let crm = MockCRM(configuration: .init(contacts: Self.contacts))
        try await crm.run { running in
            let first = try #require(
                try await Curl.request(Self.queryURL(running, "SELECT Id FROM Contact"), headers: Self.batchOf100)
                    .object)
            let next = running.url(try #require(first["nextRecordsUrl"] as? String))
            let once = try await Curl.request(next)
            let again = try await Curl.request(next)
            #expect(once.status == 200 && once.body == again.body)
            // The follow-up keeps the query's batch size unless it sends its own.
            #expect((once.object?["records"] as? [Any])?.count == 100)
        }
    }
}
