public import Foundation
public import Logging
import PortraitConfig
import PortraitConnectors
import PortraitCore
import PortraitIntake
import PortraitProfiles
import ServiceLifecycle
import UnixSignals

/// `portrait run`: the scheduled syncs and the HTTP port (health, metrics, survey intake) as the services of one
/// `ServiceGroup`, driven by signals.
///
/// SIGTERM or SIGINT shuts down gracefully: the HTTP port stops accepting and answers the requests it has, every
/// sync in progress ends at its next committed checkpoint, leases are released, and ``run()`` returns, so the
/// process exits 0. A second SIGTERM or SIGINT, or a graceful shutdown that outlasts
/// ``Configuration/shutdownGrace``, cancels the runs instead (what they had not committed is read again by the
/// next run; nothing is lost or stored twice either way).
///
/// The handlers are installed before the first line is printed: a supervisor (or a test) that signals as soon as
/// the service has said anything never meets the default action, which kills the process (status 143 in a shell).
public struct ServiceRun: Sendable {
    public struct Configuration: Sendable {
        /// The `portrait.yml` to run.
        public var configFile: URL
        /// Overrides `service.host`.
        public var host: String?
        /// Overrides `service.port`; 0 for a free port.
        public var port: Int?
        /// How long a graceful shutdown may take before the runs still going are cancelled.
        public var shutdownGrace: Duration

        public init(configFile: URL, host: String? = nil, port: Int? = nil, shutdownGrace: Duration = .seconds(20)) {
            self.configFile = configFile
            self.host = host
            self.port = port
            self.shutdownGrace = shutdownGrace
        }
    }

    let configuration: Configuration
    let logger: Logger
    let redactor: LiveRedactor
    let say: @Sendable (String) -> Void

    /// - Parameters:
    ///   - logger: The service's logger; mask secrets through `redactor`.
    ///   - redactor: Gets the secrets of every config loaded, before anything of it is logged.
    ///   - say: Writes one line for the operator (what runs, where it listens, that it stopped).
    public init(
        configuration: Configuration, logger: Logger, redactor: LiveRedactor, say: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.logger = logger
        self.redactor = redactor
        self.say = say
    }

    /// Runs until SIGTERM or SIGINT, then stops as the type's documentation says; SIGHUP reloads the config
    /// (``reload(from:into:webhooks:metrics:intake:)``).
    ///
    /// - Throws: `ConfigError` or `PortraitError.configuration` for a config that cannot run (nothing scheduled and
    ///   no form to serve, an unparsable schedule), the store's errors, and `PortraitError.io` when the port is taken.
    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        let workspace = try Workspace.open(configFile: configuration.configFile)
        redactor.add(workspace.config.redactor)
        let metrics = ServiceMetrics(store: workspace.store)
        let intake = try SurveyIntake(
            workspace: workspace, host: configuration.host, port: configuration.port, probes: metrics, logger: logger)
        let requests = SyncRequestBoard()
        let scheduled = try ScheduledSyncs(workspace: workspace, logger: logger, requests: requests)
        metrics.observe(schedules: scheduled.isEmpty ? nil : scheduled, intake: intake.server)
        guard !intake.forms.isEmpty || !scheduled.isEmpty || !workspace.config.webhooks.isEmpty else {
            throw PortraitError.configuration(
                "\(workspace.config.file.lastPathComponent): no enabled connector has a schedule, no survey form has a secret to accept posts with and no webhook is configured; `portrait run` has nothing to do (add schedule: 15m to a connector, or a secret to a form)"
            )
        }
        let webhookCounters = WebhookCounters()
        let webhooks = try WebhookService(workspace: workspace, counters: webhookCounters, logger: logger)
        metrics.observe(webhooks: webhookCounters)
        for webhook in workspace.config.webhooks {
            say("Webhook: \(webhook.name) → \(webhook.displayURL)")
        }
        for form in intake.formsWithoutSecret {
            say("Not served: form \(form) has no secret (imported from exports only)")
        }
        for (name, schedule) in scheduled.schedules.sorted(by: { $0.key < $1.key }) {
            say("Scheduled: \(name) (\(schedule))")
        }

        let syncs = SyncService(scheduled, requests: requests, store: workspace.store, logger: logger)
        let host = intake.server.configuration.host
        let forms = intake.forms.keys.sorted()
        // The HTTP port always runs: /healthz, /readyz and /metrics, and the forms if there are any.
        let http = HTTPPort(server: intake.server) { [say] port in
            let intakeLine =
                forms.isEmpty ? "" : "POST /v1/forms/{form}/responses (forms: \(forms.joined(separator: ", "))), "
            say("Portrait service on http://\(host):\(port): \(intakeLine)GET /healthz, /readyz, /metrics")
        }
        // Shut down in reverse order: the webhooks (between deliveries), the profiles' loops, the syncs (each ends at
        // its next checkpoint), the port.
        let refresh = try Schedule(parsing: workspace.config.profiles.refresh, field: "profiles.refresh")
        let profiles = ProfileService(
            workspace: workspace, refresh: refresh, catchUp: .seconds(workspace.config.profiles.catchUpSeconds), logger: logger)
        logger.info(
            "profiles kept current",
            metadata: ["catch_up_seconds": "\(workspace.config.profiles.catchUpSeconds)", "refresh": "\(refresh)"])
        // The webhooks' service runs with none configured too: a reload may add some.
        let services: [any Service] = [http, syncs, profiles, webhooks]
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownGrace
        let serviceGroup = ServiceGroup(configuration: group)

