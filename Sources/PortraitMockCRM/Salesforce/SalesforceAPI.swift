/// The Salesforce REST query endpoints: `query`, `queryAll` and their cursor pages.
struct SalesforceAPI: Sendable {
    /// Salesforce's default and largest batch size.
    static let maximumBatchSize = 2000

    let state: CRMState

    /// A path under `/services/data/`, split into what the query endpoints need.
    enum Route {
        /// `/services/data/v59.0/query` (or `queryAll`, when `includeDeleted`).
        case query(version: String, includeDeleted: Bool)
        /// `/services/data/v59.0/query/<locator>-<offset>`.
        case cursor(version: String, locator: String, offset: Int?)

        init?(path: String) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            // "", "services", "data", "v59.0", "query", [locator]
            guard parts.count >= 5, parts.count <= 6, parts[0].isEmpty, parts[1] == "services", parts[2] == "data",
                parts[3].first == "v", Double(parts[3].dropFirst()) != nil
            else { return nil }
            let version = String(parts[3])
            let includeDeleted: Bool
            switch parts[4] {
            case "query": includeDeleted = false
            case "queryAll": includeDeleted = true
            default: return nil
            }
            guard parts.count == 6 else {
                self = .query(version: version, includeDeleted: includeDeleted)
                return
            }
            let last = parts[5]
            guard let dash = last.lastIndex(of: "-") else {
                self = .cursor(version: version, locator: String(last), offset: nil)
                return
            }
            self = .cursor(
                version: version, locator: String(last[..<dash]), offset: Int(last[last.index(after: dash)...]))
        }
    }

    func answer(_ route: Route, _ request: MockCRM.RequestRecord) -> Answer {
        switch route {
        case .query(let version, let includeDeleted):
            guard let text = request.queryParameter("q"), !text.isEmpty else {
                return APIShape.salesforce.error(
                    status: 400, message: "A query string has to be specified", code: "MALFORMED_QUERY")
            }
            let query: SOQLQuery
            do {
                query = try SOQLQuery(parsing: text)
            } catch {
                return APIShape.salesforce.error(status: 400, message: error.message, code: error.code)
            }
            let batchSize = Self.batchSize(request.header("sforce-query-options")) ?? Self.maximumBatchSize
            let page = state.startQuery(query, includeDeleted: includeDeleted, batchSize: batchSize)
            return Self.render(page, version: version)
        case .cursor(let version, let locator, let offset):
            let batchSize = Self.batchSize(request.header("sforce-query-options"))
            guard let page = state.queryPage(locator: locator, offset: offset ?? 0, batchSize: batchSize) else {
                return APIShape.salesforce.error(
                    status: 400, message: "invalid query locator", code: "INVALID_QUERY_LOCATOR")
            }
            return Self.render(page, version: version)
        }
    }

    /// `batchSize=N` from `Sforce-Query-Options`, cut to 2,000. Salesforce's own floor of 200 is not applied, so
    /// tests can page through a few hundred contacts in several batches.
    static func batchSize(_ header: String?) -> Int? {
        guard let header else { return nil }
        for option in header.split(separator: ",") {
            let parts = option.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingSpaces().lowercased() == "batchsize",
                let size = Int(parts[1].trimmingSpaces()), size >= 1
            else { continue }
            return min(size, maximumBatchSize)
        }
        return nil
    }

    /// `{"totalSize","done","nextRecordsUrl"?,"records":[…]}`.
    static func render(_ page: CRMState.QueryPage, version: String) -> Answer {
        var writer = JSONWriter(capacity: 512 + page.records.count * (100 + page.fields.count * 40))
        writer.beginObject()
        writer.key("totalSize")
        writer.int(page.totalSize)
        writer.key("done")
        writer.bool(page.next == nil)
        if let next = page.next {
            writer.key("nextRecordsUrl")
            writer.string("/services/data/\(version)/query/\(next.locator)-\(next.offset)")
        }
        writer.key("records")
        writer.beginArray()
        for record in page.records { write(record, fields: page.fields, version: version, to: &writer) }
        writer.endArray()
        writer.endObject()
        return .json(writer.bytes, isPage: true)
    }

    private static func write(
        _ record: ContactRecord, fields: [SOQLQuery.Field], version: String, to writer: inout JSONWriter
    ) {
        let contact = record.contact
        writer.beginObject()
        writer.key("attributes")
        writer.beginObject()
        writer.key("type")
        writer.string("Contact")
        writer.key("url")
        writer.string("/services/data/\(version)/sobjects/Contact/\(record.salesforceID)")
        writer.endObject()
        for field in fields {
            switch field {
            case .id:
                writer.key("Id")
                writer.string(record.salesforceID)
            case .firstName:
                writer.key("FirstName")
                writer.string(contact.firstName)
            case .lastName:
                writer.key("LastName")
                writer.string(contact.lastName)
            case .email:
                writer.key("Email")
                writer.string(contact.email)
            case .phone:
                writer.key("Phone")
                writer.string(contact.phone)
            case .mobilePhone:
                // The mock keeps one phone per contact, as `Phone`.
                writer.key("MobilePhone")
                writer.string(nil)
            case .mailingCity:
                writer.key("MailingCity")
                writer.string(contact.city)
            case .mailingCountry:
                writer.key("MailingCountry")
                writer.string(nil)
            case .createdDate:
                writer.key("CreatedDate")
                writer.timestamp(record.createdMillis, Timestamp.appendSalesforce)
            case .lastModifiedDate:
                writer.key("LastModifiedDate")
                writer.timestamp(record.updatedMillis, Timestamp.appendSalesforce)
            case .isDeleted:
                writer.key("IsDeleted")
                writer.bool(contact.archived)
            }
        }
        writer.endObject()
    }
}
