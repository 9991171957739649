import Foundation
import PortraitCore

/// How an API hands out the next page, as config names it (`pagination: { type: cursor, … }`).
enum RESTPagination: Sendable, Equatable {
    /// One request returns everything.
    case none
    /// A cursor in the body (`paging.next.after`), sent back as a query parameter or a body member.
    case cursor(path: String, parameter: String, inBody: Bool)
    /// A next-page URL in the body (`nextRecordsUrl`), absolute or relative to `base_url`; `done` optionally names
    /// a boolean that is true on the last page (Salesforce).
    case nextLink(path: String, done: String?)
    /// A next-page URL in the `Link` header (`<…>; rel="next"`, RFC 8288).
    case linkHeader
    /// Page numbers from `start`; the page size goes in `sizeParameter` when given. A short page is the last.
    case page(parameter: String, sizeParameter: String?, start: Int)
    /// Record offsets from 0; the page size goes in `limitParameter` when given. A short page is the last.
    case offset(parameter: String, limitParameter: String?)

    static let kinds = ["none", "cursor", "next_link", "link_header", "page", "offset"]

    /// Reads `pagination:` from options; `at` is its path for messages.
    init(_ value: JSONValue?, at path: String) throws {
        guard let value else {
            self = .none
            return
        }
        guard let type = value["type"]?.stringValue else {
            throw PortraitError.configuration(
                "\(path).type is required: one of \(Self.kinds.joined(separator: ", "))")
        }
        func text(_ key: String, default fallback: String? = nil) throws -> String {
            if let given = value[key]?.stringValue, !given.isEmpty { return given }
            if let fallback { return fallback }
            throw PortraitError.configuration("\(path).\(key) is required for pagination type \(type)")
        }
        switch type {
        case "none": self = .none
        case "cursor":
            let location = value["in"]?.stringValue ?? "query"
            guard location == "query" || location == "body" else {
                throw PortraitError.configuration("\(path).in must be query or body, not '\(location)'")
            }
            self = .cursor(path: try text("path"), parameter: try text("parameter"), inBody: location == "body")
        case "next_link": self = .nextLink(path: try text("path"), done: value["done"]?.stringValue)
        case "link_header": self = .linkHeader
        case "page":
            let start = value["start"]?.intValue ?? 1
            self = .page(parameter: try text("parameter", default: "page"), sizeParameter: value["size_parameter"]?.stringValue, start: start)
        case "offset":
            self = .offset(
                parameter: try text("parameter", default: "offset"), limitParameter: value["limit_parameter"]?.stringValue)
        default:
            let close = Suggestions.closest(to: type, among: Self.kinds).map { "; did you mean '\($0)'?" } ?? ""
            throw PortraitError.configuration(
                "\(path).type '\(type)' is not one of \(Self.kinds.joined(separator: ", "))\(close)")
        }
    }
}

/// Where the next request starts: what a checkpoint keeps so a resumed run asks for the page after the last
/// committed one.
enum RESTPageCursor: Sendable, Equatable {
    case cursor(String)
    case url(String)
    case number(Int)
    case offset(Int)

    var state: JSONValue {
        switch self {
        case .cursor(let value): return ["cursor": .string(value)]
        case .url(let value): return ["url": .string(value)]
        case .number(let value): return ["page": .number(value)]
        case .offset(let value): return ["offset": .number(value)]
        }
    }

    init?(state: JSONValue?) {
        guard let state else { return nil }
        if let cursor = state["cursor"]?.stringValue {
            self = .cursor(cursor)
        } else if let url = state["url"]?.stringValue {
            self = .url(url)
        } else if let page = state["page"]?.numberValue {
            self = .number(page.clampedInt)
        } else if let offset = state["offset"]?.numberValue {
            self = .offset(offset.clampedInt)
        } else {
            return nil
        }
    }
}
