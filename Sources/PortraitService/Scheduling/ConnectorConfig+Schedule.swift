public import PortraitConfig

extension ConnectorConfig {
    /// The connector's `schedule:`, parsed; nil when it has none.
    ///
    /// - Throws: `PortraitError.configuration` naming the line of `portrait.yml`, the connector and what is wrong.
    public func parsedSchedule() throws -> Schedule? {
        guard let schedule else { return nil }
        return try Schedule(parsing: schedule, field: "\(declaredAt): connector '\(name)' schedule")
    }
}
