extension MockCRM {
    /// A request the mock received, as tests assert on it: retries, waits between them, credentials sent.
    public struct RequestRecord: Sendable {
        public var method: String
        /// The path without the query string (`/crm/v3/objects/contacts`).
        public var path: String
        /// The raw query string without `?`, still percent-encoded, if any.
        public var query: String?
        /// Headers in the order received, names in lowercase.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// When the request arrived, on the monotonic clock so that waits between requests measure true time.
        public var receivedAt: ContinuousClock.Instant

        /// The first value of the header called `name` (any case).
        public func header(_ name: String) -> String? {
            let lowered = name.lowercased()
            return headers.first { $0.name == lowered }?.value
        }

        /// The first query parameter called `name`, percent-decoded.
        public func queryParameter(_ name: String) -> String? {
            guard let query else { return nil }
            return FormURLEncoded.parse(query[...]).first { $0.name == name }?.value
        }
    }
}
