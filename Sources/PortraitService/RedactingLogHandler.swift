public import Logging
public import PortraitConfig
import Synchronization

/// A log handler that masks every resolved secret before a message or its metadata leaves the process.
public struct RedactingLogHandler: LogHandler {
    private var wrapped: any LogHandler
    private let redactor: LiveRedactor

    public init(wrapping handler: any LogHandler, redactor: SecretRedactor) {
        self.init(wrapping: handler, redactor: LiveRedactor(redactor))
    }

    /// - Parameter redactor: Read at each log event, so secrets added to it later (a reloaded config's) are masked
    ///   from then on.
    public init(wrapping handler: any LogHandler, redactor: LiveRedactor) {
        self.wrapped = handler
        self.redactor = redactor
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        let redactor = redactor.current
        var event = event
        event.message = "\(redactor.redact(event.message.description))"
        event.metadata = event.metadata?.mapValues { .string(redactor.redact($0.description)) }
        wrapped.log(event: event)
    }
}

/// The secrets a long-running process masks, growing as it loads configs: `portrait run` adds those of each
/// `portrait.yml` it reloads before it uses them.
public final class LiveRedactor: Sendable {
    private let redactor: Mutex<SecretRedactor>

    public init(_ redactor: SecretRedactor = SecretRedactor()) {
        self.redactor = Mutex(redactor)
    }

    public var current: SecretRedactor { redactor.withLock { $0 } }

    /// Masks `other`'s secrets too. Known ones stay masked: runs started under an older config may still log them.
    public func add(_ other: SecretRedactor) {
        redactor.withLock { redactor in
            for secret in other.secrets { redactor.add(secret) }
        }
    }
}
