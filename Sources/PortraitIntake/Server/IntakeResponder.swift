import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PortraitCore

/// Answers every request: `GET /healthz`, `/readyz`, `/metrics` and `POST /v1/forms/{form_id}/responses`.
///
/// One responder rather than a `Router`: the submission path checks the form before it reads the body, reads the
/// body only up to the limit, and needs the raw bytes for the signature, so little of a router would be used.
struct IntakeResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: IntakeConfiguration
    let sink: any SubmissionSink
    let logger: Logger
    let counters: CounterBox
    let limiter: RateLimiter
    let probes: (any ServiceProbes)?

    func respond(to request: Request, context: Context) async throws -> Response {
        await answer(request).response
    }

    func answer(_ request: Request) async -> IntakeReply {
        let path = request.uri.path
        if path == "/healthz" {
            guard request.method == .get || request.method == .head else { return Self.notAllowed("GET") }
            return .text("ok")
        }
        if path == "/readyz" {
            guard request.method == .get || request.method == .head else { return Self.notAllowed("GET") }
            let ready = await probes?.isReady() ?? true
            return .text(ready ? "ready" : "not ready: the store does not answer", status: ready ? 200 : 503)
        }
        if path == "/metrics" {
            guard request.method == .get else { return Self.notAllowed("GET") }
            guard let probes else { return .error("no metrics here", status: 404) }
            return IntakeReply(
                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                body: Array(await probes.metrics().utf8))
        }
        guard let formID = Self.formID(inResponsesPath: path) else {
            return .error("no intake endpoint at \(path); post to /v1/forms/{form_id}/responses", status: 404)
        }
        guard request.method == .post else { return Self.notAllowed("POST") }
        return await submit(request, formID: formID)
    }

    /// Checks, parses and limits one submission, then hands it to the sink; see the module documentation for the
    /// order of the checks.
    private func submit(_ request: Request, formID: String) async -> IntakeReply {
        let receivedAt = Date()
        guard let form = configuration.forms[formID] else {
            return refuse(.unknownForm, form: formID, .error("unknown form '\(formID)'", status: 404))
        }

        let limit = configuration.maxBodyBytes
        let tooLarge = IntakeReply.error("the body is larger than \(limit) bytes", status: 413)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return refuse(.tooLarge, form: formID, tooLarge)
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            return refuse(.tooLarge, form: formID, tooLarge)
        } catch {
            return refuse(.malformed, form: formID, .error("the body could not be read", status: 400))
        }

        guard Signature.isValid(request.headers[.portraitSignature], body: body, secret: form.secret) else {
            let message = "missing or invalid signature; sign the raw body with HMAC-SHA256 and the form's secret"
            return refuse(.badSignature, form: formID, .error(message, status: 401))
        }

        if let wait = limiter.take(form) {
            var reply = IntakeReply.error("too many responses for this form; retry in \(wait) s", status: 429)
            reply.headers.append(("Retry-After", String(wait)))
            return refuse(.rateLimited, form: formID, reply)
        }

        guard let format = SubmissionBody.Format(contentType: request.headers[.contentType]) else {
            let message = "unsupported Content-Type; send application/json or application/x-www-form-urlencoded"
            return refuse(.malformed, form: formID, .error(message, status: 415))
        }
        let parsed: SubmissionBody
        do {
            parsed = try SubmissionBody(body, format: format)
        } catch {
            return refuse(
                .malformed, form: formID, Self.malformed(error.message, field: error.field), detail: error.message)
        }

        var responseID = parsed.responseID
        if responseID == nil, let key = request.headers[.idempotencyKey]?.trimmingCharacters(in: .whitespaces),
            !key.isEmpty
        {
            guard key.count <= SubmissionBody.maximumResponseIDLength else {
                let message = "Idempotency-Key must be at most \(SubmissionBody.maximumResponseIDLength) characters"
                return refuse(.malformed, form: formID, Self.malformed(message, field: nil), detail: message)
            }
            responseID = key
        }
        let submission = FormSubmission(
            formID: formID,
            responseID: responseID ?? SubmissionBody.derivedResponseID(formID: formID, body: body),
            fields: parsed.fields,
            receivedAt: receivedAt,
            bodySHA256: Hex.string(SHA256.hash(data: body))
        )
        return await store(submission)
    }

    private func store(_ submission: FormSubmission) async -> IntakeReply {
        let formID = submission.formID
        let outcome: SubmissionOutcome
        do {
            outcome = try await sink.accept(submission)
        } catch {
            counters.rejected(.sinkFailed)
            logger.error(
                "intake could not store a submission",
                metadata: Self.metadata(form: formID, status: 503, reason: .sinkFailed).merging(
                    ["intake.error": "\(error)"], uniquingKeysWith: { _, new in new }))
            return .error("could not store the response; retry", status: 503)
        }
        switch outcome {
        case .stored(let duplicate):
            counters.stored(duplicate: duplicate)
            let status = duplicate ? 200 : 201
            logger.debug(
                "intake stored a submission", metadata: ["intake.form": .string(formID), "intake.status": "\(status)"])
            let state: JSONValue = duplicate ? "duplicate" : "stored"
            return .json(["response_id": .string(submission.responseID), "status": state], status: status)
        case .rejected(let errors):
            let fields = JSONValue.array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })
            // Field names only: a sink's messages may quote the values.
            let names = Set(errors.map(\.field)).sorted().joined(separator: ",")
            return refuse(
                .invalid, form: formID, .json(["error": "invalid response", "fields": fields], status: 400),
                detail: "fields: \(names)")
        case .unknownForm:
            return refuse(.unknownForm, form: formID, .error("unknown form '\(formID)'", status: 404))
        }
    }

    /// Counts and logs a refusal: form, status, reason and a detail that never holds answers, secrets or signatures.
    private func refuse(
        _ reason: IntakeCounters.Reason, form: String, _ reply: IntakeReply, detail: String? = nil
    ) -> IntakeReply {
        counters.rejected(reason)
        var metadata = Self.metadata(form: form, status: reply.status, reason: reason)
        if let detail { metadata["intake.detail"] = .string(detail) }
        let level: Logger.Level = reason == .badSignature || reason == .rateLimited ? .notice : .info
        logger.log(level: level, "intake refused a submission", metadata: metadata)
        return reply
    }

    private static func metadata(form: String, status: Int, reason: IntakeCounters.Reason) -> Logger.Metadata {
        // The form id of an unknown form is whatever the client sent: keep it short in the log.
        ["intake.form": .string(String(form.prefix(64))), "intake.status": "\(status)", "intake.reason": "\(reason)"]
    }

    private static func malformed(_ message: String, field: String?) -> IntakeReply {
        .json(["error": .string(message), "field": field.map(JSONValue.string) ?? .null], status: 400)
    }

    private static func notAllowed(_ method: String) -> IntakeReply {
        var reply = IntakeReply.error("method not allowed; use \(method)", status: 405)
        reply.headers.append(("Allow", method))
        return reply
    }

    /// The `{form_id}` of `/v1/forms/{form_id}/responses`, percent-decoded; nil for any other path.
    static func formID(inResponsesPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "v1", parts[2] == "forms", parts[4] == "responses",
            let formID = String(parts[3]).removingPercentEncoding, !formID.isEmpty
        else { return nil }
        return formID
    }
}

extension HTTPField.Name {
    static let portraitSignature = HTTPField.Name("X-Portrait-Signature")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
