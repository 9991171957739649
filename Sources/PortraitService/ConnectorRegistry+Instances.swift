public import Logging
public import PortraitConfig
public import PortraitCore

extension ConnectorRegistry {
    /// An instance of a configured connector, with its resolved options, the config's folder for relative paths,
    /// and a logger tagged with the connector's name.
    ///
    /// - Throws: `PortraitError.configuration` for an unknown kind or options the kind cannot use.
    public func instance(of connector: ConnectorConfig, config: HubConfig, logger: Logger) throws -> any Connector {
        let kind = try requireKind(named: connector.kind)
        var connectorLogger = logger
        connectorLogger[metadataKey: "connector"] = "\(connector.name)"
        return try kind.make(
            ConnectorContext(
                name: connector.name, options: connector.options, baseDirectory: config.directory,
                logger: connectorLogger))
    }
}
