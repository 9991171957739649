/// Why the scaffold wrote nothing: a bad name, a file that already exists, a checkout it does not recognise.
///
/// The message names the problem and the fix; the command-line tool prints it as it is.
public struct ScaffoldError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
