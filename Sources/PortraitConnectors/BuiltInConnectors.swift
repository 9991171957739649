public import PortraitCore

/// Every connector kind that ships with Portrait. A new kind is a folder in this target plus a line here;
/// `swift package scaffold-connector --name Foo` writes both.
public enum BuiltInConnectors {
    public static let types: [any Connector.Type] = [
        JSONLConnector.self,
        CSVDropConnector.self,
        XMLFeedConnector.self,
        RESTConnector.self,
        SurveyConnector.self,
        // scaffold-connector: new kinds are inserted above this line.
    ]

    public static var registry: ConnectorRegistry { ConnectorRegistry(types) }
}
