import Foundation

/// The HubSpot CRM v3 contact endpoints: the cursor-paged list and the search.
struct HubSpotAPI: Sendable {
    static let listPath = "/crm/v3/objects/contacts"
    static let searchPath = "/crm/v3/objects/contacts/search"

    let state: CRMState
    let maxPageSize: Int

    /// `GET /crm/v3/objects/contacts?limit=&after=&properties=&archived=`: contacts by ascending id; `after` is the
    /// id to start from, and each page but the last carries the next one in `paging.next`.
    func list(_ request: MockCRM.RequestRecord) -> Answer {
        let query = FormURLEncoded.parse((request.query ?? "")[...])
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        guard let limit = pageSize(value("limit")) else {
            return APIShape.hubSpot.error(status: 400, message: "limit must be a positive whole number")
        }
        let after: UInt64
        if let text = value("after"), !text.isEmpty {
            guard let number = UInt64(text) else {
                return APIShape.hubSpot.error(status: 400, message: "Invalid 'after' paging cursor: \(text)")
            }
            after = number
        } else {
            after = 0
        }
        let archived = value("archived")?.lowercased() == "true"
        let names = query.filter { $0.name == "properties" }.flatMap { $0.value.split(separator: ",").map(String.init) }
        let properties = HubSpotProperties(requested: names)

        let (records, next) = state.listPage(after: after, limit: limit, archived: archived)
        var writer = JSONWriter(capacity: 512 + records.count * 420)
        writer.beginObject()
        writer.key("results")
        writer.beginArray()
        for record in records { Self.write(record, properties, to: &writer) }
        writer.endArray()
        if let next {
            writer.key("paging")
            writer.beginObject()
            writer.key("next")
            writer.beginObject()
            writer.key("after")
            writer.string(String(next))
            writer.key("link")
            writer.string("\(state.baseURL)\(Self.listPath)?after=\(next)&limit=\(limit)")
            writer.endObject()
            writer.endObject()
        }
        writer.endObject()
        return .json(writer.bytes, isPage: true)
    }

    /// `POST /crm/v3/objects/contacts/search`: non-archived contacts matching `filterGroups` (groups OR-ed, filters
    /// within a group AND-ed), sorted by `lastmodifieddate` then id; `after` is an offset into that result.
    func search(_ request: MockCRM.RequestRecord) -> Answer {
        let search: SearchRequest
        do {
            search = try SearchRequest(body: request.body, maxPageSize: maxPageSize)
        } catch {
            return APIShape.hubSpot.error(status: 400, message: error.message)
        }
        let (total, records) = state.searchPage(
            intervals: search.intervals, descending: search.descending, offset: search.offset, limit: search.limit)
        var writer = JSONWriter(capacity: 512 + records.count * 420)
        writer.beginObject()
        writer.key("total")
        writer.int(total)
        writer.key("results")
        writer.beginArray()
        for record in records { Self.write(record, search.properties, to: &writer) }
        writer.endArray()
        let nextOffset = search.offset + records.count
        if !records.isEmpty, nextOffset < total {
            writer.key("paging")
            writer.beginObject()
            writer.key("next")
            writer.beginObject()
            writer.key("after")
            writer.string(String(nextOffset))
            writer.endObject()
            writer.endObject()
        }
        writer.endObject()
        return .json(writer.bytes, isPage: true)
    }

    /// The `limit` parameter: HubSpot's default of 10, cut to the configured maximum.
    private func pageSize(_ text: String?) -> Int? {
        guard let text, !text.isEmpty else { return min(10, maxPageSize) }
        guard let value = Int(text), value > 0 else { return nil }
        return min(value, maxPageSize)
    }

    /// One object: `{"id","properties":{…},"createdAt","updatedAt","archived"[,"archivedAt"]}`.
    static func write(_ record: ContactRecord, _ properties: HubSpotProperties, to writer: inout JSONWriter) {
        let contact = record.contact
        writer.beginObject()
        writer.key("id")
        writer.string(contact.id)
        writer.key("properties")
        writer.beginObject()
        if properties.contains(.city) {
            writer.key("city")
            writer.string(contact.city)
        }
        if properties.contains(.company) {
            writer.key("company")
            writer.string(contact.company)
        }
        if properties.contains(.createdate) {
            writer.key("createdate")
            writer.timestamp(record.createdMillis, Timestamp.appendHubSpot)
        }
        if properties.contains(.email) {
            writer.key("email")
            writer.string(contact.email)
        }
        if properties.contains(.firstname) {
            writer.key("firstname")
            writer.string(contact.firstName)
        }
        if properties.contains(.hsObjectID) {
            writer.key("hs_object_id")
            writer.string(contact.id)
        }
        if properties.contains(.lastmodifieddate) {
            writer.key("lastmodifieddate")
            writer.timestamp(record.updatedMillis, Timestamp.appendHubSpot)
        }
        if properties.contains(.lastname) {
            writer.key("lastname")
            writer.string(contact.lastName)
        }
        if properties.contains(.phone) {
            writer.key("phone")
            writer.string(contact.phone)
        }
        writer.endObject()
        writer.key("createdAt")
        writer.timestamp(record.createdMillis, Timestamp.appendHubSpot)
        writer.key("updatedAt")
        writer.timestamp(record.updatedMillis, Timestamp.appendHubSpot)
        writer.key("archived")
        writer.bool(contact.archived)
        if contact.archived {
            writer.key("archivedAt")
            writer.timestamp(record.updatedMillis, Timestamp.appendHubSpot)
        }
        writer.endObject()
    }
}
