public import Foundation

extension URL {
    /// A path written in `portrait.yml`: absolute as written, otherwise relative to the config file's folder.
    public static func configPath(_ path: String, relativeTo directory: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    }
}
