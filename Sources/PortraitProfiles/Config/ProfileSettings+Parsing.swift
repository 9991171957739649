import Foundation
public import PortraitCore

/// Every problem in a `profiles` section, each with the path it is at.
public struct ProfileSettingsError: Error, Sendable {
    public var violations: [(path: JSONPath, message: String)]
}

extension ProfileSettings {
    static let sectionKeys: Set<String> = [
        "survivorship", "rfm_window_days", "excluded_statuses", "interest_half_life_days", "currency", "lifecycle",
        "traits", "tiers", "segments", "refresh", "catch_up_seconds",
    ]

    /// Reads a `profiles` section over the standard settings: each key it names replaces the default.
    ///
    /// - Throws: `ProfileSettingsError` with every unknown key, bad rule, trait or expression and its path; an
    ///   expression's error says the column and what was expected there.
    public init(json: JSONValue?, path: JSONPath) throws(ProfileSettingsError) {
        self = .standard
        guard let json else { return }
        var problems: [(path: JSONPath, message: String)] = []
        func report(_ at: JSONPath, _ message: String) { problems.append((at, message)) }
        guard let section = json.objectValue else {
            throw ProfileSettingsError(violations: [(path, "expected a mapping with keys such as traits, tiers and segments")])
        }
        Suggestions.reportUnknownKeys(section, allowed: Self.sectionKeys, path: path, report: report)

        if let value = section["survivorship"] {
            survivorship = Self.parseSurvivorship(value, over: survivorship, path: path.appending("survivorship"), report: report)
        }
        func wholeNumber(_ key: String, minimum: Int) -> Int? {
            guard let value = section[key] else { return nil }
            guard let number = value.numberValue, let int = Int(exactly: Double(truncating: number as NSNumber)), int >= minimum
            else {
                report(path.appending(key), "expected a whole number of at least \(minimum)")
                return nil
            }
            return int
        }
        if let days = wholeNumber("rfm_window_days", minimum: 1) { rfmWindowDays = days }
        if let seconds = wholeNumber("catch_up_seconds", minimum: 1) { catchUpSeconds = seconds }
        if let value = section["refresh"] {
            if let text = value.stringValue {
                refresh = text
            } else {
                report(path.appending("refresh"), "expected a schedule in quotes, such as \"0 3 * * *\" (03:00 UTC daily)")
            }
        }
        if let days = wholeNumber("interest_half_life_days", minimum: 1) { interestHalfLifeDays = Double(days) }
        if let list = section["excluded_statuses"] {
            if let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                excludedStatuses = Set(items.compactMap { $0.stringValue?.lowercased() })
            } else {
                report(path.appending("excluded_statuses"), "expected a list of order statuses, such as [cancelled, refunded]")
            }
        }
        if let value = section["currency"] {
            currency = Self.parseCurrency(value, path: path.appending("currency"), report: report)
        }
        if let value = section["lifecycle"] {
            lifecycle = Self.parseLifecycle(value, path: path.appending("lifecycle"), report: report)
        }
        if let list = section["traits"] {
            traits = Self.parseTraits(list, path: path.appending("traits"), report: report)
        }
        let catalog = ProfileFields.catalog(traits)
        if let list = section["tiers"] {
            let tierCatalog = FieldCatalog(catalog.types.filter { $0.key != "tier" })
            tiers = Self.named(list, path: path.appending("tiers"), conditionKey: "when", what: "tiers", report: report)
                .compactMap { item in
                    guard let condition = Self.expression(item.condition, catalog: tierCatalog, path: item.conditionPath, report: report)
                    else { return nil }
                    return Tier(name: item.name, condition: condition)
                }
        }
        if let list = section["segments"] {
            segments = Self.named(list, path: path.appending("segments"), conditionKey: "where", what: "segments", report: report)
                .compactMap { item in
                    guard let condition = Self.expression(item.condition, catalog: catalog, path: item.conditionPath, report: report)
                    else { return nil }
                    return Segment(name: item.name, condition: condition, description: item.description)
                }
        }
        if !problems.isEmpty { throw ProfileSettingsError(violations: problems) }
    }

    static func expression(
        _ text: String, catalog: FieldCatalog, path: JSONPath, report: (JSONPath, String) -> Void
    ) -> SegmentExpression? {
        do {
            return try SegmentExpression.parse(text, fields: catalog)
        } catch {
            report(path, error.description)
            return nil
        }
    }

    static func parseSurvivorship(
        _ value: JSONValue, over defaults: [Attribute: Survivorship], path: JSONPath, report: (JSONPath, String) -> Void
    ) -> [Attribute: Survivorship] {
        guard let object = value.objectValue else {
            report(path, "expected a mapping of attribute to rule, such as { name: most_frequent, email: most_recent }")
            return defaults
        }
        var rules = defaults
        let attributes = Attribute.allCases.map(\.rawValue)
        Suggestions.reportUnknownKeys(object, allowed: Set(attributes + ["default"]), path: path, report: report)
        if let fallback = object["default"], let rule = parseRule(fallback, path: path.appending("default"), report: report) {
            for attribute in Attribute.allCases { rules[attribute] = rule }
        }
        for attribute in Attribute.allCases {
            guard let item = object[attribute.rawValue] else { continue }
            if let rule = parseRule(item, path: path.appending(attribute.rawValue), report: report) { rules[attribute] = rule }
        }
        return rules
    }

    static func parseRule(_ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void) -> Survivorship? {
        let names = ["most_recent", "most_frequent", "longest", "first_seen"]
        if let name = value.stringValue {
            switch name {
            case "most_recent": return .mostRecent
            case "most_frequent": return .mostFrequent
            case "longest": return .longest
            case "first_seen": return .firstSeen
            default:
                var message = "unknown rule '\(name)'"
                if let suggestion = Suggestions.closest(to: name, among: names + ["source_priority"]) {
                    message += "; did you mean '\(suggestion)'?"
                }
                report(path, message + " (expected \(names.joined(separator: ", ")) or { source_priority: [connector, ...] })")
                return nil
            }
        }
        if let object = value.objectValue, object.count == 1, let list = object["source_priority"]?.arrayValue,
            !list.isEmpty, list.allSatisfy({ $0.stringValue != nil })
        {
            return .sourcePriority(list.compactMap(\.stringValue))
        }
        report(path, "expected \(names.joined(separator: ", ")) or { source_priority: [connector, ...] }")
        return nil
    }

    static func parseCurrency(_ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void) -> Currency? {
        guard let object = value.objectValue, let base = object["base"]?.stringValue, base.count == 3 else {
            report(path, "expected { base: CNY, rates: { USD: 7.1 } }: a base ISO 4217 code and units of base per unit")
            return nil
        }
        Suggestions.reportUnknownKeys(object, allowed: ["base", "rates"], path: path, report: report)
        var rates: [String: Double] = [:]
        for (code, rate) in object["rates"]?.objectValue ?? [:] {
            guard let number = rate.numberValue.map({ Double(truncating: $0 as NSNumber) }), number > 0 else {
                report(path.appending("rates").appending(code), "expected a positive number of \(base) per \(code)")
                continue
            }
            rates[code] = number
        }
        return Currency(base: base, rates: rates)
    }

    static func parseLifecycle(_ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void) -> Lifecycle {
        var lifecycle = Lifecycle()
        guard let object = value.objectValue else {
            report(path, "expected { new_days: 30, active_days: 90, lapsed_days: 365 }")
            return lifecycle
        }
        Suggestions.reportUnknownKeys(object, allowed: ["new_days", "active_days", "lapsed_days"], path: path, report: report)
        for (key, keyPath) in [("new_days", \Lifecycle.newDays), ("active_days", \.activeDays), ("lapsed_days", \.lapsedDays)] {
            guard let item = object[key] else { continue }
            guard let number = item.numberValue, let days = Int(exactly: Double(truncating: number as NSNumber)), days >= 1 else {
                report(path.appending(key), "expected a whole number of days, at least 1")
                continue
            }
            lifecycle[keyPath: keyPath] = days
        }
        if lifecycle.activeDays > lifecycle.lapsedDays {
            report(path, "active_days (\(lifecycle.activeDays)) must not exceed lapsed_days (\(lifecycle.lapsedDays))")
        }
        return lifecycle
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func parseTraits(_ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void) -> [TraitDefinition] {
        guard let list = value.arrayValue else {
            report(path, "expected a list of traits, each { name, aggregate, of, field, where, window_days }")
            return []
        }
        let reserved = Set((ProfileFields.golden + ProfileFields.shipped).map(\.0))
        var seen = Set<String>()
        var traits: [TraitDefinition] = []
        for (index, item) in list.enumerated() {
            let at = path.appending(index)
            guard let object = item.objectValue else {
                report(at, "expected a mapping { name, aggregate, of, field, where, window_days }")
                continue
            }
            Suggestions.reportUnknownKeys(object, allowed: ["name", "aggregate", "of", "field", "where", "window_days"], path: at, report: report)
            guard let name = object["name"]?.stringValue, isName(name) else {
                report(at.appending("name"), "expected a name of lower-case letters, digits and _, starting with a letter")
                continue
            }
            if reserved.contains(name) {
                report(at.appending("name"), "'\(name)' is a shipped field; choose another name")
                continue
            }
            if !seen.insert(name).inserted {
                report(at.appending("name"), "a trait named '\(name)' is declared twice")
                continue
            }
            let aggregates = TraitDefinition.Aggregate.allCases.map(\.rawValue)
            guard let aggregateName = object["aggregate"]?.stringValue,
                let aggregate = TraitDefinition.Aggregate(rawValue: aggregateName)
            else {
                report(at.appending("aggregate"), "expected one of \(aggregates.joined(separator: ", "))")
                continue
            }
            let streams = TraitDefinition.Stream.allCases.map(\.rawValue)
            guard let streamName = object["of"]?.stringValue, let stream = TraitDefinition.Stream(rawValue: streamName) else {
                report(at.appending("of"), "expected one of \(streams.joined(separator: ", "))")
                continue
            }
            let catalog = ProfileFields.itemCatalog(stream)
            let field = object["field"]?.stringValue
            if aggregate == .count {
                if field != nil { report(at.appending("field"), "count takes no field; remove it or choose another aggregate") }
            } else {
                guard let field, let type = catalog.types[field] else {
                    var message = "\(aggregateName) needs a field of \(streamName): one of \(catalog.types.keys.sorted().joined(separator: ", "))"
                    if let field, let suggestion = Suggestions.closest(to: field, among: catalog.types.keys) {
                        message = "unknown field '\(field)'; did you mean '\(suggestion)'? (" + message + ")"
                    }
                    report(at.appending("field"), message)
                    continue
                }
                let allowed: Set<ProfileFieldType>
                switch aggregate {
                case .sum, .avg: allowed = [.number]
                case .min, .max: allowed = [.number, .date, .text]
                case .mostFrequent, .uniqueList: allowed = [.text, .list]
                case .first, .last, .count: allowed = Set([ProfileFieldType.number, .text, .date, .bool, .list])
                }
                if !allowed.contains(type) {
                    report(at.appending("field"), "\(aggregateName) cannot aggregate \(field), a \(type.rawValue) field")
                    continue
                }
            }
            var filter: SegmentExpression?
            if let text = object["where"] {
                guard let string = text.stringValue else {
                    report(at.appending("where"), "expected a condition in quotes, such as \"channel = 'online'\"")
                    continue
                }
                guard let parsed = expression(string, catalog: catalog, path: at.appending("where"), report: report) else { continue }
                filter = parsed
            }
            var window: Int?
            if let days = object["window_days"] {
                guard let number = days.numberValue, let int = Int(exactly: Double(truncating: number as NSNumber)), int >= 1 else {
                    report(at.appending("window_days"), "expected a whole number of days, at least 1")
                    continue
                }
                window = int
            }
            traits.append(
                TraitDefinition(name: name, aggregate: aggregate, stream: stream, field: field, filter: filter, windowDays: window))
        }
        return traits
    }

    /// Items `{ name, <conditionKey>, description }` with unique names.
    static func named(
        _ value: JSONValue, path: JSONPath, conditionKey: String, what: String, report: (JSONPath, String) -> Void
    ) -> [(name: String, condition: String, conditionPath: JSONPath, description: String?)] {
        guard let list = value.arrayValue else {
            report(path, "expected a list of \(what), each { name, \(conditionKey) }")
            return []
        }
        var seen = Set<String>()
        var items: [(name: String, condition: String, conditionPath: JSONPath, description: String?)] = []
        for (index, item) in list.enumerated() {
            let at = path.appending(index)
            guard let object = item.objectValue else {
                report(at, "expected a mapping { name, \(conditionKey) }")
                continue
            }
            Suggestions.reportUnknownKeys(object, allowed: ["name", conditionKey, "description"], path: at, report: report)
            guard let name = object["name"]?.stringValue, isName(name) else {
                report(at.appending("name"), "expected a name of lower-case letters, digits and _, starting with a letter")
                continue
            }
            guard seen.insert(name).inserted else {
                report(at.appending("name"), "'\(name)' is named twice in \(what)")
                continue
            }
            guard let condition = object[conditionKey]?.stringValue else {
                report(at.appending(conditionKey), "expected a condition in quotes, such as \"recency_days <= 30\"")
                continue
            }
            items.append((name, condition, at.appending(conditionKey), object["description"]?.stringValue))
        }
        return items
    }
}
