import Crypto
import Foundation
import PortraitCore

/// A request body read as answers, and the response id it carries.
struct SubmissionBody {
    /// Why a body cannot be read: the message for the client (never quoting a value) and the field at fault.
    struct Failure: Error {
        var message: String
        var field: String?
    }

    /// How the body is encoded, from `Content-Type`.
    enum Format {
        case json
        case form

        /// The format for a `Content-Type` value (parameters such as `charset` ignored); nil if unsupported.
        init?(contentType: String?) {
            guard let contentType else { return nil }
            let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
            switch mediaType.trimmingCharacters(in: .whitespaces).lowercased() {
            case "application/json": self = .json
            case "application/x-www-form-urlencoded": self = .form
            default: return nil
            }
        }
    }

    /// The key that names the response, taken out of the fields.
    static let responseIDKey = "response_id"
    /// The JSON key whose object is merged into the top-level fields.
    static let answersKey = "answers"
    /// Response ids (given or from `Idempotency-Key`) longer than this are refused.
    static let maximumResponseIDLength = 256

    var fields: [String: JSONValue]
    /// The `response_id` field as text, if the body had one.
    var responseID: String?

    /// Reads `bytes` as `format`.
    ///
    /// - Throws: ``Failure`` for text that is not JSON (with the parser's line and column), JSON that is not an
    ///   object, undecodable form fields or a `response_id` that is neither a string nor a number.
    init(_ bytes: some Collection<UInt8>, format: Format) throws(Failure) {
        switch format {
        case .json: fields = try Self.jsonFields(bytes)
        case .form: fields = try Self.formFields(bytes)
        }
        guard let given = fields.removeValue(forKey: Self.responseIDKey) else { return }
        guard let text = given.stringValue ?? given.numberValue.flatMap({ _ in given.textValue }),
            !text.isEmpty, text.count <= Self.maximumResponseIDLength
        else {
            throw Failure(
                message: "response_id must be a non-empty string or number of at most "
                    + "\(Self.maximumResponseIDLength) characters",
                field: Self.responseIDKey)
        }
        responseID = text
    }

    private static func jsonFields(_ bytes: some Collection<UInt8>) throws(Failure) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch let error as PortraitError {
            throw Failure(message: error.message)
        } catch {
            throw Failure(message: "not valid JSON")
        }
        guard case .object(var fields) = value else {
            throw Failure(message: "the body must be a JSON object; it is a JSON \(value.typeName)")
        }
        if case .object(let answers)? = fields[answersKey] {
            fields.removeValue(forKey: answersKey)
            fields.merge(answers) { _, answer in answer }
        }
        return fields
    }

    private static func formFields(_ bytes: some Collection<UInt8>) throws(Failure) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for (name, value) in try FormURLEncoded.parse(bytes) {
            switch fields[name] {
            case nil: fields[name] = .string(value)
            case .array(let values)?: fields[name] = .array(values + [.string(value)])
            case let first?: fields[name] = .array([first, .string(value)])
            }
        }
        return fields
    }

    /// `sha256:<hex>` of the form id, a newline and the body: the id of a response whose client named none, the
    /// same for every retry of the same POST.
    static func derivedResponseID(formID: String, body: some DataProtocol) -> String {
        var hash = SHA256()
        hash.update(data: Array(formID.utf8))
        hash.update(data: [UInt8(ascii: "\n")])
        hash.update(data: body)
        return "sha256:" + Hex.string(hash.finalize())
    }
}
