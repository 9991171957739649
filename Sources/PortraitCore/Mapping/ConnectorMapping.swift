/// Every stream mapping of one connector: the `mapping:` block of a connector in `portrait.yml`.
public struct ConnectorMapping: Sendable {
    /// The stream name that catches every stream without its own entry.
    public static let wildcard = "*"

    private var mappings: [String: RecordMapping]

    /// Compiles every stream's mapping.
    ///
    /// - Parameters:
    ///   - json: The `mapping` object: stream name (or `*`) to stream mapping.
    ///   - path: Where it sits in the config (`connectors[0].mapping`).
    /// - Throws: `MappingConfigurationError` with the problems of every stream together.
    public init(json: JSONValue, path: JSONPath) throws(MappingConfigurationError) {
        guard case .object(let streams) = json else {
            throw MappingConfigurationError(violations: [
                SchemaViolation(path: path, message: "mapping must be a mapping from stream name (or *) to its mapping")
            ])
        }
        var violations: [SchemaViolation] = []
        var mappings: [String: RecordMapping] = [:]
        for stream in streams.keys.sorted() {
            let streamPath = path.appending(stream)
            if stream.isEmpty {
                violations.append(SchemaViolation(path: streamPath, message: "a stream name cannot be empty"))
                continue
            }
            do {
                mappings[stream] = try RecordMapping(json: streams[stream]!, path: streamPath)
            } catch {
                violations.append(contentsOf: error.violations)
            }
        }
        guard violations.isEmpty else { throw MappingConfigurationError(violations: violations) }
        self.mappings = mappings
    }

    /// The mapping for a stream: its own entry, else the `*` entry, else nil (the stream is not mapped).
    public func mapping(forStream stream: String) -> RecordMapping? {
        mappings[stream] ?? mappings[Self.wildcard]
    }

    /// The stream names the config maps, `*` included, sorted.
    public var streams: [String] { mappings.keys.sorted() }
}
