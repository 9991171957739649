public import Foundation
public import PortraitCore

/// One authenticated, parsed submission, as handed to a ``SubmissionSink``.
public struct FormSubmission: Sendable, Hashable {
    /// The form posted to.
    public var formID: String
    /// The client's `response_id`, else its `Idempotency-Key` header, else `sha256:<hex>` of the form id and the
    /// body, so a retried identical POST carries the same id.
    public var responseID: String
    /// The answers: the body's top-level keys with a nested `answers` object merged in (its keys win), without
    /// `response_id`. Form posts give strings, or arrays of strings for repeated keys.
    public var fields: [String: JSONValue]
    /// When the intake received the request.
    public var receivedAt: Date
    /// Lowercase hex SHA-256 of the raw body.
    public var bodySHA256: String

    public init(formID: String, responseID: String, fields: [String: JSONValue], receivedAt: Date, bodySHA256: String) {
        self.formID = formID
        self.responseID = responseID
        self.fields = fields
        self.receivedAt = receivedAt
        self.bodySHA256 = bodySHA256
    }
}

/// What a sink did with a submission; decides the HTTP answer.
public enum SubmissionOutcome: Sendable, Hashable {
    /// Durably stored (201), or already stored under the same response id (200).
    case stored(duplicate: Bool)
    /// The answers do not fit the form (400, with the problems listed).
    case rejected([IntakeFieldError])
    /// The sink does not know the form, though the intake does (404).
    case unknownForm
}

/// A problem with one answer, returned to the client as `{"field": "nps", "message": "..."}`.
public struct IntakeFieldError: Sendable, Codable, Hashable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
