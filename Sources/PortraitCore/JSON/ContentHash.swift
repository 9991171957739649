import Crypto
public import Foundation

/// SHA-256 over a record's canonical JSON text: equal content, equal hash, whatever the key order.
public enum ContentHash {
    public static func of(raw: JSONValue, canonical: JSONValue, deleted: Bool) -> String {
        of(rawText: raw.canonicalText, canonicalText: canonical.canonicalText, deleted: deleted)
    }

    /// The same hash from texts already written with `canonicalText`.
    public static func of(rawText: String, canonicalText: String, deleted: Bool) -> String {
        var hasher = SHA256()
        var rawText = rawText
        var canonicalText = canonicalText
        rawText.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: [0])
        canonicalText.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: [deleted ? 1 : 0])
        return hex(hasher.finalize())
    }

    /// SHA-256 of bytes, as lower-case hex (file hashes for exactly-once pick-up).
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
