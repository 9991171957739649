/// A form that may post to the intake: its id in the URL and the secret its submissions are signed with.
public struct IntakeForm: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The `{form_id}` of `POST /v1/forms/{form_id}/responses`.
    public var id: String
    /// The HMAC-SHA256 key of `X-Portrait-Signature`; never logged or printed. An empty secret refuses every
    /// submission.
    public var secret: String
    /// Submissions accepted per minute, with bursts of a sixth of that (at least 1); nil for no limit. Values below 1
    /// count as 1.
    public var ratePerMinute: Int?

    public init(id: String, secret: String, ratePerMinute: Int? = nil) {
        self.id = id
        self.secret = secret
        self.ratePerMinute = ratePerMinute
    }

    /// The form without its secret, so a printed configuration cannot leak it.
    public var description: String {
        "IntakeForm(id: \(id), secret: <redacted>, ratePerMinute: \(ratePerMinute.map(String.init) ?? "none"))"
    }

    public var debugDescription: String { description }
}

/// Where the intake listens, how much it reads and which forms it serves.
public struct IntakeConfiguration: Sendable {
    /// The address to bind; loopback by default so only a local reverse proxy can reach the intake.
    public var host: String
    /// The port to bind; 0 picks a free one (``IntakeServer/run(onListening:)`` reports it).
    public var port: Int
    /// Bodies larger than this are refused with 413 without being read further.
    public var maxBodyBytes: Int
    /// The forms served, keyed by form id.
    public var forms: [String: IntakeForm]

    public init(
        host: String = "127.0.0.1", port: Int = 0, maxBodyBytes: Int = 64 * 1024, forms: [String: IntakeForm] = [:]
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.forms = forms
    }

    /// A configuration serving `forms`, keyed by their ids.
    public init(host: String = "127.0.0.1", port: Int = 0, maxBodyBytes: Int = 64 * 1024, forms: [IntakeForm]) {
        self.init(
            host: host, port: port, maxBodyBytes: maxBodyBytes,
            forms: Dictionary(forms.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }))
    }
}
