import Foundation

/// A response worked out before it is written, so a fault can still cut or replace it.
struct Answer: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// A page of contacts: ``MockCRM/Configuration/pageLatency`` applies.
    var isPage = false

    static func json(_ body: [UInt8], status: Int = 200, isPage: Bool = false) -> Answer {
        Answer(
            status: status, headers: [("Content-Type", "application/json;charset=utf-8")], body: body, isPage: isPage)
    }

    static func json(_ text: String, status: Int) -> Answer {
        json(Array(text.utf8), status: status)
    }
}

/// Which real API a path belongs to, so errors come in the body that API would send.
enum APIShape {
    case hubSpot
    case salesforce
    case other

    init(path: String) {
        if path.hasPrefix("/crm/") || path.hasPrefix("/oauth/") {
            self = .hubSpot
        } else if path.hasPrefix("/services/") {
            self = .salesforce
        } else {
            self = .other
        }
    }

    /// An error answer in this shape: HubSpot's `{"status":"error",…,"category":…}` object, Salesforce's
    /// `[{"message":…,"errorCode":…}]` list, or a plain object elsewhere.
    func error(status: Int, message: String, code: String? = nil) -> Answer {
        var writer = JSONWriter(capacity: 256)
        switch self {
        case .hubSpot:
            writer.beginObject()
            writer.key("status")
            writer.string("error")
            writer.key("message")
            writer.string(message)
            writer.key("correlationId")
            writer.string(UUID().uuidString.lowercased())
            writer.key("category")
            writer.string(code ?? Self.hubSpotCategory(status))
            writer.endObject()
        case .salesforce:
            writer.beginArray()
            writer.beginObject()
            writer.key("message")
            writer.string(message)
            writer.key("errorCode")
            writer.string(code ?? Self.salesforceCode(status))
            writer.endObject()
            writer.endArray()
        case .other:
            writer.beginObject()
            writer.key("error")
            writer.string(message)
            writer.endObject()
        }
        return .json(writer.bytes, status: status)
    }

    /// The 401 each API sends for missing or wrong credentials.
    var unauthorized: Answer {
        switch self {
        case .hubSpot, .other:
            error(status: 401, message: "Authentication credentials not found.", code: "INVALID_AUTHENTICATION")
        case .salesforce:
            error(status: 401, message: "Session expired or invalid", code: "INVALID_SESSION_ID")
        }
    }

    private static func hubSpotCategory(_ status: Int) -> String {
        switch status {
        case 400: "VALIDATION_ERROR"
        case 401: "INVALID_AUTHENTICATION"
        case 403: "MISSING_SCOPES"
        case 404: "OBJECT_NOT_FOUND"
        case 405: "METHOD_NOT_ALLOWED"
        case 429: "RATE_LIMITS"
        default: "INTERNAL_ERROR"
        }
    }

    private static func salesforceCode(_ status: Int) -> String {
        switch status {
        case 400: "BAD_REQUEST"
        case 401: "INVALID_SESSION_ID"
        case 403, 429: "REQUEST_LIMIT_EXCEEDED"
        case 404: "NOT_FOUND"
        case 405: "METHOD_NOT_ALLOWED"
        case 503: "SERVER_UNAVAILABLE"
        default: "UNKNOWN_EXCEPTION"
        }
    }
}
