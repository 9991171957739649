public import Foundation

/// An HTTPS server on 127.0.0.1 for tests: `openssl s_server -WWW` serving one folder's files, with a certificate
/// for 127.0.0.1 signed by a private CA made for the test, so a client trusts it only when given that CA.
///
/// Needs the `openssl` command (scripts/install-deps installs it). HTTP/1.0, one file per request, the body ending
/// with the connection: enough for a feed fetched over TLS.
public enum TestTLSServer {
    public struct Running: Sendable {
        public let port: Int
        /// The private CA's certificate (PEM): what `ca_bundle` names to trust the server.
        public let caBundle: URL

        /// `https://127.0.0.1:PORT/<path>`, `path` relative to the served folder.
        public func url(_ path: String) -> String { "https://127.0.0.1:\(port)/\(path)" }
    }

    /// Serves the files of `folder` over HTTPS while `body` runs, then stops the server. The CA and the server's
    /// key and certificate are written to `keys`, which should not be inside `folder`.
    public static func serving<Value>(
        _ folder: URL, keys: URL, _ body: (Running) async throws -> Value
    ) async throws -> Value {
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + curve
                + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Portrait Test CA"], in: keys)
        try openssl(
            ["req"] + curve + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], in: keys)
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: keys.appendingPathComponent("server.ext"))
        try openssl(
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            ], in: keys)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "openssl", "s_server", "-WWW", "-accept", "127.0.0.1:0",
            "-cert", keys.appendingPathComponent("server.pem").path,
            "-key", keys.appendingPathComponent("server.key").path,
        ]
        server.currentDirectoryURL = folder
        let output = Pipe()
        server.standardOutput = output
        server.standardError = output
        try server.run()
        defer {
            // SIGKILL: the child inherits the test process's blocked signals, SIGTERM among them.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let port = try acceptedPort(output.fileHandleForReading, server: server)
        return try await body(Running(port: port, caBundle: keys.appendingPathComponent("ca.pem")))
    }

    /// Reads the server's output until it says where it listens (`ACCEPT 127.0.0.1:PORT`).
    private static func acceptedPort(_ output: FileHandle, server: Process) throws -> Int {
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            // Waits for output at most 100 ms at a time, so a server that neither speaks nor exits cannot hang the
            // test past the deadline.
            var ready = pollfd(fd: output.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else {
                if server.isRunning { continue } else { break }
            }
            let data = output.availableData
            if data.isEmpty && !server.isRunning { break }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
        }
        throw TestServerError(message: "openssl s_server did not start listening: \(text)")
    }

    private static func openssl(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(
                message: "openssl \(arguments.prefix(2).joined(separator: " ")) failed (\(process.terminationStatus)); is openssl installed (scripts/install-deps)? \(text)"
            )
        }
    }
}
