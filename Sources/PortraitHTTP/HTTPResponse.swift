import PortraitCore
import Foundation

/// A complete HTTP response: status, headers and the decoded body.
public struct HTTPResponse: Sendable {
    /// The request's method (`GET`, `POST`), for messages.
    public var method: String
    /// The URL that produced this response (after redirects), with any query string and credentials removed.
    public var url: String
    /// The HTTP status code (200, 404, ...).
    public var status: Int
    /// The response headers in the order received, names as the server spelled them.
    public var headers: [(name: String, value: String)]
    /// The body, already decoded from gzip or deflate when the server compressed it.
    public var body: [UInt8]

    public init(
        method: String = "GET", url: String, status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// True for 2xx statuses.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The first value of the header called `name`, compared without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The body as UTF-8 text; invalid sequences become U+FFFD.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Returns the response when its status is 2xx.
    ///
    /// - Throws: `PortraitError.connector` naming the URL (without its query string) and the status, with the
    ///   start of the body when it is short text, since APIs usually say there what went wrong.
    @discardableResult
    public func requireSuccess() throws -> HTTPResponse {
        guard isSuccess else {
            var message = "\(method) \(url) returned \(statusText)"
            let detail = serverMessage
            if !detail.isEmpty { message += ": \(detail)" }
            switch status {
            case 401, 403: message += "; check the connector's credentials"
            case 404: message += "; check the URL in the connector's options"
            case 429: message += "; the server is rate limiting, try again later or lower the request rate"
            default: break
            }
            throw PortraitError.connector(message)
        }
        return self
    }

    /// `HTTP 503 Service Unavailable`: the status with its reason phrase, for messages.
    public var statusText: String {
        Self.reasons[status].map { "HTTP \(status) \($0)" } ?? "HTTP \(status)"
    }

    private static let reasons: [Int: String] = [
        301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
        403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict",
        410: "Gone", 422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error",
        502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]

    /// What the server said went wrong, kept short for a message: the `message` (or `error_description`,
    /// `error`, or the first error's `message`) of a JSON body, else the body's first line; empty for binary bodies.
    public var serverMessage: String {
        guard !body.isEmpty, !body.contains(0) else { return "" }
        var text: String?
        if let value = try? JSONValue(parsing: body) {
            text = value["message"]?.stringValue ?? value["error_description"]?.stringValue ?? value["error"]?.stringValue
                ?? value.arrayValue?.first?["message"]?.stringValue
        }
        if text == nil {
            text = String(decoding: body.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
        }
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return "" }
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}

extension HTTPClient {
    /// `url` without its query string, fragment or credentials, for messages and logs: API keys often travel there.
    package static func redacted(_ url: String) -> String {
        var result = Substring(url)
        if let cut = result.firstIndex(where: { $0 == "?" || $0 == "#" }) { result = result[..<cut] }
        if let scheme = result.range(of: "://") {
            let authorityEnd = result[scheme.upperBound...].firstIndex(of: "/") ?? result.endIndex
            if let at = result[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                result = result[..<scheme.upperBound] + result[result.index(after: at)...]
            }
        }
        return String(result)
    }
}
