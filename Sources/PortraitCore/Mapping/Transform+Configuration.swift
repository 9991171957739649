import Foundation

extension Transform {
    /// The options each transform accepts, as config writes them.
    static let optionNames: [String: [String]] = [
        "phone": ["country"],
        "date": ["formats"],
        "datetime": ["formats", "time_zone"],
        "decimal": ["decimal_separator"],
        "money": ["decimal_separator"],
        "currency": ["default"],
        "map": ["values", "default", "case_sensitive"],
        "concat": ["separator"],
    ]

    /// Compiles one entry of a `transform:` list: a name (`trim`) or a one-key mapping (`{ phone: { country: US } }`).
    ///
    /// Every problem is added to `problems` with its path (the entry, or the option inside it), so one load
    /// reports a whole mapping's mistakes.
    ///
    /// - Returns: The step, or nil when the entry has problems.
    static func compile(_ entry: JSONValue, at path: JSONPath, problems: inout ConfigurationProblems) -> Transform? {
        let name: String
        let options: [String: JSONValue]
        let optionsPath: JSONPath
        switch entry {
        case .string(let text):
            name = text
            options = [:]
            optionsPath = path
        case .object(let object) where object.count == 1:
            name = object.keys.first!
            optionsPath = path.appending(name)
            switch object[name]! {
            case .object(let given): options = given
            case .null: options = [:]
            default:
                if names.contains(name) {
                    problems.add(optionsPath, "the options of '\(name)' must be a mapping, such as { country: CN }")
                    return nil
                }
                options = [:]  // An unknown name: reported below, with a suggestion.
            }
        default:
            problems.add(path, "a transform is a name (trim) or a mapping with one key ({ phone: { country: CN } })")
            return nil
        }
        guard names.contains(name) else {
            problems.add(path, ConfigurationProblems.unknown("transform", name, among: names))
            return nil
        }
        var reader = OptionReader(transform: name, options: options, path: optionsPath)
        reader.checkKeys(allowed: optionNames[name] ?? [])
        let transform = make(name, &reader)
        problems.add(contentsOf: reader.problems.violations)
        return reader.problems.isEmpty ? transform : nil
    }

    private static func make(_ name: String, _ reader: inout OptionReader) -> Transform? {
        switch name {
        case "trim": return .trim
        case "lower": return .lower
        case "upper": return .upper
        case "title": return .title
        case "email": return .email
        case "gender": return .gender
        case "split_name": return .splitName
        case "phone":
            let code = reader.string("country") ?? "CN"
            guard let country = PhoneNumberNormalizer.Country(rawValue: code.uppercased()) else {
                let supported = PhoneNumberNormalizer.Country.allCases.map(\.rawValue).joined(separator: ", ")
                reader.fail(
                    "country",
                    "unsupported phone country '\(code)'; supported: \(supported) (numbers written with a + country code are kept for any country)"
                )
                return nil
            }
            return .phone(PhoneNumberNormalizer(country: country))
        case "date":
            let names = reader.formats()
            var patterns: [DatePattern] = []
            var acceptsTimestamps = false
            for (index, format) in names.enumerated() {
                if format == "iso8601" {
                    patterns.append(DateTransform.iso8601Pattern)
                    acceptsTimestamps = true
                } else if format == "unix" || format == "unix_ms" {
                    reader.fail(
                        at: "formats", index,
                        "'\(format)' is an instant, not a calendar date; use the datetime transform")
                } else {
                    switch DatePattern.compile(format) {
                    case .success(let pattern): patterns.append(pattern)
                    case .failure(let failure):
                        for message in failure.messages { reader.fail(at: "formats", index, message) }
                    }
                }
            }
            return .date(DateTransform(patterns: patterns, acceptsTimestamps: acceptsTimestamps, formatNames: names))
        case "datetime":
            let names = reader.formats()
            var formats: [DateTimeTransform.Format] = []
            for (index, format) in names.enumerated() {
                switch format {
                case "iso8601": formats.append(contentsOf: DateTimeTransform.iso8601Patterns.map { .pattern($0) })
                case "unix": formats.append(.unixSeconds)
                case "unix_ms": formats.append(.unixMilliseconds)
                default:
                    switch DatePattern.compile(format) {
                    case .success(let pattern): formats.append(.pattern(pattern))
                    case .failure(let failure):
                        for message in failure.messages { reader.fail(at: "formats", index, message) }
                    }
                }
            }
            let zoneName = reader.string("time_zone") ?? "UTC"
            guard let zone = TimeZone(identifier: zoneName) else {
                reader.fail(
                    "time_zone",
                    ConfigurationProblems.unknown("time zone", zoneName, among: TimeZone.knownTimeZoneIdentifiers)
                        + " (use an IANA name such as Asia/Shanghai)")
                return nil
            }
            return .datetime(DateTimeTransform(formats: formats, formatNames: names, timeZone: zone))
        case "decimal", "money":
            let separator = reader.string("decimal_separator") ?? "."
            guard separator == "." || separator == "," else {
                reader.fail("decimal_separator", "decimal_separator must be \".\" or \",\", found '\(separator)'")
                return nil
            }
            return .number(NumberParser(decimalSeparator: Character(separator), allowsCurrency: name == "money"))
        case "currency":
            guard let code = reader.string("default") else { return .currency(CurrencyDetector(defaultCode: nil)) }
            guard CurrencyDetector.isoCodes.contains(code.uppercased()) else {
                reader.fail("default", "'\(code)' is not an ISO 4217 currency code (such as CNY, USD, EUR)")
                return nil
            }
            return .currency(CurrencyDetector(defaultCode: code.uppercased()))
        case "map":
            guard let values = reader.options["values"] else {
                reader.fail(nil, "the map transform needs values: a mapping from source value to canonical value")
                return nil
            }
            guard case .object(let table) = values, !table.isEmpty else {
                reader.fail("values", "values must be a non-empty mapping from source value to canonical value")
                return nil
            }
            let caseSensitive = reader.bool("case_sensitive") ?? false
            var seen: [String: String] = [:]
            for key in table.keys.sorted() {
                let folded = ValueMap.fold(key, caseSensitive: caseSensitive)
                if let earlier = seen[folded], table[earlier] != table[key] {
                    reader.fail(
                        "values",
                        "'\(earlier)' and '\(key)' are the same key when case is ignored but map to different values")
                }
                seen[folded] = key
            }
            return .map(ValueMap(values: table, defaultValue: reader.options["default"], caseSensitive: caseSensitive))
        case "concat":
            return .concat(separator: reader.string("separator", allowEmpty: true) ?? " ")
        default:
            return nil
        }
    }
}

