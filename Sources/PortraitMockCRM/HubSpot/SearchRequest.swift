import Foundation

/// A HubSpot search body, read and checked.
///
/// ```json
/// {"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"2026-03-01T00:00:00.000Z"}]}],
///  "sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],
///  "properties":["email","firstname"],"limit":100,"after":"200"}
/// ```
///
/// Only `lastmodifieddate` (or its alias `hs_lastmodifieddate`) can be filtered and sorted on: that is what
/// incremental syncs use, and it lets each filter group become one time interval searched in a pre-sorted view.
struct SearchRequest {
    struct Invalid: Error {
        var message: String
    }

    /// Allowed `updatedMillis` intervals, any of which matches; nil matches everything.
    var intervals: [ClosedRange<Int64>]?
    var descending = false
    var properties = HubSpotProperties.defaults
    var limit = 10
    var offset = 0

    init(body: [UInt8], maxPageSize: Int) throws(Invalid) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw Invalid(message: "Invalid input JSON: the search body must be a JSON object")
        }
        if let groups = object["filterGroups"] {
            guard let groups = groups as? [Any] else { throw Invalid(message: "filterGroups must be a list") }
            if !groups.isEmpty {
                intervals = try groups.map { group throws(Invalid) in try Self.interval(group) }
            }
        }
        if let sorts = object["sorts"] {
            guard let sorts = sorts as? [Any] else { throw Invalid(message: "sorts must be a list") }
            if let first = sorts.first {
                let sort = try Self.sort(first)
                descending = sort
            }
        }
        if let names = object["properties"] {
            guard let names = names as? [String] else { throw Invalid(message: "properties must be a list of names") }
            properties = HubSpotProperties(requested: names)
        }
        if let value = object["limit"] {
            guard let requested = Self.whole(value), requested > 0 else {
                throw Invalid(message: "limit must be a positive whole number")
            }
            limit = min(requested, maxPageSize)
        } else {
            limit = min(limit, maxPageSize)
        }
        if let value = object["after"] {
            guard let after = Self.whole(value), after >= 0 else {
                throw Invalid(message: "after must be a non-negative offset such as \"100\"")
            }
            offset = after
        }
    }

    /// One filter group as a closed interval of modification times (possibly empty).
    private static func interval(_ group: Any) throws(Invalid) -> ClosedRange<Int64> {
        guard let group = group as? [String: Any] else { throw Invalid(message: "each filter group must be an object") }
        let filters = group["filters"] as? [Any] ?? []
        var low = Int64.min
        var high = Int64.max
        for filter in filters {
            guard let filter = filter as? [String: Any], let property = filter["propertyName"] as? String,
                let operation = filter["operator"] as? String
            else { throw Invalid(message: "each filter needs propertyName, operator and value") }
            guard ["lastmodifieddate", "hs_lastmodifieddate"].contains(property.lowercased()) else {
                throw Invalid(message: "the mock CRM filters only on lastmodifieddate, not '\(property)'")
            }
            guard let millis = millis(filter["value"]) else {
                throw Invalid(
                    message: "'\(filter["value"].map { "\($0)" } ?? "null")' is not a valid date-time for "
                        + "lastmodifieddate: use ISO-8601 or epoch milliseconds")
            }
            switch operation.uppercased() {
            case "GTE": low = max(low, millis)
            case "GT": low = max(low, millis == .max ? .max : millis + 1)
            case "LTE": high = min(high, millis)
            case "LT": high = min(high, millis == .min ? .min : millis - 1)
            case "EQ":
                low = max(low, millis)
                high = min(high, millis)
            default:
                throw Invalid(
                    message: "operator '\(operation)' is not supported by the mock: use GTE, GT, LTE, LT or EQ")
            }
        }
        // An empty interval matches nothing; ClosedRange cannot be empty, so use one no record lies in.
        return low <= high ? low...high : Int64.max...Int64.max
    }

    /// Whether the sort is descending.
    private static func sort(_ sort: Any) throws(Invalid) -> Bool {
        guard let sort = sort as? [String: Any], let property = sort["propertyName"] as? String,
            ["lastmodifieddate", "hs_lastmodifieddate"].contains(property.lowercased())
        else { throw Invalid(message: "the mock CRM sorts only by lastmodifieddate") }
        switch (sort["direction"] as? String)?.uppercased() {
        case nil, "ASCENDING": return false
        case "DESCENDING": return true
        case let direction?: throw Invalid(message: "direction must be ASCENDING or DESCENDING, not '\(direction)'")
        }
    }

    private static func millis(_ value: Any?) -> Int64? {
        if let text = value as? String { return Timestamp.parse(text[...], allowEpochMillis: true) }
        if let number = value as? NSNumber { return number.int64Value }
        return nil
    }

    private static func whole(_ value: Any) -> Int? {
        if let text = value as? String { return Int(text) }
        if let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded() {
            return number.intValue
        }
        return nil
    }
}
