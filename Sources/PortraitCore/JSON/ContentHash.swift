import Crypto
public import Foundation

/// SHA-256 over a record's canonical JSON text: equal content, equal hash, whatever the key order.
public enum ContentHash {
    public static func of(raw: JSONValue, canonical: JSONValue, deleted: Bool) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(raw.canonicalText.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(canonical.canonicalText.utf8))
        hasher.update(data: Data([deleted ? 1 : 0]))
        return hex(hasher.finalize())
    }

    /// SHA-256 of bytes, as lower-case hex (file hashes for exactly-once pick-up).
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var text = ""
        text.reserveCapacity(64)
        for byte in digest {
            text += String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return text
    }
}
