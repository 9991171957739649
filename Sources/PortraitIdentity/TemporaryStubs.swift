// TEMPORARY: minimal stand-ins for the comparison helpers being written on branch `compare`; deleted at merge.
public import Foundation

public enum StringSimilarity {
    public static func jaroWinkler(_ a: [UInt32], _ b: [UInt32]) -> Double { a == b && !a.isEmpty ? 1 : 0 }
    public static func damerauLevenshtein(_ a: [UInt32], _ b: [UInt32], limit: Int) -> Int { a == b ? 0 : limit + 1 }
}

extension String {
    public var identityScalars: [UInt32] { unicodeScalars.map(\.value) }
}

public struct CalendarDate: Hashable, Sendable, Codable {
    public var year: Int
    public var month: Int
    public var day: Int
    public init?(_ text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        (year, month, day) = (parts[0], parts[1], parts[2])
    }
    public var daysSinceEpoch: Int { year * 372 + month * 31 + day }
}

public enum DateAgreement: Sendable { case exact, transposed, withinMonth, withinYear, different }

extension CalendarDate {
    public static func compare(_ a: CalendarDate, _ b: CalendarDate) -> DateAgreement { a == b ? .exact : .different }
}

public enum IdentityText {
    public static func normalized(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
    public static func isPlaceholder(_ normalized: String) -> Bool { ["", "null", "none", "n/a", "unknown", "test"].contains(normalized) }
    public static func isHan(_ text: String) -> Bool { text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
}

public struct PersonName: Hashable, Sendable, Codable {
    public var family: String
    public var given: String
    public var isHan: Bool
    public init?(given: String?, family: String?, full: String?) {
        let g = given.map(IdentityText.normalized) ?? ""
        let f = family.map(IdentityText.normalized) ?? ""
        if g.isEmpty && f.isEmpty {
            guard let full = full.map(IdentityText.normalized), !full.isEmpty else { return nil }
            let parts = full.split(separator: " ")
            self.given = parts.count > 1 ? String(parts[0]) : ""
            self.family = String(parts.last ?? "")
        } else {
            self.given = g
            self.family = f
        }
        isHan = IdentityText.isHan(self.family + self.given)
    }
    public var full: String { isHan ? family + given : given + " " + family }
}
