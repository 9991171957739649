public import Foundation

/// A fresh, uniquely named directory under the system's temporary directory, for one test.
///
/// Use `TemporaryDirectory.with { dir in ... }`, which removes the directory when the body ends, or create one
/// and call `remove()` yourself.
public struct TemporaryDirectory: Sendable {
    /// The directory; it exists until `remove()`.
    public let url: URL

    /// Creates the directory.
    ///
    /// - Parameter prefix: The start of the directory name, to tell whose files they are.
    /// - Throws: The file system's error if the directory cannot be created.
    public init(prefix: String = "portrait-test") throws {
        let name = "\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The directory's path.
    public var path: String { url.path }

    /// `url` with `relativePath` appended (`"drops/contacts.csv"`); nothing is created.
    public func file(_ relativePath: String) -> URL {
        url.appendingPathComponent(relativePath)
    }

    /// Writes `text` as UTF-8 at `relativePath`, creating intermediate folders, and returns its URL.
    @discardableResult
    public func write(_ text: String, to relativePath: String) throws -> URL {
        try write(Data(text.utf8), to: relativePath)
    }

    /// Writes `data` at `relativePath`, creating intermediate folders, and returns its URL.
    @discardableResult
    public func write(_ data: Data, to relativePath: String) throws -> URL {
        let target = file(relativePath)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target
    }

    /// Deletes the directory and everything in it; a directory already gone is not an error.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Runs `body` with a fresh directory and removes it afterwards, whether `body` returned or threw.
    public static func with<Value>(
        prefix: String = "portrait-test",
        _ body: (TemporaryDirectory) async throws -> Value
    ) async throws -> Value {
        let directory = try TemporaryDirectory(prefix: prefix)
        defer { directory.remove() }
        return try await body(directory)
    }

    /// Synchronous form of `with(prefix:_:)`.
    public static func with<Value>(prefix: String = "portrait-test", _ body: (TemporaryDirectory) throws -> Value) throws -> Value {
        let directory = try TemporaryDirectory(prefix: prefix)
        defer { directory.remove() }
        return try body(directory)
    }
}
