public import Foundation
public import PortraitProfiles
import PortraitCore

/// One entry of the `webhooks:` list: a destination that receives change-feed events as signed JSON POSTs.
///
/// The secret is resolved (from `${ENV}` or `${file:…}`) and registered with the config's redactor: hand it to the
/// signer, never print it. ``description`` leaves it out.
public struct WebhookConfig: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    /// An `http` or `https` URL; plain `http` only to a loopback host unless ``allowInsecure``.
    public var url: String
    /// The HMAC-SHA256 key of `X-Portrait-Signature`.
    public var secret: String
    /// The event types delivered (all of them by default).
    public var events: Set<ProfileChange.Kind>
    /// When set, only segment events of these segments pass; profile events are filtered by ``events`` alone.
    public var segments: Set<String>?
    /// Attempts in all, the first included, before a delivery goes to the dead letters.
    public var maxAttempts: Int
    /// Time allowed for one attempt, connection included.
    public var timeout: Duration
    /// Plain `http` to a host other than loopback was explicitly allowed.
    public var allowInsecure: Bool
    /// `portrait.yml:31` where the webhook is declared.
    public var declaredAt: String

    public static let defaultMaxAttempts = 8
    public static let defaultTimeout = Duration.seconds(10)

    public init(
        name: String, url: String, secret: String, events: Set<ProfileChange.Kind> = Set(ProfileChange.Kind.allCases),
        segments: Set<String>? = nil, maxAttempts: Int = defaultMaxAttempts, timeout: Duration = defaultTimeout,
        allowInsecure: Bool = false, declaredAt: String = HubConfig.defaultFileName
    ) {
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.segments = segments
        self.maxAttempts = max(maxAttempts, 1)
        self.timeout = timeout
        self.allowInsecure = allowInsecure
        self.declaredAt = declaredAt
    }

    /// Whether a change of `kind` (of `segment`, for segment events) goes to this webhook.
    public func accepts(_ kind: ProfileChange.Kind, segment: String?) -> Bool {
        guard events.contains(kind) else { return false }
        guard kind == .entered || kind == .exited, let segments else { return true }
        return segment.map(segments.contains) ?? false
    }

    /// The URL without its query string, fragment or credentials: safe for logs and `portrait webhooks list`.
    public var displayURL: String {
        guard var components = URLComponents(string: url) else { return "(invalid URL)" }
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string ?? "(invalid URL)"
    }

    public var description: String { "webhook \(name) → \(displayURL)" }
}

extension WebhookConfig {
    static let keys: Set<String> = [
        "name", "url", "secret", "events", "segments", "max_attempts", "timeout_seconds", "allow_insecure",
    ]

    /// Reads the `webhooks` list (already checked for shape by the config schema); each problem is reported with
    /// its path, and a webhook with a problem is left out.
    ///
    /// - Parameters:
    ///   - resolved: The list with `${…}` references resolved (the secret and, should it hold one, the URL).
    ///   - segmentNames: The segments configured, to catch a misspelt segment filter that would never match.
    static func parseList(
        written: JSONValue?, resolved: JSONValue?, path: JSONPath, segmentNames: Set<String>,
        declaredAt: (JSONPath) -> String, report: (JSONPath, String) -> Void
    ) -> [WebhookConfig] {
        guard let items = written?.arrayValue else { return [] }
        var webhooks: [WebhookConfig] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let at = path.appending(index)
            guard let name = item["name"]?.stringValue, let written = item["url"]?.stringValue else {
                continue  // The schema has said what is missing.
            }
            if let first = seen[name] {
                report(
                    at.appending("name"),
                    "webhook name '\(name)' is already used by webhooks[\(first)]; names must be unique")
            }
            seen[name] = index
            let resolvedItem = resolved?.arrayValue.flatMap { index < $0.count ? $0[index] : nil }
            let url = resolvedItem?["url"]?.stringValue ?? written
            let allowInsecure = item["allow_insecure"]?.boolValue ?? false
            var valid = checkURL(
                url, written: written, allowInsecure: allowInsecure, at: at.appending("url"), report: report)

            var events = Set(ProfileChange.Kind.allCases)
            if let list = item["events"]?.arrayValue {
                events = []
                let known = ProfileChange.Kind.allCases.map(\.rawValue)
                for (position, value) in list.enumerated() {
                    guard let text = value.stringValue else { continue }
                    if let kind = ProfileChange.Kind(rawValue: text) {
                        events.insert(kind)
                        continue
                    }
                    var message = "unknown event type '\(text)'"
                    if let suggestion = Suggestions.closest(to: text, among: known) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    report(
                        at.appending("events").appending(position),
                        message + " (event types: \(known.joined(separator: ", ")))")
                    valid = false
                }
                if list.isEmpty {
                    report(
                        at.appending("events"),
                        "an empty list delivers nothing; leave events out to deliver every event type")
                    valid = false
                }
            }
            var segments: Set<String>?
            if let list = item["segments"]?.arrayValue {
                segments = Set(list.compactMap(\.stringValue))
                for (position, value) in list.enumerated() {
                    guard let segment = value.stringValue, !segmentNames.contains(segment) else { continue }
                    var message = "no segment named '\(segment)' in profiles.segments"
                    if let suggestion = Suggestions.closest(to: segment, among: segmentNames) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    let configured = segmentNames.sorted().joined(separator: ", ")
                    report(
                        at.appending("segments").appending(position),
                        message + " (configured: \(configured.isEmpty ? "none" : configured))")
                    valid = false
                }
                if !events.contains(.entered) && !events.contains(.exited) {
                    report(
                        at.appending("segments"),
                        "segments only filter segment.entered and segment.exited, and events lists neither; add one to events or remove segments"
                    )
                    valid = false
                }
            }
            guard valid, let secret = resolvedItem?["secret"]?.stringValue, !secret.isEmpty else { continue }
            let maxAttempts = item["max_attempts"]?.intValue
            let timeout = item["timeout_seconds"]?.numberValue.map {
                Duration.milliseconds(($0 * 1000).clampedInt)
            }
            webhooks.append(
                WebhookConfig(
                    name: name, url: url, secret: secret, events: events, segments: segments,
                    maxAttempts: maxAttempts ?? defaultMaxAttempts, timeout: timeout ?? defaultTimeout,
                    allowInsecure: allowInsecure, declaredAt: declaredAt(at)))
        }
        return webhooks
    }

    /// http(s) only, with a host; plain http only to loopback unless the operator says `allow_insecure: true`.
    private static func checkURL(
        _ url: String, written: String, allowInsecure: Bool, at: JSONPath, report: (JSONPath, String) -> Void
    ) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            report(at, "'\(written)' is not a URL; write it in full, such as https://hooks.example.com/portrait")
            return false
        }
        guard scheme == "https" || scheme == "http" else {
            report(at, "the URL must start with https:// (or http:// to a loopback address); found \(scheme)://")
            return false
        }
        if scheme == "http" && !allowInsecure && !isLoopback(host) {
            report(
                at,
                "plain http to \(host) would send the events unencrypted; use https://, or add allow_insecure: true to this webhook if the network is trusted"
            )
            return false
        }
        return true
    }

    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "::1"
            || lowered.hasPrefix("127.")
    }
}
