public import Foundation
public import PortraitCore
import PortraitIdentity
import PortraitProfiles

extension HubConfig {
    /// Reads and validates a config file.
    ///
    /// - Throws: `ConfigError` listing every problem with its line, column and path; `PortraitError.configuration`
    ///   when the file cannot be read.
    public static func load(
        from file: URL,
        registry: ConnectorRegistry,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HubConfig {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            let exists = FileManager.default.fileExists(atPath: file.path)
            throw PortraitError.configuration(
                exists
                    ? "\(file.path): cannot read the config file; check its permissions"
                    : "\(file.path): no config file here; run `portrait init` to write a starter portrait.yml, or pass --config PATH"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PortraitError.configuration("\(file.path): not UTF-8 text; save the config file as UTF-8")
        }
        return try parse(text: text, file: file, registry: registry, environment: environment)
    }

    /// Validates config text; `file` names the place in messages and anchors relative paths.
    public static func parse(
        text: String,
        file: URL,
        registry: ConnectorRegistry,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HubConfig {
        let displayName = file.lastPathComponent
        let directory = file.deletingLastPathComponent()
        let document = try YAMLDocument(text: text, file: displayName)
        var issues: [ConfigIssue] = []
        func report(_ path: JSONPath, _ message: String) {
            let position = document.position(of: path)
            issues.append(
                ConfigIssue(file: displayName, line: position?.line, column: position?.column, path: path, message: message))
        }

        let root = document.value
        if case .object = root {
            for violation in SchemaRegistry.canonical.validate(root, against: "hub-config.schema.json") {
                report(violation.path, violation.message)
            }
        } else {
            report(.root, "the config must be a mapping with keys such as store and connectors; run `portrait init` for a starter file")
            throw ConfigError(issues: issues)
        }

        var resolver = SecretResolver(environment: environment, baseDirectory: directory)
        let storeText = root["store"]?["path"]?.stringValue ?? defaultStorePath
        let storePath = URL.configPath(storeText, relativeTo: directory)

        var connectors: [ConnectorConfig] = []
        var seenNames: [String: Int] = [:]
        for (index, item) in (root["connectors"]?.arrayValue ?? []).enumerated() {
            let path = JSONPath.root.appending("connectors").appending(index)
            guard let name = item["name"]?.stringValue, let kindName = item["kind"]?.stringValue else { continue }
            if let first = seenNames[name] {
                report(path.appending("name"), "connector name '\(name)' is already used by connectors[\(first)]; names must be unique")
            }
            seenNames[name] = index

            let written = item["options"] ?? .object([:])
            var problems: [(JSONPath, String)] = []
            let options = resolver.resolve(written, path: path.appending("options"), problems: &problems)
            for (problemPath, message) in problems { report(problemPath, message) }

            guard let kind = registry.kind(named: kindName) else {
                do { _ = try registry.requireKind(named: kindName) } catch let error as PortraitError {
                    report(path.appending("kind"), error.message)
                }
                continue
            }
            for violation in SchemaRegistry.canonical.validate(written, againstSchema: kind.configSpec, at: path.appending("options")) {
                report(violation.path, violation.message)
            }

            let mapping: ConnectorMapping
            do {
                // A kind that maps with its own definitions (survey forms) supplies default stream mappings;
                // streams the config maps itself keep the config's.
                var streams = kind.defaultMapping.objectValue ?? [:]
                for (stream, streamMapping) in item["mapping"]?.objectValue ?? [:] { streams[stream] = streamMapping }
                mapping = try ConnectorMapping(
                    json: item["mapping"].map { $0.objectValue == nil ? $0 : .object(streams) } ?? .object(streams),
                    path: path.appending("mapping"))
            } catch {
                // Typed throws: the only error is MappingConfigurationError, with every problem in it.
                for violation in error.violations { report(violation.path, violation.message) }
                continue
            }
            let line = document.position(of: path)?.line
            connectors.append(
                ConnectorConfig(
                    name: name, kind: kindName, enabled: item["enabled"]?.boolValue ?? true,
                    schedule: item["schedule"]?.stringValue, options: options, writtenOptions: written, mapping: mapping,
                    declaredAt: line.map { "\(displayName):\($0)" } ?? displayName))
        }

        var identity = IdentitySettings.standard
        do {
            identity = try IdentitySettings(json: root["identity"], path: JSONPath.root.appending("identity"))
        } catch {
            for violation in error.violations { report(violation.path, violation.message) }
        }
        var profiles = ProfileSettings.standard
        do {
            profiles = try ProfileSettings(json: root["profiles"], path: JSONPath.root.appending("profiles"))
        } catch {
            for violation in error.violations { report(violation.path, violation.message) }
        }

        var webhooks: [WebhookConfig] = []
        if let written = root["webhooks"] {
            let webhooksPath = JSONPath.root.appending("webhooks")
            var problems: [(JSONPath, String)] = []
            let resolved = resolver.resolve(written, path: webhooksPath, problems: &problems)
            for (problemPath, message) in problems { report(problemPath, message) }
            webhooks = WebhookConfig.parseList(
                written: written, resolved: resolved, path: webhooksPath,
                segmentNames: Set(profiles.segments.map(\.name)),
                declaredAt: { at in document.position(of: at).map { "\(displayName):\($0.line)" } ?? displayName },
                report: report)
        }

        if !issues.isEmpty {
            throw ConfigError(issues: Self.ordered(issues))
        }
        var service = ServiceConfig()
        if let section = root["service"] {
            if let host = section["host"]?.stringValue { service.host = host }
            if let port = section["port"]?.numberValue { service.port = port.clampedInt }
            if let bytes = section["max_body_bytes"]?.numberValue { service.maxBodyBytes = bytes.clampedInt }
        }
        return HubConfig(
            file: file, directory: directory, storePath: storePath, connectors: connectors, redactor: resolver.redactor,
            service: service, identity: identity, profiles: profiles, webhooks: webhooks)
    }

    private static func ordered(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        var seen = Set<ConfigIssue>()
        return issues.filter { seen.insert($0).inserted }
            .sorted { ($0.line ?? 0, $0.column ?? 0, $0.path?.description ?? "") < ($1.line ?? 0, $1.column ?? 0, $1.path?.description ?? "") }
    }
}
