public import Foundation

/// What one `curl` run saw: the transport outcome (curl's exit code and message) and the HTTP response.
///
/// Servers' tests drive them with the curl tool rather than URLSession so that transport faults show up exactly as
/// the libcurl-based connectors meet them: exit code 52 for an empty reply, 18 for a cut body, 28 for a timeout.
public struct CurlResult: Sendable {
    public var exitCode: Int32
    public var stderr: String
    /// 0 when no response head arrived.
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.last { $0.name == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object; nil if it is not one.
    public var object: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }

    /// The body as a JSON list; nil if it is not one.
    public var list: [Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [Any] }
}

public enum Curl {
    /// `request` with a text body.
    public static func request(
        _ url: String, method: String = "GET", headers: [(String, String)] = [], body: String,
        maxTime: Double? = 30
    ) async throws -> CurlResult {
        try await request(url, method: method, headers: headers, body: Array(body.utf8), maxTime: maxTime)
    }

    /// Runs `curl` once against `url` and waits for it without blocking a thread of the cooperative pool.
    ///
    /// The body goes through a file (`--data-binary @file`), byte for byte and of any size; `Expect:` is cleared so
    /// curl sends large bodies at once rather than waiting for `100 Continue`. `maxTime` (seconds) bounds the run.
    public static func request(
        _ url: String, method: String = "GET", headers: [(String, String)] = [], body: [UInt8]? = nil,
        maxTime: Double? = 30
    ) async throws -> CurlResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let headerFile = folder.appendingPathComponent("headers").path
        let bodyFile = folder.appendingPathComponent("body").path
        let requestFile = folder.appendingPathComponent("request")

        var arguments = [
            "curl", "-sS", "-X", method, "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}", "-H", "Expect:",
        ]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            try Data(body).write(to: requestFile)
            arguments += ["--data-binary", "@" + requestFile.path]
        }
        if let maxTime { arguments += ["--max-time", String(maxTime)] }
        arguments.append(url)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let status = Int(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        // Only the last block counts if curl saw an interim response.
        let lastBlock = headerText.components(separatedBy: "\r\n\r\n").last { !$0.isEmpty } ?? ""
        let parsed = lastBlock.components(separatedBy: "\r\n").dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))).map { [UInt8]($0) } ?? []
        return CurlResult(
            exitCode: exitCode, stderr: stderr, status: status, headers: parsed.map { (name: $0.0, value: $0.1) },
            body: body)
    }
}
