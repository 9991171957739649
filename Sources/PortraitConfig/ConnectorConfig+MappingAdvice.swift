import PortraitCore

extension ConnectorConfig {
    /// Where this connector's mapping and the streams it sends on miss each other: a stream with no mapping (each
    /// of its records would go to quarantine), a stream mapping that fills no value for a property its entity
    /// requires (the same), and a mapping named for a stream the connector never sends (most often the entity's
    /// name written where the stream's belongs). `portrait check` prints these before a sync finds them one
    /// quarantined record at a time.
    ///
    /// - Parameter streams: The streams the instance sends on (`Connector.streamNames`); when empty, nothing is
    ///   known and nothing is said.
    public func mappingAdvice(streams: [String]) -> [String] {
        guard !streams.isEmpty else { return [] }
        let sent = streams.map { "'\($0)'" }.joined(separator: ", ")
        var advice: [String] = []
        for stream in streams {
            guard let streamMapping = mapping.mapping(forStream: stream) else {
                advice.append(
                    "stream '\(stream)' has no mapping, so each of its records would go to quarantine: add mapping.\(stream) (or mapping.*) to connector '\(name)' (\(declaredAt))"
                )
                continue
            }
            let key = mapping.streams.contains(stream) ? stream : ConnectorMapping.wildcard
            for required in streamMapping.unmappedRequiredProperties {
                advice.append(
                    "mapping.\(key) of connector '\(name)' (\(declaredAt)) maps nothing to \(required), which the \(streamMapping.entity.rawValue) schema requires, so each record of stream '\(stream)' would go to quarantine: add fields.\(required)"
                )
            }
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
