public import Foundation
public import PortraitConfig
public import PortraitCore
public import PortraitStore
import PortraitConnectors
import PortraitStoreSQLite

/// A loaded config and the store it names: what every command that touches data starts from.
public struct Workspace: Sendable {
    public var config: HubConfig
    public var store: any Store
    public var registry: ConnectorRegistry

    public init(config: HubConfig, store: any Store, registry: ConnectorRegistry) {
        self.config = config
        self.store = store
        self.registry = registry
    }

    /// The connector kinds this build ships.
    public static var registry: ConnectorRegistry { BuiltInConnectors.registry }

    /// Loads and validates the config; the store is not touched.
    public static func loadConfig(
        at file: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HubConfig {
        try HubConfig.load(from: file, registry: registry, environment: environment)
    }

    /// Loads the config and opens (creating if needed) its store.
    public static func open(
        configFile: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Workspace {
        let config = try loadConfig(at: configFile, environment: environment)
        let store = try SQLiteStore.open(path: config.storePath)
        return Workspace(config: config, store: store, registry: registry)
    }

    /// The enabled connectors named, or all enabled ones when `names` is empty.
    ///
    /// - Throws: `PortraitError.usage` for a name not in the config, with a suggestion.
    public func connectors(named names: [String]) throws -> [ConnectorConfig] {
        if names.isEmpty { return config.enabledConnectors }
        return try names.map { name in
            guard let connector = config.connector(named: name) else {
                var message = "no connector named '\(name)' in \(config.file.lastPathComponent)"
                if let suggestion = Suggestions.closest(to: name, among: config.connectors.map(\.name)) {
                    message += "; did you mean '\(suggestion)'?"
                }
                message += " Configured: \(config.connectors.map(\.name).joined(separator: ", "))"
                throw PortraitError.usage(message)
            }
            return connector
        }
    }
}
