import PortraitCore

extension ConnectorConfig {
    /// Where this connector's mapping and the streams it sends on miss each other: a stream with no mapping (each
    /// of its records would go to quarantine) and a mapping named for a stream the connector never sends (most
    /// often the entity's name written where the stream's belongs). `portrait check` prints these before a sync
    /// finds them one quarantined record at a time.
    ///
    /// - Parameter streams: The streams the instance sends on (`Connector.streamNames`); when empty, nothing is
    ///   known and nothing is said.
    public func mappingAdvice(streams: [String]) -> [String] {
        guard !streams.isEmpty else { return [] }
        let sent = streams.map { "'\($0)'" }.joined(separator: ", ")
        var advice: [String] = []
        for stream in streams where mapping.mapping(forStream: stream) == nil {
            advice.append(
                "stream '\(stream)' has no mapping, so each of its records would go to quarantine: add mapping.\(stream) (or mapping.*) to connector '\(name)' (\(declaredAt))"
            )
        }
        for mapped in mapping.streams where mapped != ConnectorMapping.wildcard && !streams.contains(mapped) {
            let fix = streams.count == 1 ? "rename it to mapping.\(streams[0])" : "rename it to one of those"
            advice.append(
                "mapping.\(mapped) names no stream of connector '\(name)' (\(declaredAt)), which sends \(sent): \(fix)"
            )
        }
        return advice
    }
}