/// Reads one transform's options, recording a problem (with its path) for each unknown or ill-typed one.
struct OptionReader {
    let transform: String
    let options: [String: JSONValue]
    /// The path of the options mapping: `…transform[0].phone`.
    let path: JSONPath
    var problems = ConfigurationProblems()

    init(transform: String, options: [String: JSONValue], path: JSONPath) {
        self.transform = transform
        self.options = options
        self.path = path
    }

    mutating func checkKeys(allowed: [String]) {
        for key in options.keys.sorted() where !allowed.contains(key) {
            if allowed.isEmpty {
                problems.add(path.appending(key), "transform '\(transform)' takes no options")
            } else {
                problems.add(
                    path.appending(key),
                    ConfigurationProblems.unknown("option", key, among: allowed) + " (for '\(transform)')")
            }
        }
    }

    mutating func fail(_ key: String?, _ message: String) {
        problems.add(key.map { path.appending($0) } ?? path, message)
    }

    mutating func fail(at key: String, _ index: Int, _ message: String) {
        let list = path.appending(key)
        problems.add(options[key]?.arrayValue == nil ? list : list.appending(index), message)
    }

    mutating func string(_ key: String, allowEmpty: Bool = false) -> String? {
        guard let value = options[key] else { return nil }
        guard case .string(let text) = value, allowEmpty || !text.isEmpty else {
            fail(key, "\(key) must be \(allowEmpty ? "text" : "non-empty text")")
            return nil
        }
        return text
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = options[key] else { return nil }
        guard case .bool(let flag) = value else {
            fail(key, "\(key) must be true or false")
            return nil
        }
        return flag
    }

    /// `formats:` as one format or a list; `iso8601` when not given.
    mutating func formats() -> [String] {
        switch options["formats"] {
        case nil: return ["iso8601"]
        case .string(let format)?: return [format]
        case .array(let list)? where !list.isEmpty && list.allSatisfy({ $0.stringValue?.isEmpty == false }):
            return list.compactMap(\.stringValue)
        default:
            fail("formats", "formats must be a non-empty list of formats, such as [\"yyyy-MM-dd\", \"dd/MM/yyyy\"]")
            return []
        }
    }
}
