import Crypto
import Foundation
import PortraitTesting
import Logging
import PortraitIntake

/// A running intake for one test: its address, its sink and its log.
struct RunningIntake: Sendable {
    let port: Int
    let server: IntakeServer
    let sink: RecordingSink
    let log: LogCapture

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// POSTs `body` to the form's responses endpoint, signed with `secret` unless it is nil.
    func post(
        form: String, body: String, secret: String?, contentType: String = "application/json",
        headers extra: [(String, String)] = []
    ) async throws -> CurlResult {
        try await post(form: form, bytes: Array(body.utf8), secret: secret, contentType: contentType, headers: extra)
    }

    func post(
        form: String, bytes: [UInt8], secret: String?, contentType: String = "application/json",
        headers extra: [(String, String)] = []
    ) async throws -> CurlResult {
        var headers = [("Content-Type", contentType)] + extra
        if let secret { headers.append(("X-Portrait-Signature", sign(bytes, secret: secret))) }
        return try await Curl.request(url("/v1/forms/\(form)/responses"), method: "POST", headers: headers, body: bytes)
    }
}

/// `sha256=<hex>`, computed here independently of the intake.
func sign(_ body: [UInt8], secret: String) -> String {
    let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
    return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
}

/// Starts an intake on a free loopback port, runs `body` against it, then stops it by cancelling its task.
func withIntake<Value: Sendable>(
    forms: [IntakeForm], sink: RecordingSink = RecordingSink(), maxBodyBytes: Int = 64 * 1024,
    _ body: (RunningIntake) async throws -> Value
) async throws -> Value {
    let log = LogCapture()
    let server = IntakeServer(
        configuration: IntakeConfiguration(maxBodyBytes: maxBodyBytes, forms: forms), sink: sink,
        logger: log.logger())
    return try await server.withRunning { port in
        try await body(RunningIntake(port: port, server: server, sink: sink, log: log))
    }
}
