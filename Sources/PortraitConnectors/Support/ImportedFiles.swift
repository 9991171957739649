import Foundation
import PortraitCore

/// The files a folder-reading connector has imported whole, by SHA-256, kept in its state so that an identical
/// file dropped again (under any name) is recognised and not read twice.
///
/// At most `limit` are kept, the oldest forgotten first: the state is rewritten with every checkpoint, so it must
/// stay small. A file older than that is read again and its records come out unchanged.
struct ImportedFiles: Sendable, Equatable {
    struct File: Sendable, Equatable {
        var name: String
        /// When the import committed (ISO 8601, UTC).
        var at: String
        /// The file's size in bytes; nil in states saved before sizes were kept.
        var size: Int?
    }

    static let limit = 10_000

    private var files: [String: File] = [:]

    init() {}

    /// Reads the `imported` object of a saved state; entries that are not `{name, at}` are skipped.
    init(_ value: JSONValue?) {
        for (hash, entry) in value?.objectValue ?? [:] {
            guard let name = entry["name"]?.stringValue, let at = entry["at"]?.stringValue else { continue }
            let size = entry["size"]?.intValue
            files[hash] = File(name: name, at: at, size: size)
        }
    }

    subscript(sha256: String) -> File? { files[sha256] }

    /// Whether a file of `size` bytes may be one of these (an entry of that size, or of unknown size): when not,
    /// the file is new without its hash being known, and hashing it need not come before reading it.
    func mayHold(size: Int) -> Bool {
        files.values.contains { $0.size == nil || $0.size == size }
    }

    mutating func record(sha256: String, name: String, size: Int? = nil, at date: Date) {
        files[sha256] = File(name: name, at: ISO8601DateFormatter().string(from: date), size: size)
        if files.count > Self.limit {
            // ISO 8601 in UTC sorts as time.
            let oldest = files.sorted { ($0.value.at, $0.key) < ($1.value.at, $1.key) }
            for (hash, _) in oldest.prefix(files.count - Self.limit) { files[hash] = nil }
        }
    }

    /// Forgets a file recorded as imported, so the same bytes are read again.
    mutating func forget(sha256: String) {
        files[sha256] = nil
    }

    /// The `imported` object a saved state holds.
    var json: JSONValue {
        .object(
            files.mapValues { file in
                var entry: [String: JSONValue] = ["name": .string(file.name), "at": .string(file.at)]
                if let size = file.size { entry["size"] = .number(Decimal(size)) }
                return .object(entry)
            })
    }
}