        let forced = try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await serviceGroup.run()
                return false
            }
            tasks.addTask { [say] in
                var stopping = false
                var current = workspace
                for await signal in signals {
                    if signal == .sighup {
                        guard !stopping else { continue }
                        current = await reload(
                            from: current, into: syncs, webhooks: webhooks, metrics: metrics, intake: intake)
                        continue
                    }
                    if stopping {
                        say(
                            "Stopping at once (\(signal)): syncs in progress are cancelled; the next run reads again "
                                + "what they had not committed")
                        return true
                    }
                    stopping = true
                    say(
                        "Stopping (\(signal)): syncs in progress end at their next checkpoint, the HTTP port answers "
                            + "the requests it has (\(signal) again stops at once)")
                    await serviceGroup.triggerGracefulShutdown()
                }
                return false
            }
            let forced = try await tasks.next() ?? false
            tasks.cancelAll()  // The signals, or (forced) the services.
            return forced
        }
        say(forced ? "Stopped (forced)" : "Stopped: every sync ended at a checkpoint and released its lease")
    }

    /// SIGHUP: loads and validates `portrait.yml` again and, when it is valid, replaces the schedules and the
    /// webhooks with its own (runs in progress finish under the config they started with; a removed or changed
    /// webhook stops between deliveries, and a changed one goes on under its new settings). On any error the
    /// running config stays and the error, with its file and line, is logged.
    ///
    /// The store, `service:` and the survey forms are read once, at start: a change to them is refused (the
    /// store) or reported as waiting for a restart.
    ///
    /// - Returns: The workspace now running.
    func reload(
        from current: Workspace, into syncs: SyncService, webhooks: WebhookService, metrics: ServiceMetrics,
        intake: SurveyIntake
    ) async -> Workspace {
        let file = configuration.configFile.lastPathComponent
        do {
            let config = try Workspace.loadConfig(at: configuration.configFile)
            guard config.storePath == current.config.storePath else {
                throw PortraitError.configuration(
                    "\(file): store.path changed (\(current.config.storePath.path) → \(config.storePath.path)); a running service keeps its store: restart `portrait run` to switch"
                )
            }
            redactor.add(config.redactor)
            let workspace = Workspace(config: config, store: current.store, registry: current.registry)
            let scheduled = try ScheduledSyncs(workspace: workspace, logger: logger, requests: syncs.requests)
            guard await syncs.replace(with: scheduled) else { return current }
            metrics.observe(schedules: scheduled.isEmpty ? nil : scheduled, intake: intake.server)
            let schedules = scheduled.schedules.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }
            let what = schedules.isEmpty ? "nothing scheduled" : "scheduled " + schedules.joined(separator: ", ")
            say("Reloaded \(file): \(what)")
            logger.notice("config reloaded", metadata: ["file": "\(file)", "scheduled": "\(schedules.count)"])
            let changes = webhooks.apply(config.webhooks)
            if !changes.isEmpty {
                let parts = [("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)]
                    .filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1.joined(separator: ", "))" }
                say("Reloaded webhooks: " + parts.joined(separator: "; "))
                logger.notice(
                    "webhooks reloaded",
                    metadata: [
                        "added": "\(changes.added)", "changed": "\(changes.changed)", "removed": "\(changes.removed)",
                    ])
                for webhook in config.webhooks where changes.added.contains(webhook.name) {
                    say("Webhook: \(webhook.name) → \(webhook.displayURL)")
                }
            }
            if IntakeSettings(config) != IntakeSettings(current.config) {
                say("Not reloaded: service: and the survey forms take effect when `portrait run` restarts")
            }
            return workspace
        } catch {
            let message =
                switch error {
                case let error as ConfigError: error.description
                case let error as PortraitError: error.message
                default: "\(error)"
                }
            logger.error("reload refused; the previous config keeps running", metadata: ["error": "\(message)"])
            say("Reload refused, the previous config keeps running: \(message)")
            return current
        }
    }
}

/// What of a config the HTTP port was built from, to tell whether a reload changed it.
private struct IntakeSettings: Equatable {
    var service: ServiceConfig
    var forms: [String: JSONValue]

    init(_ config: HubConfig) {
        service = config.service
        var forms: [String: JSONValue] = [:]
        for connector in config.enabledConnectors where connector.kind == SurveyConnector.kind {
            forms[connector.name] = connector.options
        }
        self.forms = forms
    }
}

/// The service's HTTP port as a service of the group: Hummingbird follows the group's graceful shutdown (stops
/// accepting, answers the requests it has).
private struct HTTPPort: Service, CustomStringConvertible {
    let server: IntakeServer
    let onListening: @Sendable (Int) -> Void

    /// The group logs services by description: the name, not the configuration (which holds form secrets).
    var description: String { "http-port" }

    func run() async throws {
        try await server.run(onListening: onListening)
    }
}
