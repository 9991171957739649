import Foundation

/// Replaces secret values with a mask wherever text leaves the process (logs, errors, `status`).
public struct SecretRedactor: Sendable, Hashable {
    public static let mask = "••••••"
    public private(set) var secrets: Set<String>

    public init(secrets: Set<String> = []) {
        // Very short values would mask ordinary text; refuse to treat them as maskable secrets.
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    public mutating func add(_ secret: String) {
        if secret.count >= 4 { secrets.insert(secret) }
    }

    public func redact(_ text: String) -> String {
        var result = text
        // Longest first, so a secret that contains another is masked whole.
        for secret in secrets.sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return result
    }
}
