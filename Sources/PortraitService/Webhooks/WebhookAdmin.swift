public import Foundation
public import PortraitConfig
import PortraitCore
public import PortraitStore

/// What `portrait webhooks list|deliveries|replay` do, over a workspace's store.
public enum WebhookAdmin {
    /// One configured webhook as `portrait webhooks list` shows it.
    public struct Summary: Sendable, Hashable, Codable {
        public var name: String
        /// Without query, fragment or credentials.
        public var url: String
        public var events: [String]
        public var segments: [String]?
        /// The last change id handled; nil before its first round.
        public var cursor: Int64?
        /// The newest change id in the feed.
        public var latestChange: Int64
        public var pending: Int
        public var delivered: Int
        public var dead: Int

        /// `cursor: change 5 of 5 · pending 0 · delivered 4 · dead 1`, as `portrait webhooks list` and
        /// `portrait status` print it.
        public var deliveryLine: String {
            let cursor =
                self.cursor.map { "change \($0) of \(latestChange)" } ?? "not started (starts at the end of the feed)"
            return "cursor: \(cursor) · pending \(pending) · delivered \(delivered) · dead \(dead)"
        }
    }

    /// Every configured webhook with its cursor and delivery counts (none, and no query, when none is configured).
    public static func list(_ workspace: Workspace) async throws -> [Summary] {
        guard !workspace.config.webhooks.isEmpty else { return [] }
        let store = try WebhookService.store(of: workspace)
        let counts = try await store.webhookDeliveryCounts()
        let latest = try await store.latestChangeID()
        var summaries: [Summary] = []
        for webhook in workspace.config.webhooks {
            let count = counts[webhook.name] ?? [:]
            summaries.append(
                Summary(
                    name: webhook.name, url: webhook.displayURL, events: webhook.events.map(\.rawValue).sorted(),
                    segments: webhook.segments?.sorted(), cursor: try await store.webhookCursor(webhook.name),
                    latestChange: latest, pending: count[.pending] ?? 0, delivered: count[.delivered] ?? 0,
                    dead: count[.dead] ?? 0))
        }
        return summaries
    }

    /// The delivery log of `name`, newest first.
    ///
    /// - Throws: `PortraitError.usage` for a webhook not in the config (with a suggestion).
    public static func deliveries(
        _ workspace: Workspace, webhook name: String, status: WebhookDelivery.Status?, limit: Int
    ) async throws -> [WebhookDelivery] {
        let webhook = try configured(name, in: workspace.config)
        return try await WebhookService.store(of: workspace).webhookDeliveries(
            webhook.name, status: status, limit: limit)
    }

    /// What a replay did.
    public enum Replay: Sendable, Hashable {
        /// Dead letters made pending again.
        case requeued(Int)
        /// The cursor now stands before this change.
        case rewound(from: Int64)
    }

    /// Re-delivers the dead letters of `name` (`from` nil), or rewinds its cursor so that delivery starts again at
    /// change `from`. A running `portrait run` picks either up at its next round; otherwise the next start does.
    ///
    /// - Throws: `PortraitError.usage` for a webhook not in the config, or a change id below 1.
    public static func replay(_ workspace: Workspace, webhook name: String, from: Int64?, now: Date = Date())
        async throws
        -> Replay
    {
        let webhook = try configured(name, in: workspace.config)
        let store = try WebhookService.store(of: workspace)
        guard let from else {
            return .requeued(try await store.requeueDeadWebhookDeliveries(webhook.name, now: now))
        }
        guard from >= 1 else {
            throw PortraitError.usage("--from takes a change id of 1 or more (`portrait changes` shows them)")
        }
        try await store.rewindWebhook(webhook.name, toChange: from, now: now)
        return .rewound(from: from)
    }

    static func configured(_ name: String, in config: HubConfig) throws -> WebhookConfig {
        if let webhook = config.webhook(named: name) { return webhook }
        var message = "no webhook named '\(name)' in \(config.file.lastPathComponent)"
        let names = config.webhooks.map(\.name)
        if let suggestion = Suggestions.closest(to: name, among: names) { message += "; did you mean '\(suggestion)'?" }
        message += names.isEmpty ? " (no webhooks are configured)" : " Configured: \(names.joined(separator: ", "))"
        throw PortraitError.usage(message)
    }
}
