import Foundation

extension JSONValue {
    /// Compact JSON with object keys sorted, so equal values always have equal text (and equal content hashes).
    ///
    /// Hand-written rather than `JSONEncoder`: it runs on every record of every sync.
    public var canonicalText: String {
        ByteSink.string { $0.write(self) }
    }
}
