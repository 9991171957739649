/// An in-process CRM that serves one set of contacts through HubSpot-style (CRM v3) and Salesforce-style (REST API
/// v59.0) endpoints on a loopback port, with faults that tests can inject request by request.
///
/// Connector tests, `portrait demo` and the REST benchmark need a CRM that answers like the real ones — the same
/// paths, cursors, JSON shapes, error bodies and token endpoints — without a network or an account. Both shapes
/// read the same data at the same time, so one sync through either preset can be compared with ``Running/contacts``.
///
/// ```swift
/// let crm = MockCRM(configuration: .init(contacts: MockCRM.generatedContacts(count: 1000, seed: 7)))
/// try await crm.run { running in
///     running.inject([.status(429, retryAfter: "1")], matching: "/crm/v3/objects/contacts")
///     let url = running.baseURL + "/crm/v3/objects/contacts?limit=100"
///     // … the first request gets a 429 with Retry-After: 1, the retry gets the page.
/// }
/// ```
///
/// What the mock serves:
/// - HubSpot: `GET /crm/v3/objects/contacts` (cursor paging by id, `properties`, `archived`),
///   `POST /crm/v3/objects/contacts/search` (filters on `lastmodifieddate`, offset paging) and
///   `POST /oauth/v1/token` (client credentials).
/// - Salesforce: `GET /services/data/vNN.N/query?q=` and `/queryAll?q=` (a SOQL subset), the query cursor
///   `GET /services/data/vNN.N/query/<locator>-<offset>` and `POST /services/oauth2/token`. Any API version in the
///   path is accepted and echoed in `nextRecordsUrl`.
///
/// Deviations from the real services, kept small on purpose:
/// - Contact ids are decimal numbers (HubSpot's form); each contact's Salesforce id (``Contact/salesforceID``) is
///   derived from it, so the two shapes name the same record. `init` and ``Running/add(_:)`` stop the program on an
///   id that is not a decimal number.
/// - HubSpot search filters only on `lastmodifieddate` (GTE, GT, LTE, LT, EQ) and sorts only by it (ties broken by
///   id), and it has no 10,000-result cap. The list's `paging.next.link` carries `after` and `limit` only.
/// - Salesforce query cursors do not expire by time; the 32 most recent stay open, older ones answer
///   `INVALID_QUERY_LOCATOR`, as an expired cursor does. The token endpoint includes `expires_in`.
/// - ``Running/requests`` stamps requests with `ContinuousClock` instants rather than `Date`s, because tests use
///   them to measure waits (Retry-After, back-off) and the wall clock can jump.
public struct MockCRM: Sendable {
    /// How the mock authenticates calls to its data endpoints (every path but the two token endpoints).
    ///
    /// A refused call answers 401 with the body of the API shape it was made to, so a connector's error handling
    /// sees what the real service would send.
    public enum Auth: Sendable, Hashable {
        /// Every call is accepted.
        case none
        /// `Authorization: Bearer <token>`, as a HubSpot private-app token or a Salesforce session id.
        case bearer(token: String)
        /// `Authorization: Basic base64(user:password)`.
        case basic(user: String, password: String)
        /// A header called `name` (any case) carrying `key`.
        case apiKeyHeader(name: String, key: String)
        /// A query parameter called `name` carrying `key` (HubSpot's retired `hapikey` style).
        case apiKeyQuery(name: String, key: String)
        /// Bearer tokens issued by either token endpoint for the client-credentials grant; each stays valid for
        /// `tokenLifetime` or until ``Running/expireTokens()``.
        case oauth2(clientID: String, clientSecret: String, tokenLifetime: Duration)
    }

    /// What one request receives instead of (or before) its normal answer.
    ///
    /// Faults are queued with ``Running/inject(_:matching:)``; each applies to exactly one request.
    public enum Fault: Sendable, Hashable {
        /// Answers `status` at once, with a `Retry-After` header if given, and `body` (or a short error body in
        /// the API shape of the path).
        case status(Int, retryAfter: String? = nil, body: String? = nil)
        /// Waits, then answers normally: a slow server, or a client timeout when longer than it.
        case delay(Duration)
        /// Closes the connection without sending a byte of response: the client sees a transport error
        /// (curl: "Empty reply from server").
        case dropConnection
        /// Sends the normal status and headers with the full `Content-Length`, then half the body, then closes
        /// (curl error 18: "transfer closed with N bytes remaining to read").
        case truncatedBody
        /// Answers 200 with a complete response whose body is the first half of the normal one: not valid JSON.
        case invalidJSON
        /// Never answers; the request ends when the client disconnects or the server stops.
        case hang
    }

    /// What the mock serves and how.
    public struct Configuration: Sendable {
        /// The initial data, in any order; ids must be distinct decimal numbers.
        public var contacts: [Contact]
        public var auth: Auth
        /// Added before every data page (HubSpot list and search, Salesforce query and cursor pages), so a
        /// benchmark can show whether a client overlaps fetching with storing.
        public var pageLatency: Duration
        /// The largest HubSpot `limit` honoured (larger ones are cut to it); HubSpot's own is 100. Salesforce's
        /// `batchSize` is honoured up to 2,000 regardless.
        public var maxPageSize: Int

        public init(contacts: [Contact], auth: Auth = .none, pageLatency: Duration = .zero, maxPageSize: Int = 100) {
            self.contacts = contacts
            self.auth = auth
            self.pageLatency = pageLatency
            self.maxPageSize = maxPageSize
        }
    }

    public let configuration: Configuration

    /// Checks the contacts' ids; nothing listens until ``run(host:port:_:)``.
    public init(configuration: Configuration) {
        for contact in configuration.contacts { ContactRecord.requireNumericID(contact.id) }
        self.configuration = configuration
    }
}
