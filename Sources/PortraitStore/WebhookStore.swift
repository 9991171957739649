public import Foundation

/// What webhook delivery keeps in the store: per webhook a cursor (the last change-feed id it has handled) and a
/// delivery log. `SQLiteStore` implements it; every method that writes is one transaction.
///
/// A change the webhook's filters accept is *enqueued*: its delivery row (pending) is written and the cursor moved
/// to it in the same transaction, so a change is never behind the cursor without a row saying what became of it.
public protocol WebhookStore: Sendable {
    /// The last change id `webhook` has handled, or nil before its first delivery round.
    func webhookCursor(_ webhook: String) async throws -> Int64?

    /// Moves the cursor of `webhook` to `changeID` if it is still `expected` (nil: no cursor yet).
    ///
    /// - Returns: False when someone else moved it meanwhile (`portrait webhooks replay --from`); nothing changed.
    func moveWebhookCursor(_ webhook: String, from expected: Int64?, to changeID: Int64, now: Date) async throws -> Bool

    /// Writes a pending delivery of `changeID` and moves the cursor to it, if the cursor is still `expected`.
    ///
    /// - Returns: The delivery, or nil (nothing written) when the cursor moved meanwhile.
    func enqueueWebhookDelivery(_ webhook: String, changeID: Int64, cursor expected: Int64?, now: Date) async throws
        -> WebhookDelivery?

    /// Pending deliveries of `webhook` in change-id order (then delivery id), at most `limit`.
    func pendingWebhookDeliveries(_ webhook: String, limit: Int) async throws -> [WebhookDelivery]

    /// Records one attempt of delivery `id`: its outcome (`pending` while it will be tried again), the HTTP status
    /// if there was one, and the error (nil when delivered).
    func recordWebhookAttempt(
        id: Int64, status: WebhookDelivery.Status, statusCode: Int?, error: String?, at: Date
    ) async throws

    /// Deliveries of `webhook`, newest first, optionally only those with `status`.
    func webhookDeliveries(_ webhook: String, status: WebhookDelivery.Status?, limit: Int) async throws
        -> [WebhookDelivery]

    /// Per webhook that has any delivery, how many are in each status.
    func webhookDeliveryCounts() async throws -> [String: [WebhookDelivery.Status: Int]]

    /// Makes the dead letters of `webhook` pending again with their attempts reset, to be re-delivered first.
    ///
    /// - Returns: How many.
    func requeueDeadWebhookDeliveries(_ webhook: String, now: Date) async throws -> Int

    /// Rewinds (or forwards) `webhook` so that its next round starts at change `changeID`: the cursor becomes
    /// `changeID - 1`, and pending deliveries of later changes are dropped (the round enqueues them again).
    func rewindWebhook(_ webhook: String, toChange changeID: Int64, now: Date) async throws

    /// The newest change id in the feed (0 when it is empty).
    func latestChangeID() async throws -> Int64
}

/// One delivery of one change to one webhook (a row of the delivery log).
public struct WebhookDelivery: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        /// Waiting for its first or next attempt.
        case pending
        /// A 2xx answered it.
        case delivered
        /// Refused by the receiver (4xx) or out of attempts: delivery moved on without it.
        case dead
    }

    /// Also the `X-Portrait-Delivery` header and the payload's `delivery_id`.
    public var id: Int64
    public var webhook: String
    public var changeID: Int64
    public var attempts: Int
    public var status: Status
    public var lastStatusCode: Int?
    public var lastError: String?
    public var firstAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var deliveredAt: Date?

    public init(
        id: Int64, webhook: String, changeID: Int64, attempts: Int = 0, status: Status = .pending,
        lastStatusCode: Int? = nil, lastError: String? = nil, firstAttemptAt: Date? = nil, lastAttemptAt: Date? = nil,
        deliveredAt: Date? = nil
    ) {
        self.id = id
        self.webhook = webhook
        self.changeID = changeID
        self.attempts = attempts
        self.status = status
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.firstAttemptAt = firstAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.deliveredAt = deliveredAt
    }
}
