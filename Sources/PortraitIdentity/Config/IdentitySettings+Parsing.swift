import Foundation
public import PortraitCore

/// Every problem in an `identity` section, each with the path it is at.
public struct IdentitySettingsError: Error, Sendable {
    public var violations: [(path: JSONPath, message: String)]
}

extension IdentitySettings {
    private static let sectionKeys: Set<String> = [
        "identifiers", "blocked_values", "blocking", "comparisons", "match_threshold", "max_block_size", "training_pairs",
        "require_corroboration", "clusters_need_agreeing_names",
    ]

    /// Reads an `identity` section over the standard settings: each key it names replaces the default.
    ///
    /// - Throws: `IdentitySettingsError` with every unknown key, field, level or bad value and its path, so that
    ///   the config loader can point at the YAML line.
    public init(json: JSONValue?, path: JSONPath) throws(IdentitySettingsError) {
        self = .standard
        guard let json else { return }
        var problems: [(path: JSONPath, message: String)] = []
        func report(_ at: JSONPath, _ message: String) { problems.append((at, message)) }
        guard let section = json.objectValue else {
            throw IdentitySettingsError(violations: [(path, "expected a mapping with keys such as comparisons and blocking")])
        }
        Suggestions.reportUnknownKeys(section, allowed: Self.sectionKeys, path: path, report: report)

        if let value = section["match_threshold"] {
            if let number = value.numberValue.map({ NSDecimalNumberBridge.double($0) }), number > 0, number < 1 {
                matchThreshold = number
            } else {
                report(path.appending("match_threshold"), "expected a probability between 0 and 1 (exclusive), such as 0.95")
            }
        }
        for (key, minimum) in [("max_block_size", 2), ("training_pairs", 1000)] {
            guard let value = section[key] else { continue }
            guard let number = value.numberValue, let int = Int(exactly: NSDecimalNumberBridge.double(number)), int >= minimum
            else {
                report(path.appending(key), "expected a whole number of at least \(minimum)")
                continue
            }
            if key == "max_block_size" { maxBlockSize = int } else { trainingPairs = int }
        }

        for key in ["require_corroboration", "clusters_need_agreeing_names"] {
            guard let flag = section[key] else { continue }
            guard let bool = flag.boolValue else {
                report(path.appending(key), "expected true or false")
                continue
            }
            if key == "require_corroboration" { requireCorroboration = bool } else { clustersNeedAgreeingNames = bool }
        }
        if let list = section["identifiers"] {
            identifiers = Self.parseIdentifiers(list, path: path.appending("identifiers"), report: report)
        }
        if let list = section["blocked_values"] {
            blockedValues = Self.parseBlockedValues(list, path: path.appending("blocked_values"), report: report)
        }
        if let list = section["blocking"] {
            blocking = Self.parseBlocking(list, path: path.appending("blocking"), report: report)
        }
        if let list = section["comparisons"] {
            comparisons = Self.parseComparisons(list, path: path.appending("comparisons"), report: report)
        }
        if !problems.isEmpty { throw IdentitySettingsError(violations: problems) }
    }

    private static func items(
        _ value: JSONValue, path: JSONPath, what: String, report: (JSONPath, String) -> Void
    ) -> [(JSONPath, JSONValue)] {
        guard let array = value.arrayValue else {
            report(path, "expected a list of \(what)")
            return []
        }
        return array.enumerated().map { (path.appending($0.offset), $0.element) }
    }

    private static func parseIdentifiers(
        _ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void
    ) -> [IdentifierRule] {
        var rules: [IdentifierRule] = []
        for (at, item) in items(value, path: path, what: "identifier types", report: report) {
            guard let object = item.objectValue, let type = object["type"]?.stringValue, !type.isEmpty else {
                report(at, "expected a mapping with at least `type`, e.g. { type: email, deterministic: true }")
                continue
            }
            Suggestions.reportUnknownKeys(object, allowed: ["type", "deterministic", "scope", "max_per_profile"], path: at, report: report)
            var rule = IdentifierRule(type: type, deterministic: false)
            if let flag = object["deterministic"] {
                if let bool = flag.boolValue { rule.deterministic = bool } else { report(at.appending("deterministic"), "expected true or false") }
            }
            if let scope = object["scope"] {
                if let text = scope.stringValue, let parsed = IdentifierRule.Scope(rawValue: text) {
                    rule.scope = parsed
                } else {
                    report(at.appending("scope"), "expected global or connector")
                }
            }
            if let limit = object["max_per_profile"] {
                if let number = limit.numberValue, let int = Int(exactly: NSDecimalNumberBridge.double(number)), int >= 1 {
                    rule.maxPerProfile = int
                } else {
                    report(at.appending("max_per_profile"), "expected a whole number of at least 1")
                }
            }
            if rules.contains(where: { $0.type == type }) {
                report(at.appending("type"), "'\(type)' is listed twice; each type has one rule")
            }
            rules.append(rule)
        }
        return rules
    }

