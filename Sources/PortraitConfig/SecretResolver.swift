import Foundation
import PortraitCore

/// Resolves `${NAME}` (an environment variable), `${NAME:-default}` (the variable, or the default written after
/// `:-` when it is unset) and `${file:path}` (a file's content) inside config strings.
///
/// Secrets never live in `portrait.yml` itself; this is the only place their values enter the process, and every
/// value resolved from the environment or a file is registered with the redactor so it cannot be logged. A default
/// is written in the file for all to read, so it is not masked.
struct SecretResolver {
    var environment: [String: String]
    var baseDirectory: URL
    var redactor = SecretRedactor()

    /// Keys whose literal values are refused: a secret must come from the environment or a file.
    static let secretKeyPattern = try! NSRegularExpression(
        pattern: "(password|passwd|secret|token|api_?key|credentials?)$", options: [.caseInsensitive])

    static func isSecretKey(_ key: String) -> Bool {
        secretKeyPattern.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
    }

    /// Resolves references throughout `value`; problems are reported per path.
    mutating func resolve(_ value: JSONValue, path: JSONPath, problems: inout [(JSONPath, String)]) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(resolve(text, path: path, problems: &problems))
        case .array(let array):
            return .array(array.enumerated().map { resolve($1, path: path.appending($0), problems: &problems) })
        case .object(let object):
            var resolved: [String: JSONValue] = [:]
            for (key, child) in object {
                let childPath = path.appending(key)
                if Self.isSecretKey(key), case .string(let text) = child, !text.isEmpty, !text.contains("${") {
                    problems.append(
                        (childPath, "looks like a secret written inline; put it in an environment variable and write ${VARIABLE}, or in a file and write ${file:path}"))
                } else if Self.isSecretKey(key), case .string(let text) = child, text.contains(":-") {
                    problems.append(
                        (childPath, "a secret's default would be written inline; write ${VARIABLE} or ${file:path} without ':-'"))
                }
                resolved[key] = resolve(child, path: childPath, problems: &problems)
            }
            return .object(resolved)
        default:
            return value
        }
    }

    private mutating func resolve(_ text: String, path: JSONPath, problems: inout [(JSONPath, String)]) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            if output.hasSuffix("$") {  // `$${` is an escaped literal `${`.
                output.removeLast()
                output += "${"
                rest = rest[start.upperBound...]
                continue
            }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                problems.append((path, "unterminated ${ reference; write ${NAME} or ${file:path}"))
                return text
            }
            let reference = String(rest[start.upperBound..<end])
            if let (value, isDefault) = lookup(reference, path: path, problems: &problems) {
                if !isDefault { redactor.add(value) }
                output += value
            }
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return output
    }

    /// The value of one reference, and whether it is the default written in the file.
    private func lookup(
        _ reference: String, path: JSONPath, problems: inout [(JSONPath, String)]
    ) -> (value: String, isDefault: Bool)? {
        if reference.hasPrefix("file:") {
            let filePath = String(reference.dropFirst("file:".count))
            let url = URL.configPath(filePath, relativeTo: baseDirectory)
            guard let data = FileManager.default.contents(atPath: url.path), let content = String(data: data, encoding: .utf8)
            else {
                problems.append((path, "secret file \(url.path) cannot be read; create it or fix the path in ${file:…}"))
                return nil
            }
            return (content.trimmingCharacters(in: .newlines), false)
        }
        let parts = reference.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            problems.append(
                (path, "'${\(reference)}' is not a valid reference; write ${NAME}, ${NAME:-default} or ${file:path}"))
            return nil
        }
        if let value = environment[name] { return (value, false) }
        if parts.count == 2 { return (String(parts[1]), true) }
        problems.append((path, "environment variable \(name) is not set; export it before running portrait"))
        return nil
    }
}
