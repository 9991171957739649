import Foundation
import Testing

/// The `portrait` binary as an operator runs it: exit codes, messages, and the README's first steps.
struct CommandLineTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `portrait` executable built beside the test bundle.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("portrait")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/portrait")
    }

    /// Runs the binary and waits for it on the calling thread.
    private func runBlocking(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PORTRAIT_CONFIG")
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A long-running command (`run`, `mock-crm`) started in the background, once it has written its first lines.
    struct Started {
        let process: Process
        /// The first lines it wrote.
        let output: String

        /// The first `http://127.0.0.1:<port>` in its output: where it listens.
        var baseURL: String? { output.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+/).map { String($0.output) } }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Starts the binary with `arguments` and waits (off the concurrency pool) for `lines` lines of its output.
    func start(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], lines: Int = 1
    ) async throws -> Started {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        let text = await withCheckedContinuation { continuation in
            Thread {
                var bytes: [UInt8] = []
                while bytes.filter({ $0 == UInt8(ascii: "\n") }).count < lines {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
        return Started(process: process, output: text)
    }

    /// Runs the binary to its end, waiting on a thread of its own: a wait on a thread of the concurrency pool
    /// held it for the whole command (two on a 2-core machine: two such waits stalled every other test of the
    /// process, and an in-process server, a mock CRM, could not answer).
    func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result { try runBlocking(arguments, in: directory, environment: environment) })
            }.start()
        }
    }

    @Test func initCheckAndDemoWorkInAnEmptyFolder() async throws {
        try await withScratchDirectory { directory in
            let initResult = try await run(["init"], in: directory)
            #expect(initResult.status == 0, "\(initResult.stderr)")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("portrait.yml").path))

            let check = try await run(["check"], in: directory)
            #expect(check.status == 0, "\(check.stderr)")
            #expect(check.stdout.contains("portrait.yml: valid"))

            let demo = try await run(["demo"], in: directory)
            #expect(demo.status == 0, "\(demo.stderr)")
            // The CRM is pulled over HTTP from the bundled mock: one contact has a bad email, one is archived.
            #expect(demo.stdout.contains("Mock CRM (HubSpot-style REST API, loopback only): http://127.0.0.1:"), "\(demo.stdout)")
            #expect(demo.stdout.contains("crm: read 7 · new 6 · updated 0 · unchanged 0 · quarantined 1"), "\(demo.stdout)")
            #expect(demo.stdout.contains("crm: read 7 · new 0 · updated 0 · unchanged 6 · quarantined 1"), "\(demo.stdout)")
            #expect(demo.stdout.contains("portrait quarantine list"))
            // The survey: an export imported by sync, and live posts to the intake, one refused with its fields.
            #expect(demo.stdout.contains("survey: read 4 · new 3 · updated 0 · unchanged 0 · quarantined 1"), "\(demo.stdout)")
            #expect(demo.stdout.contains(#"(application/x-www-form-urlencoded) → 201 {"response_id":"web-2","status":"stored"}"#))
            #expect(demo.stdout.contains(#"→ 400 {"error":"invalid response","fields":[{"field":"nps""#))
            #expect(demo.stdout.contains("web-1: promoter; topics: staff (店员, 热情)"), "\(demo.stdout)")
            // The store drop: a multi-line note, a GB18030 member list, bad rows quarantined by file:line.
            #expect(demo.stdout.contains("store-receipts: read 6 · new 3 · updated 0 · unchanged 0 · quarantined 3"), "\(demo.stdout)")
            #expect(demo.stdout.contains("store-members: read 3 · new 3 · updated 0 · unchanged 0 · quarantined 0"), "\(demo.stdout)")
            #expect(demo.stdout.contains("pos_20240502.csv: already imported at"), "\(demo.stdout)")
            for line in [5, 7, 8] {  // After a quoted note over lines 3-4.
                #expect(demo.stdout.contains("samples/stores/pos_20240502.csv:\(line):"), "\(demo.stdout)")
            }

            let workspace = directory.appendingPathComponent("portrait-demo")
            let status = try await run(["status", "--json"], in: workspace)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("\"records\" : 5"))

            let identities = try await run(["export", "identities", "--format", "csv"], in: workspace)
            #expect(identities.status == 0)
            #expect(identities.stdout.hasPrefix("connector,stream,source_id,profile_id\n"))
            #expect(identities.stdout.contains("crm,contacts,1001,"))

            let list = try await run(["quarantine", "list"], in: workspace)
            #expect(list.stdout.contains("/crm/v3/objects/contacts/search page 1 #5"), "\(list.stdout)")
        }
    }

    @Test func initRefusesToOverwrite() async throws {
        try await withScratchDirectory { directory in
            _ = try await run(["init"], in: directory)
            let again = try await run(["init"], in: directory)
            #expect(again.status == 2)
            #expect(again.stderr.contains("already exists; pass --force"))
        }
    }

    @Test func configErrorExitsTwoWithLineAndNoStackTrace() async throws {
        try await withScratchDirectory { directory in
            try Data("connectors:\n  - name: crm\n    kind: jsonl\n    optoins: {}\n".utf8)
                .write(to: directory.appendingPathComponent("portrait.yml"))
            let result = try await run(["check"], in: directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains("portrait.yml:4:5: connectors[0].optoins: unknown key 'optoins'; did you mean 'options'?"))
            #expect(result.stderr.contains("2 problems in the config"))
            #expect(result.stderr.contains("portrait.yml:2:5: connectors[0].options.path: required"))
            #expect(!result.stderr.contains("Fatal error"))
        }
    }

    @Test func missingEnvironmentVariableExitsTwo() async throws {
        try await withScratchDirectory { directory in
            try Data("connectors:\n  - name: crm\n    kind: jsonl\n    options: { path: \"${NO_SUCH_VAR_X}\" }\n".utf8)
                .write(to: directory.appendingPathComponent("portrait.yml"))
            let result = try await run(["sync"], in: directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains("environment variable NO_SUCH_VAR_X is not set"))
        }
    }

    @Test func unknownConnectorKindSuggestsTheRealOne() async throws {
        try await withScratchDirectory { directory in
            try Data("connectors:\n  - name: crm\n    kind: jsnl\n".utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let result = try await run(["check"], in: directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains("unknown connector kind 'jsnl'; did you mean 'jsonl'?"))
        }
    }

    @Test func checkSaysWhenTheMappingIsNamedForNoStreamTheConnectorSends() async throws {
        try await withScratchDirectory { directory in
            try Data("<feed><order id=\"1\"/></feed>".utf8).write(to: directory.appendingPathComponent("orders.xml"))
            let config = """
                connectors:
                  - name: shop
                    kind: xml_feed
                    options: { path: orders.xml, record: /feed/order, fields: { id: "@id" } }
                    mapping:
                      customer: { entity: order, fields: { id: id } }

                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let result = try await run(["check"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout.contains(
                    "    ! stream 'order' has no mapping, so each of its records would go to quarantine: add mapping.order (or mapping.*) to connector 'shop' (portrait.yml:2)"
                ), "\(result.stdout)")
            #expect(result.stdout.contains("    ! mapping.customer names no stream of connector 'shop'"))
            let json = try await run(["check", "--json"], in: directory)
            let checks = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            #expect((checks?.first?["warnings"] as? [String])?.count == 2, "\(json.stdout)")
        }
    }

    @Test func corruptStoreExitsOneWithTheFix() async throws {
        try await withScratchDirectory { directory in
            _ = try await run(["init"], in: directory)
            let storeDirectory = directory.appendingPathComponent(".portrait")
            try FileManager.default.createDirectory(at: storeDirectory, withIntermediateDirectories: true)
            try Data(repeating: 0x5A, count: 4096).write(to: storeDirectory.appendingPathComponent("portrait.db"))
            let result = try await run(["status"], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.contains("not a Portrait store"), "\(result.stderr)")
        }
    }

    @Test func usageErrorsExitTwoAndHelpExitsZero() async throws {
        try await withScratchDirectory { directory in
            #expect(try await run(["frobnicate"], in: directory).status == 2)
            #expect(try await run(["export", "widgets"], in: directory).status == 2)
            let help = try await run(["--help"], in: directory)
            #expect(help.status == 0)
            #expect(help.stdout.contains("quarantine"))
            #expect(try await run(["quarantine", "replay", "--help"], in: directory).status == 0)
        }
    }

    @Test func failingConnectorMakesSyncExitOneButOthersStillRun() async throws {
        try await withScratchDirectory { directory in
            try Data(#"{"id":"1","email":"a@example.com"}"#.utf8).write(to: directory.appendingPathComponent("good.jsonl"))
            let config = """
                connectors:
                  - { name: missing, kind: jsonl, options: { path: nowhere.jsonl } }
                  - name: good
                    kind: jsonl
                    options: { path: good.jsonl }
                    mapping: { "*": { entity: customer, fields: { identifiers.email: email } } }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let result = try await run(["sync"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout.contains("good: read 1 · new 1"))
            #expect(result.stdout.contains("nowhere.jsonl: file not found"))
        }
    }

    @Test func resolvedSecretsNeverReachOutputOrStatus() async throws {
        try await withScratchDirectory { directory in
            let config = """
                connectors:
                  - name: crm
                    kind: jsonl
                    options: { path: "${EXPORT_DIR}/contacts.jsonl" }
                """
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let secret = "tenant-8f3a9c-private"
            let environment = ["EXPORT_DIR": "/srv/\(secret)"]
            let sync = try await run(["sync", "--log-level", "trace"], in: directory, environment: environment)
            #expect(sync.status == 1)
            #expect(sync.stdout.contains("••••••/contacts.jsonl: file not found"), "\(sync.stdout)")
            let check = try await run(["check"], in: directory, environment: environment)
            let status = try await run(["status", "--json"], in: directory, environment: environment)
            #expect(status.stdout.contains("${EXPORT_DIR}/contacts.jsonl"))
            for output in [sync.stdout, sync.stderr, check.stdout, check.stderr, status.stdout, status.stderr] {
                #expect(!output.contains(secret))
            }
        }
    }
}
