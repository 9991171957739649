public import Foundation
public import Logging
import PortraitConfig
import PortraitMockCRM
import PortraitCore
import PortraitStore
import PortraitIdentity
import PortraitProfiles

/// `portrait demo`: a scratch workspace with small samples for each source kind, synced end to end.
public struct Demo: Sendable {
    /// Marks a folder as a demo workspace, so a rerun may replace it but never anything else.
    static let markerFile = ".portrait-demo"

    public var directory: URL
    public var logger: Logger
    /// How the user invokes Portrait (`portrait`, or the built binary's path), for the next steps printed.
    public var command: String

    public init(directory: URL, logger: Logger, command: String = "portrait") {
        self.directory = directory
        self.logger = logger
        self.command = command
    }

    /// Sample files per source kind, relative to the workspace.
    static func samples() throws -> [(path: String, kind: String, data: Data)] {
        [
            ("samples/survey/responses.jsonl", "survey", Data((DemoSamples.surveyResponses + "\n").utf8)),
            ("samples/stores/pos_20240502.csv", "csv_drop", Data(DemoSamples.storeReceipts.utf8)),
            ("samples/stores/members_20240502.csv", "csv_drop", try DemoSamples.encodedGB18030(DemoSamples.storeMembers)),
            ("samples/feed/orders.xml", "xml_feed", Data((DemoSamples.orderFeed + "\n").utf8)),
        ]
    }

    /// Builds the workspace, syncs every connector twice (the second run shows that nothing changes), and
    /// prints what happened and what to try next.
    ///
    /// - Returns: the sync reports of the first pass.
    @discardableResult
    public func run(say: (String) -> Void) async throws -> [SyncReport] {
        try prepareDirectory()
        let samples = try Self.samples()
        for sample in samples {
            try write(sample.data, to: sample.path)
        }
        let token = DemoCRM.newToken()
        try write(token + "\n", to: DemoCRM.tokenFile, permissions: 0o600)
        let formSecret = DemoCRM.newToken()
        try write(formSecret + "\n", to: DemoSurvey.secretFile, permissions: 0o600)
        let crm = MockCRM(configuration: .init(contacts: DemoCRM.contacts, auth: .bearer(token: token)))
        return try await crm.run { running in
            try await run(crm: running, formSecret: formSecret, samples: samples, say: say)
        }
    }

    private func run(
        crm: MockCRM.Running, formSecret: String, samples: [(path: String, kind: String, data: Data)],
        say: (String) -> Void
    ) async throws -> [SyncReport] {
        try write(DemoConfig.text(crmURL: crm.baseURL, crmPort: crm.port) + "\n", to: HubConfig.defaultFileName)
        try write("This folder was made by `portrait demo`; running the demo again replaces it.\n", to: Self.markerFile)

        say("Portrait demo workspace: \(directory.path)")
        say("Mock CRM (HubSpot-style REST API, loopback only): \(crm.baseURL), bearer token in \(DemoCRM.tokenFile)")
        let workspace = try Workspace.open(configFile: directory.appendingPathComponent(HubConfig.defaultFileName))
        let runner = SyncRunner(store: workspace.store, registry: workspace.registry, logger: logger)

        say("\nFirst sync: every record is new, bad ones go to quarantine with their reasons.")
        var reports: [SyncReport] = []
        for connector in workspace.config.enabledConnectors {
            let report = try await runner.sync(connector, config: workspace.config)
            reports.append(report)
            say("  " + report.summaryLine)
        }

        say(
            "\nLive form posts to the survey intake (what `portrait run` serves), signed with the form's secret;"
                + " each 2xx is sent once the response is committed:")
        try await DemoSurvey.postSamples(workspace: workspace, secret: formSecret, logger: logger, say: say)

        say(
            "\nSecond sync of the same sources: records are upserted by key and content hash, so nothing changes;"
                + " store files dropped again are recognised by their SHA-256 and skipped.")
        for sample in samples where sample.kind == "csv_drop" {
            try write(sample.data, to: sample.path)  // The till drops the same export again.
        }
        for connector in workspace.config.enabledConnectors {
            if connector.kind != "csv_drop" { try await workspace.store.resetCheckpoint(connector: connector.name) }
            let report = try await runner.sync(connector, config: workspace.config)
            say("  " + report.summaryLine)
        }

        try await showIdentity(workspace: workspace, say: say)

        let quarantined = try await workspace.store.quarantineEntries(connector: nil, limit: 20)
        if !quarantined.isEmpty {
            say("\nThe bad records went to quarantine, each with where it was read (file:line, page and position) and every reason:")
            for entry in quarantined {
                say("  #\(entry.id) \(entry.connector) \(entry.location): \(entry.reasons.joined(separator: "; "))")
            }
            say("  The store files themselves moved to samples/stores/archive/ once their rows were committed.")
        }

        let waiting = samples.filter { workspace.registry.kind(named: $0.kind) == nil }
        if !waiting.isEmpty {
            say("\nSamples waiting for connector kinds not in this build yet:")
            for sample in waiting { say("  \(sample.path)  (kind \(sample.kind))") }
        }

        say(
            """

            Next:
              cd \(directory.path)
              \(command) status                          what each connector did, record and quarantine counts
              \(command) identity explain PROFILE        why a profile's records are together (identity history: merges, splits)
              \(command) profiles show PROFILE           golden record with provenance, traits, segments (--as-of DATE)
              \(command) segments preview "EXPR"         how many profiles an expression selects ("lifecycle = 'active'")
              \(command) changes --since 2026-01-01      the change feed as JSON Lines
              \(command) quarantine list                 why records were quarantined
              \(command) mock-crm --port \(crm.port) --token-file \(DemoCRM.tokenFile)   the demo's CRM again, for `sync crm`
              \(command) run                             the survey intake on 127.0.0.1:8940 (see docs/connectors/survey.md)
              \(command) export records --format jsonl   the canonical records, with their raw originals
              edit portrait.yml, then \(command) quarantine replay, to map quarantined records again
            """)
        return reports
    }

