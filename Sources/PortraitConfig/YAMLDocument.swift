import Foundation
public import PortraitCore
import Yams

/// A YAML file read as JSON values, remembering where each value was written.
///
/// Scalars are typed by the YAML 1.2 core schema (only `true`/`false` are booleans, so `country: NO` stays a
/// string), not YAML 1.1's, and quoted scalars are always strings.
public struct YAMLDocument: Sendable {
    public struct Position: Sendable, Hashable {
        public var line: Int
        public var column: Int
    }

    public var value: JSONValue
    /// Position of each value, and of each mapping key (`keyPositions`), by path.
    var positions: [JSONPath: Position] = [:]
    var keyPositions: [JSONPath: Position] = [:]

    /// Parses YAML text.
    ///
    /// - Throws: `ConfigError` with the line and column of the syntax error.
    public init(text: String, file: String) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(issues: [Self.issue(for: error, file: file)])
        }
        guard let root else {
            value = .object([:])
            return
        }
        var issues: [ConfigIssue] = []
        value = .null
        value = convert(root, path: .root, file: file, issues: &issues)
        if !issues.isEmpty { throw ConfigError(issues: issues) }
    }

    /// Where the value at `path` was written; for a missing value, the nearest ancestor that exists.
    public func position(of path: JSONPath) -> Position? {
        var current: JSONPath? = path
        while let candidate = current {
            if let position = keyPositions[candidate] ?? positions[candidate] { return position }
            current = candidate.parent
        }
        return nil
    }

    private mutating func convert(_ node: Node, path: JSONPath, file: String, issues: inout [ConfigIssue]) -> JSONValue {
        if let mark = node.mark { positions[path] = Position(line: mark.line, column: mark.column) }
        switch node {
        case .scalar(let scalar):
            return Self.typed(scalar)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { convert($1, path: path.appending($0), file: file, issues: &issues) })
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    issues.append(issue(file: file, node: keyNode, path: path, message: "keys must be plain text"))
                    continue
                }
                let key = keyScalar.string
                let childPath = path.appending(key)
                if let mark = keyNode.mark { keyPositions[childPath] = Position(line: mark.line, column: mark.column) }
                if object[key] != nil {
                    issues.append(issue(file: file, node: keyNode, path: childPath, message: "duplicate key '\(key)'"))
                }
                object[key] = convert(valueNode, path: childPath, file: file, issues: &issues)
            }
            return .object(object)
        case .alias:
            issues.append(issue(file: file, node: node, path: path, message: "YAML aliases are not supported here; write the value out"))
            return .null
        }
    }

    private func issue(file: String, node: Node, path: JSONPath, message: String) -> ConfigIssue {
        ConfigIssue(file: file, line: node.mark?.line, column: node.mark?.column, path: path, message: message)
    }

    static func typed(_ scalar: Node.Scalar) -> JSONValue {
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        // Numbers are written as in JSON: `1_000`, `0x1F`, `+1` and zero-padded codes such as `02134` stay text.
        if let first = text.utf8.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            case .number(let number)? = try? JSONValue(parsing: text)
        {
            return .number(number)
        }
        return .string(text)
    }

    static func issue(for error: YamlError, file: String) -> ConfigIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return ConfigIssue(file: file, line: mark.line, column: mark.column, path: nil, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigIssue(
                file: file, line: context.mark.line, column: context.mark.column, path: nil,
                message: "duplicate key(s) \(duplicates.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return ConfigIssue(file: file, line: nil, column: nil, path: nil, message: "cannot read the file as UTF-8 text: \(problem)")
        default:
            return ConfigIssue(file: file, line: nil, column: nil, path: nil, message: "invalid YAML: \(error)")
        }
    }
}
