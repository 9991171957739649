import Foundation

/// Reads the survey parts of a connector's `options`, collecting every problem with its path so an operator
/// fixes a whole form in one pass rather than one error per load (as the mapping compiler does).
struct SurveyConfigReader {
    private(set) var problems = ConfigurationProblems()

    mutating func add(_ path: JSONPath, _ message: String) {
        problems.add(path, message)
    }

    /// The value as a mapping, or a problem saying one is needed (`example` shows the shape).
    mutating func object(_ value: JSONValue, at path: JSONPath, example: String) -> [String: JSONValue]? {
        if let object = value.objectValue { return object }
        add(path, "must be a mapping, such as \(example)")
        return nil
    }

    /// Reports keys outside `allowed`, with a did-you-mean suggestion among them.
    mutating func checkKeys(_ object: [String: JSONValue], allowed: [String], at path: JSONPath) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            add(path.appending(key), ConfigurationProblems.unknown("key", key, among: allowed))
        }
    }

    /// A non-empty text value; numbers count as text (YAML reads `channel: 1` as a number).
    mutating func string(_ object: [String: JSONValue], _ key: String, at path: JSONPath) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        if value.boolValue == nil, let text = value.textValue.map(TextTransforms.trimmed), !text.isEmpty {
            return text
        }
        add(path.appending(key), "must be non-empty text")
        return nil
    }

    mutating func bool(_ object: [String: JSONValue], _ key: String, at path: JSONPath) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        if let flag = value.boolValue { return flag }
        add(path.appending(key), "must be true or false")
        return nil
    }

    /// A whole number in `range`.
    mutating func integer(_ object: [String: JSONValue], _ key: String, in range: ClosedRange<Int>, at path: JSONPath)
        -> Int?
    {
        guard let value = object[key], !value.isNull else { return nil }
        if let number = value.numberValue, let whole = SurveyNumbers.wholeNumber(number), range.contains(whole) {
            return whole
        }
        add(path.appending(key), "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        return nil
    }

    /// A list of non-empty text values (numbers read as text).
    mutating func stringList(_ value: JSONValue, at path: JSONPath, example: String) -> [String]? {
        guard let items = value.arrayValue else {
            add(path, "must be a list, such as \(example)")
            return nil
        }
        var result: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            guard let text = item.textValue.map(TextTransforms.trimmed), !text.isEmpty, item.boolValue == nil else {
                add(path.appending(index), "must be non-empty text")
                valid = false
                continue
            }
            result.append(text)
        }
        return valid ? result : nil
    }

    /// Every problem as one `PortraitError.configuration`, or nil when there were none.
    var error: PortraitError? {
        let violations = problems.violations
        guard !violations.isEmpty else { return nil }
        if violations.count == 1 { return .configuration(violations[0].description) }
        let lines = violations.map { "  \($0)" }.joined(separator: "\n")
        return .configuration("the survey options have \(violations.count) problems:\n\(lines)")
    }
}

/// Whole numbers from JSON numbers and form text, for scores and config values.
enum SurveyNumbers {
    /// The number as an `Int` when it is whole and of a size a score or setting could have.
    static func wholeNumber(_ value: Decimal) -> Int? {
        guard value.isWholeNumber, value.magnitude < 1_000_000_000 else { return nil }
        return value.clampedInt
    }

    /// A whole number written as text: `9`, ` 9 `, `９` (full-width), `9.0`.
    static func wholeNumber(_ text: String) -> Int? {
        let text = TextTransforms.trimmed(TextTransforms.asciiDigits(text))
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        return wholeNumber(value)
    }
}