    /// Resolves identities and shows the profile that brings together the most silos: why, then the profile itself.
    private func showIdentity(workspace: Workspace, say: (String) -> Void) async throws {
        say("\nIdentity resolution: the records of one person, from every silo, become one profile.")
        if let report = try await IdentityResolution.run(workspace: workspace, logger: logger) {
            say("  " + report.summaryLine)
        }
        let store = try IdentityResolution.store(of: workspace)
        var connectorsOfProfile: [String: Set<String>] = [:]
        try await store.forEachPlacement { placement in
            if let profile = placement.profileID { connectorsOfProfile[profile, default: []].insert(placement.connector) }
        }
        guard let (profile, connectors) = connectorsOfProfile.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }),
            connectors.count > 1,
            let explanation = try await ProfileExplanation.load(
                profile: profile, settings: workspace.config.identity, store: store)
        else { return }
        say("\nProfile \(profile) joins \(connectors.count) sources (`portrait identity explain \(profile)`):")
        for line in explanation.text.split(separator: "\n") { say("  " + line) }

        say("\nProfiles: the golden record, traits and segments, computed from those records.")
        if let report = try await ProfileUpdates.run(workspace: workspace, logger: logger) { say("  " + report.summary) }
        guard let view = try await ProfileView.load(id: profile, asOf: nil, workspace: workspace) else { return }
        say("\n`portrait profiles show \(profile)`:")
        for line in view.text.split(separator: "\n") { say("  " + line) }
    }

    private func prepareDirectory() throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
            let isDemo = fileManager.fileExists(atPath: directory.appendingPathComponent(Self.markerFile).path)
            guard isDirectory.boolValue, isDemo || contents.isEmpty else {
                throw PortraitError.usage(
                    "\(directory.path) exists and is not a demo workspace; pass --dir with a new or empty folder")
            }
            if isDemo { try fileManager.removeItem(at: directory) }
        }
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PortraitError.io("\(directory.path): cannot create the demo folder (\(error.localizedDescription))")
        }
    }

    private func write(_ text: String, to relativePath: String, permissions: Int? = nil) throws {
        try write(Data(text.utf8), to: relativePath)
        if let permissions {
            try FileManager.default.setAttributes(
                [.posixPermissions: permissions], ofItemAtPath: directory.appendingPathComponent(relativePath).path)
        }
    }

    /// Writes atomically (a rename into place), as the `csv_drop` samples' `complete_when: renamed` expects.
    private func write(_ data: Data, to relativePath: String) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }
}
