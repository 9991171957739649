/// An error an operator reads: it names the place and the fix, and never dumps a Swift type.
///
/// `kind` decides the CLI's exit code: configuration and usage errors exit 2, everything else 1.
public struct PortraitError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case configuration, usage, invalidInput, connector, store, io, notFound
        }
        private let base: Base

        /// The config file or a value in it is wrong.
        public static let configuration = Kind(base: .configuration)
        /// The command line is wrong.
        public static let usage = Kind(base: .usage)
        /// Data that Portrait was given cannot be read.
        public static let invalidInput = Kind(base: .invalidInput)
        /// A connector cannot reach or read its source.
        public static let connector = Kind(base: .connector)
        /// The store cannot be opened, read or written.
        public static let store = Kind(base: .store)
        /// A file cannot be read or written.
        public static let io = Kind(base: .io)
        /// A named thing (connector, quarantine entry, profile) does not exist.
        public static let notFound = Kind(base: .notFound)

        public var description: String { base.rawValue }
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func configuration(_ message: String) -> PortraitError { PortraitError(.configuration, message) }
    public static func usage(_ message: String) -> PortraitError { PortraitError(.usage, message) }
    public static func invalidInput(_ message: String) -> PortraitError { PortraitError(.invalidInput, message) }
    public static func connector(_ message: String) -> PortraitError { PortraitError(.connector, message) }
    public static func store(_ message: String) -> PortraitError { PortraitError(.store, message) }
    public static func io(_ message: String) -> PortraitError { PortraitError(.io, message) }
    public static func notFound(_ message: String) -> PortraitError { PortraitError(.notFound, message) }

    /// 2 for configuration and usage errors, 1 for everything else.
    public var exitCode: Int32 { kind == .configuration || kind == .usage ? 2 : 1 }

    public var description: String { message }
}
