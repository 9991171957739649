@testable import PortraitCore
import Testing

/// Compiles and runs single transform steps exactly as a mapping's `transform:` list would.
enum TransformFixture {
    /// The compiled step, or the configuration problems as "path: message" lines.
    static func compile(_ entry: JSONValue) -> Result<Transform, ProblemList> {
        var problems = ConfigurationProblems()
        let path = JSONPath(parsing: "fields.x.transform[0]")
        if let transform = Transform.compile(entry, at: path, problems: &problems), problems.isEmpty {
            return .success(transform)
        }
        return .failure(ProblemList(lines: problems.violations.map(\.description)))
    }

    /// Applies the step (which must compile) to one value.
    static func apply(_ entry: JSONValue, to value: JSONValue) throws -> Result<JSONValue, TransformFailure> {
        let transform = try compile(entry).get()
        do throws(TransformFailure) {
            return .success(try transform.apply(value))
        } catch {
            return .failure(error)
        }
    }

    /// The output as text, or nil when the step refused the value.
    static func text(_ entry: JSONValue, _ input: String) throws -> String? {
        try apply(entry, to: .string(input)).get().stringValue
    }

    /// The failure's problem phrase, or nil when the step accepted the value.
    static func failure(_ entry: JSONValue, _ input: JSONValue) throws -> String? {
        if case .failure(let failure) = try apply(entry, to: input) { return failure.problem }
        return nil
    }
}

struct ProblemList: Error, CustomStringConvertible {
    var lines: [String]
    var description: String { lines.joined(separator: "\n") }
}

extension Result {
    /// The success value, or nil on failure (for table tests where nil means "refused").
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
