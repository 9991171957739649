public import PortraitCore

/// One problem in `portrait.yml`, with where it is: `portrait.yml:12:7: connectors[2].options.url: required`.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var path: JSONPath?
    public var message: String

    public init(file: String, line: Int?, column: Int?, path: JSONPath?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        if let path { return "\(place): \(path): \(message)" }
        return "\(place): \(message)"
    }
}

/// Every problem found in a config file at once, so an operator fixes them in one pass.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        return "\(count) in the config:\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The same problems as a `PortraitError`, for callers that handle only that (exit code 2).
    public var portraitError: PortraitError { .configuration(description) }
}
