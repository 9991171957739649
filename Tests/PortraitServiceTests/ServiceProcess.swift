import Foundation

/// `portrait run` started directly by the test (no shell in between, so a signal reaches the service and not a
/// wrapper), with its standard output and error in files that can be read at any time.
struct ServiceProcess {
    let process: Process
    let stdout: URL
    let stderr: URL

    static func start(_ arguments: [String] = ["run"], in directory: URL) throws -> ServiceProcess {
        let logs = directory.appendingPathComponent("service-logs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let stdout = logs.appendingPathComponent("stdout")
        let stderr = logs.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "PORTRAIT_CONFIG")
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return ServiceProcess(process: process, stdout: stdout, stderr: stderr)
    }

    var output: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds (checked every 50 ms) or `timeout` passes; whether it held.
    @discardableResult
    static func wait(
        timeout: Duration = .seconds(60), until condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Waits until standard output contains `text`.
    @discardableResult
    func waitForOutput(_ text: String, timeout: Duration = .seconds(60)) async -> Bool {
        await Self.wait(timeout: timeout) { output.contains(text) }
    }

    /// Waits until standard error contains `text`.
    @discardableResult
    func waitForErrors(_ text: String, timeout: Duration = .seconds(60)) async -> Bool {
        await Self.wait(timeout: timeout) { errors.contains(text) }
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Sends `signal` the moment standard error contains `text`, watching from a thread of its own: a test run
    /// keeping the concurrency pool busy must not delay the signal until the moment has passed.
    ///
    /// - Returns: Whether `text` appeared (and the signal was sent) within `timeout`.
    func signal(_ signal: Int32, whenErrorsContain text: String, timeout: Duration = .seconds(60)) async -> Bool {
        let (pid, stderr) = (process.processIdentifier, self.stderr)
        let seconds = Double(timeout.components.seconds)
        return await withCheckedContinuation { continuation in
            Thread {
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    if let errors = try? String(contentsOf: stderr, encoding: .utf8), errors.contains(text) {
                        kill(pid, signal)
                        return continuation.resume(returning: true)
                    }
                    usleep(2_000)
                }
                continuation.resume(returning: false)
            }.start()
        }
    }

    /// Waits for the process to end; false if it still runs after `timeout`.
    func waitForExit(timeout: Duration = .seconds(60)) async -> Bool {
        await Self.wait(timeout: timeout) { !process.isRunning }
    }

    /// Ends the process if it still runs (a failed test must not leave a service behind).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
