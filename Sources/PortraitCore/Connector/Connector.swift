public import Foundation
public import Logging

/// A source of customer data: a CRM API, a feed, a drop folder, a form.
///
/// A connector only reads. The hub maps, validates and stores what it yields, and persists each checkpoint in
/// the same transaction as the records before it. Delivery is therefore at-least-once from the connector and
/// effectively-once in the store: records are upserted by (connector, stream, source id) with a content hash.
public protocol Connector: Sendable {
    /// The kind name operators write in `portrait.yml` (`jsonl`, `csv_drop`, `rest`).
    static var kind: String { get }
    /// One line on what the kind reads, for `portrait connectors list`.
    static var summary: String { get }
    /// JSON Schema (2020-12) that the instance's `options` must satisfy.
    static var configSpec: JSONValue { get }
    /// Stream mappings used for streams the config does not map (stream name to a stream mapping): a kind that
    /// emits canonical records itself (survey forms) gives `{ responses: { entity: feedback, as_is: true } }`.
    static var defaultMapping: JSONValue { get }

    /// Creates an instance from validated options.
    ///
    /// - Throws: `PortraitError.configuration` when options are valid JSON but make no sense together.
    init(context: ConnectorContext) throws

    /// Checks the source can be reached and read with this config.
    ///
    /// - Throws: `PortraitError.connector` saying what failed and how to fix it.
    func check() async throws

    /// The streams the source offers and the fields seen in each, for writing a mapping.
    func discover() async throws -> [StreamDescription]

    /// Reads the source from `state` (nil: from the start), sending messages in order to `output`.
    func read(from state: ConnectorState?, into output: ConnectorOutput) async throws

    /// The drop folder this instance reads, if any: `portrait run` watches it and syncs as soon as a file lands.
    var watchedFolder: WatchedFolder? { get }

    /// The streams this instance sends records on, as its options say (no source is read): `portrait check`
    /// compares them with the mapping's streams. Empty when only reading the source can tell.
    var streamNames: [String] { get }
}

/// A folder a connector picks files up from, as the service watches it.
public struct WatchedFolder: Sendable, Hashable {
    public var url: URL
    /// For `complete_when: stable`: how long a file must stay unchanged before the connector takes it, so the
    /// watch syncs once more after that; nil when a file is complete as soon as it is seen.
    public var settleSeconds: Double?

    public init(url: URL, settleSeconds: Double?) {
        self.url = url
        self.settleSeconds = settleSeconds
    }
}

/// What a connector instance is given: its name, its options (secrets already resolved) and where it runs.
public struct ConnectorContext: Sendable {
    /// The instance name from config.
    public var name: String
    /// The validated options, with `${ENV}` and `${file:…}` references resolved.
    public var options: JSONValue
    /// Directory that relative paths in the options are resolved against (the config file's directory).
    public var baseDirectory: URL
    public var logger: Logger

    public init(name: String, options: JSONValue, baseDirectory: URL, logger: Logger) {
        self.name = name
        self.options = options
        self.baseDirectory = baseDirectory
        self.logger = logger
    }

    /// Resolves a path option against `baseDirectory`.
    public func url(forPath path: String) -> URL {
        URL.configPath(path, relativeTo: baseDirectory)
    }
}

/// Where a connector sends its messages. Each call returns once the hub has taken the message, which is
/// how backpressure reaches the connector.
public struct ConnectorOutput: Sendable {
    private let handler: @Sendable (ConnectorMessage) async throws -> Void

    public init(_ handler: @escaping @Sendable (ConnectorMessage) async throws -> Void) {
        self.handler = handler
    }

    public func send(_ message: ConnectorMessage) async throws { try await handler(message) }
    public func record(_ record: SourceRecord) async throws { try await handler(.record(record)) }
    /// Returns once the state, and every record sent before it, is committed: a connector may then act on the
    /// committed input (move a file to `archive/`).
    public func checkpoint(_ state: ConnectorState) async throws { try await handler(.checkpoint(state)) }
    /// Persists `state` with every record sent before it, like `checkpoint`, but returns once the hub has buffered
    /// it: for periodic checkpoints that the connector does not act on (a position inside a long document).
    public func checkpointWithoutWaiting(_ state: ConnectorState) async throws {
        try await handler(.checkpointWithoutWaiting(state))
    }
    /// Starts a new part (one file): the run report counts the records that follow under its name.
    public func part(_ name: String, note: String? = nil) async throws {
        try await handler(.part(ConnectorPart(name, note: note)))
    }
    public func warning(_ message: String, location: String? = nil) async throws {
        try await handler(.warning(ConnectorWarning(message, location: location)))
    }
    public func unreadable(_ record: UnreadableRecord) async throws { try await handler(.unreadable(record)) }
}

extension Connector {
    /// No default mappings: the config maps every stream.
    public static var defaultMapping: JSONValue { .object([:]) }

    /// No drop folder.
    public var watchedFolder: WatchedFolder? { nil }

    /// Unknown until the source is read.
    public var streamNames: [String] { [] }

    /// The connector's messages as an ordered async stream, for callers that prefer to iterate.
    public func messages(from state: ConnectorState?) -> AsyncThrowingStream<ConnectorMessage, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ConnectorMessage, any Error>.makeStream(bufferingPolicy: .unbounded)
        let task = Task {
            do {
                try await read(from: state, into: ConnectorOutput { continuation.yield($0) })
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
