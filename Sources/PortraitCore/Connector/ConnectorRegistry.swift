/// A registered connector kind: its name, what it reads, its config spec and how to make an instance.
public struct ConnectorKind: Sendable {
    public var name: String
    public var summary: String
    public var configSpec: JSONValue
    /// Stream mappings for streams the config does not map (see `Connector.defaultMapping`).
    public var defaultMapping: JSONValue
    public var make: @Sendable (ConnectorContext) throws -> any Connector

    public init<C: Connector>(_ type: C.Type) {
        self.name = C.kind
        self.summary = C.summary
        self.configSpec = C.configSpec
        self.defaultMapping = C.defaultMapping
        self.make = { try C(context: $0) }
    }
}

/// The connector kinds available to config. Which instances run is decided by config alone.
public struct ConnectorRegistry: Sendable {
    public private(set) var kinds: [String: ConnectorKind] = [:]

    public init(_ types: [any Connector.Type] = []) {
        for type in types { register(type) }
    }

    public mutating func register(_ type: any Connector.Type) {
        kinds[type.kind] = ConnectorKind(type)
    }

    public func kind(named name: String) -> ConnectorKind? { kinds[name] }

    public var names: [String] { kinds.keys.sorted() }

    /// The kind, or an error that lists the kinds there are and suggests the closest name.
    public func requireKind(named name: String) throws -> ConnectorKind {
        if let kind = kinds[name] { return kind }
        var message = "unknown connector kind '\(name)'"
        if let suggestion = Suggestions.closest(to: name, among: kinds.keys) {
            message += "; did you mean '\(suggestion)'?"
        }
        message += " Available kinds: \(names.joined(separator: ", ")) (see `portrait connectors list`)."
        throw PortraitError.configuration(message)
    }
}
