import Foundation

/// Runs `body` with a new folder path under the temporary directory (not created), removed afterwards.
func withScratchFolder<Value>(_ body: (URL) throws -> Value) throws -> Value {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-world-test-\(UUID())")
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Every regular file under `directory`, by relative path, with its bytes.
func filesByPath(in directory: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let root = directory.standardizedFileURL.path
    guard
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    else { return [:] }
    for case let url as URL in enumerator
    where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        let path = String(url.standardizedFileURL.path.dropFirst(root.count + 1))
        files[path] = try Data(contentsOf: url)
    }
    return files
}
