import PortraitCore

/// The two CRM API shapes most teams meet, as default options: an operator names the preset and writes a few
/// lines (base URL, credentials, which fields), not a pagination spec. Any option given explicitly wins over the
/// preset's, key by key at the top level.
enum RESTPreset: String, CaseIterable {
    /// HubSpot CRM v3: the search endpoint (POST, `lastmodifieddate >= since`, cursor `paging.next.after` in the
    /// body), and archived records from the list endpoint with `archived=true`.
    case hubspot
    /// Salesforce REST: SOQL through `queryAll` (`LastModifiedDate >= since`), pages by `nextRecordsUrl` until
    /// `done`, deletions flagged by `IsDeleted`.
    case salesforce

    static let hubspotProperties = ["email", "firstname", "lastname", "phone", "mobilephone", "company", "city", "country", "createdate", "lastmodifieddate"]
    static let salesforceFields = ["Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "MailingCity", "MailingCountry", "CreatedDate", "LastModifiedDate"]

    /// The preset's options for `options` (which may set `object`, `properties` / `fields`, `api_version`),
    /// merged under the options themselves.
    func merged(with options: JSONValue, at path: String) throws -> JSONValue {
        guard case .object(let given) = options else { return options }
        var merged = try defaults(given, at: path)
        for (key, value) in given where key != "preset" { merged[key] = value }
        return .object(merged)
    }

    private func defaults(_ given: [String: JSONValue], at path: String) throws -> [String: JSONValue] {
        func names(_ key: String, default fallback: [String]) throws -> [String] {
            guard let value = given[key] else { return fallback }
            guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count, !list.isEmpty
            else { throw PortraitError.configuration("\(path).\(key) must be a list of field names") }
            return list
        }
        switch self {
        case .hubspot:
            let object = given["object"]?.stringValue ?? "contacts"
            let properties = try names("properties", default: Self.hubspotProperties)
            let list = JSONValue.array(properties.map { .string($0) })
            return [
                "base_url": "https://api.hubapi.com",
                "method": "POST",
                "path": .string("/crm/v3/objects/\(object)/search"),
                "body": [
                    "filterGroups": [["filters": [["propertyName": "lastmodifieddate", "operator": "GTE", "value": "{since}"]]]],
                    "sorts": [["propertyName": "lastmodifieddate", "direction": "ASCENDING"]],
                    "properties": list,
                    "limit": "{page_size}",
                ],
                "records": "results",
                "id_field": "id",
                "updated_field": "updatedAt",
                "since_format": "iso8601_millis",
                "page_size": 100,
                "pagination": ["type": "cursor", "path": "paging.next.after", "parameter": "after", "in": "body"],
                "deleted": [
                    "path": .string("/crm/v3/objects/\(object)"),
                    "query": ["archived": "true", "limit": "{page_size}", "properties": .string(properties.joined(separator: ","))],
                    "records": "results",
                    "pagination": ["type": "cursor", "path": "paging.next.after", "parameter": "after"],
                ],
                "stream": .string(object),
            ]
        case .salesforce:
            let object = given["object"]?.stringValue ?? "Contact"
            let version = given["api_version"]?.textValue ?? "59.0"
            var fields = try names("fields", default: Self.salesforceFields)
            for required in ["Id", "LastModifiedDate", "IsDeleted"] where !fields.contains(required) { fields.append(required) }
            let soql = "SELECT \(fields.joined(separator: ", ")) FROM \(object) WHERE LastModifiedDate >= {since} ORDER BY LastModifiedDate, Id"
            return [
                "method": "GET",
                "path": .string("/services/data/v\(version)/queryAll"),
                "query": ["q": .string(soql)],
                "headers": ["Sforce-Query-Options": "batchSize={page_size}"],
                "records": "records",
                "id_field": "Id",
                "updated_field": "LastModifiedDate",
                "since_format": "iso8601",
                "page_size": 2000,
                "pagination": ["type": "next_link", "path": "nextRecordsUrl", "done": "done"],
                "deleted": ["field": "IsDeleted", "value": true],
                "stream": .string(object),
            ]
        }
    }
}
