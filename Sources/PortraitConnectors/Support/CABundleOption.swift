import Foundation
import PortraitCore

extension ConnectorContext {
    /// The path of `options.ca_bundle` (a PEM file of CA certificates to trust instead of the system's), resolved
    /// against portrait.yml's folder; nil when not set.
    ///
    /// - Throws: `PortraitError.configuration` when the file cannot be read: found when the config loads, not as a
    ///   TLS failure in the middle of a sync.
    func caBundlePath() throws -> String? {
        guard let written = options["ca_bundle"]?.stringValue else { return nil }
        let path = url(forPath: written).path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PortraitError.configuration(
                "connector '\(name)': options.ca_bundle '\(written)' is not a readable file; give the PEM file of the CA certificates to trust (relative paths start at portrait.yml's folder)"
            )
        }
        return path
    }
}