    private static func parseBlockedValues(
        _ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void
    ) -> [BlockedValue] {
        var blocked: [BlockedValue] = []
        for (at, item) in items(value, path: path, what: "blocked values", report: report) {
            guard let object = item.objectValue else {
                report(at, "expected a mapping such as { value: \"+8613800000000\" } or { type: email, pattern: \"^test@\" }")
                continue
            }
            Suggestions.reportUnknownKeys(object, allowed: ["type", "value", "pattern"], path: at, report: report)
            let type = object["type"]?.stringValue
            switch (object["value"]?.textValue, object["pattern"]?.stringValue) {
            case (let exact?, nil):
                blocked.append(BlockedValue(type: type, match: .exact(exact)))
            case (nil, let pattern?):
                if (try? Regex(pattern)) == nil {
                    report(at.appending("pattern"), "'\(pattern)' is not a valid regular expression")
                } else {
                    blocked.append(BlockedValue(type: type, match: .pattern(pattern)))
                }
            default:
                report(at, "give exactly one of `value` (an exact value) or `pattern` (a regular expression)")
            }
        }
        return blocked
    }

    private static func parseField(_ value: JSONValue?, path: JSONPath, report: (JSONPath, String) -> Void) -> FeatureField? {
        guard let text = value?.stringValue, let field = FeatureField(spelling: text) else {
            report(path, "unknown field; expected one of \(FeatureField.spellings.joined(separator: ", "))")
            return nil
        }
        return field
    }

    private static func parseBlocking(
        _ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void
    ) -> [BlockingRule] {
        var rules: [BlockingRule] = []
        for (at, item) in items(value, path: path, what: "blocking rules (each a list of fields)", report: report) {
            let fieldValues = item.arrayValue ?? (item.stringValue != nil ? [item] : [])
            guard !fieldValues.isEmpty else {
                report(at, "expected a field or a list of fields, such as [family, birth_date]")
                continue
            }
            let fields = fieldValues.enumerated().compactMap { index, field in
                parseField(field, path: item.arrayValue == nil ? at : at.appending(index), report: report)
            }
            if fields.count == fieldValues.count { rules.append(BlockingRule(fields: fields)) }
        }
        return rules
    }

    private static func parseComparisons(
        _ value: JSONValue, path: JSONPath, report: (JSONPath, String) -> Void
    ) -> [ComparisonSpec] {
        var specs: [ComparisonSpec] = []
        for (at, item) in items(value, path: path, what: "comparisons", report: report) {
            guard let object = item.objectValue else {
                report(at, "expected a mapping such as { field: given, levels: [exact, { jaro_winkler: 0.9 }] }")
                continue
            }
            Suggestions.reportUnknownKeys(object, allowed: ["field", "levels", "term_frequency", "different_vetoes"], path: at, report: report)
            guard let field = parseField(object["field"], path: at.appending("field"), report: report) else { continue }
            var levels: [ComparisonLevel] = []
            for (levelPath, level) in items(
                object["levels"] ?? .array([]), path: at.appending("levels"), what: "levels", report: report)
            {
                if let parsed = parseLevel(level, field: field, path: levelPath, report: report) { levels.append(parsed) }
            }
            if levels.isEmpty { report(at.appending("levels"), "a comparison needs at least one level, such as [exact]") }
            if levels.count > 14 { report(at.appending("levels"), "at most 14 levels per comparison") }
            var termFrequency = false
            if let flag = object["term_frequency"] {
                if let bool = flag.boolValue { termFrequency = bool } else { report(at.appending("term_frequency"), "expected true or false") }
            }
            var differentVetoes = false
            if let flag = object["different_vetoes"] {
                if let bool = flag.boolValue { differentVetoes = bool } else { report(at.appending("different_vetoes"), "expected true or false") }
            }
            specs.append(
                ComparisonSpec(field: field, levels: levels, termFrequency: termFrequency, differentVetoes: differentVetoes))
        }
        if specs.count > 16 { report(path, "at most 16 comparisons; combine fields or drop the weakest") }
        return specs
    }

    private static func parseLevel(
        _ value: JSONValue, field: FeatureField, path: JSONPath, report: (JSONPath, String) -> Void
    ) -> ComparisonLevel? {
        let isDate = field == .birthDate
        let isName = field == .given || field == .family || field == .name
        if let name = value.stringValue {
            switch name {
            case "exact": return .exact
            case "swapped" where isName: return .swapped
            case "transposed" where isDate: return .transposed
            case "within_month" where isDate: return .withinMonth
            case "within_year" where isDate: return .withinYear
            default:
                let allowed =
                    ["exact"] + (isName ? ["swapped"] : []) + (isDate ? ["transposed", "within_month", "within_year"] : [])
                    + (isDate ? [] : ["{ jaro_winkler: 0.9 }", "{ damerau_levenshtein: 1 }"])
                report(path, "unknown level '\(name)' for \(field); expected one of \(allowed.joined(separator: ", "))")
                return nil
            }
        }
        if let object = value.objectValue, object.count == 1, let (key, parameter) = object.first, !isDate {
            let number = parameter.numberValue.map { NSDecimalNumberBridge.double($0) }
            switch key {
            case "jaro_winkler":
                if let number, number > 0, number <= 1 { return .jaroWinkler(number) }
                report(path.appending(key), "expected a similarity threshold above 0 and at most 1, such as 0.9")
                return nil
            case "damerau_levenshtein":
                if let number, number >= 1, number == number.rounded() { return .damerauLevenshtein(Int(number)) }
                report(path.appending(key), "expected a whole edit distance of at least 1, such as 1")
                return nil
            default: break
            }
        }
        report(path, "unknown level; expected exact, or { jaro_winkler: T }, { damerau_levenshtein: D } or a date level")
        return nil
    }
}

/// Decimal to Double without Foundation's bridging at every call site.
enum NSDecimalNumberBridge {
    static func double(_ decimal: Decimal) -> Double { Double(truncating: decimal as NSNumber) }
}
