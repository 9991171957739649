public import Foundation
public import PortraitCore
public import PortraitIdentity
public import PortraitProfiles

/// The operator's `portrait.yml`, validated: every connector's kind exists, its options match the kind's spec,
/// its mapping compiles, and secrets are resolved from the environment or files.
public struct HubConfig: Sendable {
    public static let defaultFileName = "portrait.yml"
    public static let defaultStorePath = ".portrait/portrait.db"

    /// The config file and the folder relative paths start from.
    public var file: URL
    public var directory: URL
    public var storePath: URL
    public var connectors: [ConnectorConfig]
    /// Masks every secret value that was resolved, for logs and errors.
    public var redactor: SecretRedactor
    /// Where `portrait run` listens.
    public var service: ServiceConfig
    /// How observations become profiles (the `identity` section over the shipped defaults).
    public var identity: IdentitySettings
    /// How profiles are built: survivorship, traits, tiers, segments (the `profiles` section over the defaults).
    public var profiles: ProfileSettings
    /// Destinations of the change feed (`portrait run` delivers to them; `portrait webhooks` shows them).
    public var webhooks: [WebhookConfig]

    public init(
        file: URL, directory: URL, storePath: URL, connectors: [ConnectorConfig], redactor: SecretRedactor,
        service: ServiceConfig = ServiceConfig(), identity: IdentitySettings = .standard,
        profiles: ProfileSettings = .standard, webhooks: [WebhookConfig] = []
    ) {
        self.webhooks = webhooks
        self.identity = identity
        self.profiles = profiles
        self.file = file
        self.directory = directory
        self.storePath = storePath
        self.connectors = connectors
        self.redactor = redactor
        self.service = service
    }

    public func connector(named name: String) -> ConnectorConfig? { connectors.first { $0.name == name } }

    public func webhook(named name: String) -> WebhookConfig? { webhooks.first { $0.name == name } }

    public var enabledConnectors: [ConnectorConfig] { connectors.filter(\.enabled) }
}

/// The `service:` section: where the long-running service (`portrait run`) listens.
public struct ServiceConfig: Sendable, Equatable {
    /// Loopback unless the operator opens it up.
    public var host: String
    public var port: Int
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8940, maxBodyBytes: Int = 64 << 10) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}

/// One connector instance from config.
public struct ConnectorConfig: Sendable {
    public var name: String
    public var kind: String
    public var enabled: Bool
    public var schedule: String?
    /// Options with secrets resolved: hand these to the connector, never print them.
    public var options: JSONValue
    /// Options as written, with `${…}` references unresolved: safe to show.
    public var writtenOptions: JSONValue
    public var mapping: ConnectorMapping
    /// `portrait.yml:14` where the connector is declared.
    public var declaredAt: String

    public init(
        name: String, kind: String, enabled: Bool, schedule: String?, options: JSONValue, writtenOptions: JSONValue,
        mapping: ConnectorMapping, declaredAt: String
    ) {
        self.name = name
        self.kind = kind
        self.enabled = enabled
        self.schedule = schedule
        self.options = options
        self.writtenOptions = writtenOptions
        self.mapping = mapping
        self.declaredAt = declaredAt
    }
}
