import Foundation

/// What one `curl` run saw: the HTTP response, or status 0 when none arrived.
struct CurlResult: Sendable {
    var exitCode: Int32
    var stderr: String
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.last { $0.name == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object; nil if it is not one.
    var object: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
}

enum Curl {
    /// Runs `curl` once against `url` and waits for it without blocking a thread of the cooperative pool.
    ///
    /// The body goes through a file (`--data-binary @file`), byte for byte and of any size; `Expect:` is cleared so
    /// curl sends large bodies at once rather than waiting for `100 Continue`.
    static func request(
        _ url: String, method: String = "GET", headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> CurlResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let headerFile = folder.appendingPathComponent("headers").path
        let bodyFile = folder.appendingPathComponent("body").path
        let requestFile = folder.appendingPathComponent("request")

        var arguments = [
            "curl", "-sS", "-X", method, "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}", "--max-time", "10",
            "-H", "Expect:",
        ]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            try Data(body).write(to: requestFile)
            arguments += ["--data-binary", "@" + requestFile.path]
        }
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
        let lastBlock = headerText.components(separatedBy: "\r\n\r\n").last { !$0.isEmpty } ?? ""
        let parsed = lastBlock.components(separatedBy: "\r\n").dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let responseBody = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))).map { [UInt8]($0) } ?? []
        return CurlResult(
            exitCode: exitCode, stderr: stderr, status: status, headers: parsed.map { (name: $0.0, value: $0.1) },
            body: responseBody)
    }
}
