import ArgumentParser
import Foundation
import PortraitConfig
import PortraitService
import PortraitStore

extension Portrait {
    struct Webhooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Webhooks: where the change feed is delivered, what was delivered, and replays.",
            discussion: """
                `portrait run` delivers each webhook in change-id order, signed with HMAC-SHA256 and retried with \
                backoff; see docs/WEBHOOKS.md.
                """,
            subcommands: [List.self, Deliveries.self, Replay.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Each configured webhook: its URL, filters, cursor, and pending, delivered and dead deliveries.")

            @OptionGroup var options: GlobalOptions

            @Flag(help: "Print the webhooks as JSON.")
            var json = false

            func run() async throws {
                let workspace = try options.openWorkspace()
                let summaries = try await WebhookAdmin.list(workspace)
                if json { return try Terminal.printJSON(summaries) }
                if summaries.isEmpty {
                    return print("No webhooks in \(workspace.config.file.lastPathComponent) (see docs/WEBHOOKS.md).")
                }
                for summary in summaries {
                    print("\(summary.name)  \(summary.url)")
                    var filters =
                        "  events: \(summary.events.count == 7 ? "all" : summary.events.joined(separator: ", "))"
                    if let segments = summary.segments { filters += " · segments: \(segments.joined(separator: ", "))" }
                    print(filters)
                    print("  " + summary.deliveryLine)
                }
            }
        }

        struct Deliveries: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A webhook's delivery log, newest first.")

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The webhook's name.")
            var name: String

            @Option(name: .customLong("status"), help: "Only deliveries in this status: pending, delivered or dead.")
            var statusName: String?

            var status: WebhookDelivery.Status? { statusName.flatMap(WebhookDelivery.Status.init(rawValue:)) }

            @Option(help: "At most this many deliveries.")
            var limit = 50

            @Flag(help: "Print the deliveries as JSON Lines.")
            var json = false

            func validate() throws {
                guard limit > 0 else { throw ValidationError("--limit must be 1 or more") }
                if let statusName, WebhookDelivery.Status(rawValue: statusName) == nil {
                    throw ValidationError("--status takes pending, delivered or dead, not '\(statusName)'")
                }
            }

            func run() async throws {
                let workspace = try options.openWorkspace()
                let deliveries = try await WebhookAdmin.deliveries(
                    workspace, webhook: name, status: status, limit: limit)
                for delivery in deliveries {
                    if json {
                        print(Self.json(delivery))
                        continue
                    }
                    var line =
                        "#\(delivery.id)  change \(delivery.changeID)  \(delivery.status.rawValue)  \(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s")"
                    if let code = delivery.lastStatusCode { line += "  HTTP \(code)" }
                    if let at = delivery.deliveredAt ?? delivery.lastAttemptAt { line += "  \(at.formatted(.iso8601))" }
                    print(line)
                    if let error = delivery.lastError, delivery.status != .delivered { print("    \(error)") }
                }
                if !json && deliveries.isEmpty {
                    print("No deliveries\(status.map { " with status \($0.rawValue)" } ?? "") for webhook \(name).")
                }
            }

            static func json(_ delivery: WebhookDelivery) -> String {
                var object: [String: Any] = [
                    "id": delivery.id, "webhook": delivery.webhook, "change_id": delivery.changeID,
                    "attempts": delivery.attempts, "status": delivery.status.rawValue,
                ]
                if let code = delivery.lastStatusCode { object["last_status_code"] = code }
                if let error = delivery.lastError { object["last_error"] = error }
                for (key, date) in [
                    ("first_attempt_at", delivery.firstAttemptAt), ("last_attempt_at", delivery.lastAttemptAt),
                    ("delivered_at", delivery.deliveredAt),
                ] {
                    if let date { object[key] = date.formatted(.iso8601) }
                }
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                return String(decoding: data, as: UTF8.self)
            }
        }

        struct Replay: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Re-deliver a webhook's dead letters (--dead), or rewind it to deliver again from a change (--from).",
                discussion: """
                    A running `portrait run` picks the replay up at its next round (within a second); otherwise the \
                    next `portrait run` does. Dead letters are re-delivered before new changes.
                    """)

            @OptionGroup var options: GlobalOptions

            @Argument(help: "The webhook's name.")
            var name: String

            @Flag(help: "Make every dead letter pending again, with its attempts reset.")
            var dead = false

            @Option(
                help: "Rewind the cursor: deliver again every change from this id on (`portrait changes` shows ids).")
            var from: Int64?

            func validate() throws {
                guard dead != (from != nil) else {
                    throw ValidationError("give exactly one of --dead or --from CHANGE_ID")
                }
            }

            func run() async throws {
                let workspace = try options.openWorkspace()
                switch try await WebhookAdmin.replay(workspace, webhook: name, from: from) {
                case .requeued(let count):
                    print("\(name): \(count) dead letter\(count == 1 ? "" : "s") queued for delivery again")
                case .rewound(let change):
                    print("\(name): delivery starts again at change \(change)")
                }
            }
        }
    }
}
