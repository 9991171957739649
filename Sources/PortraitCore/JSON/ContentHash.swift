import Crypto
public import Foundation

/// SHA-256 over a record's canonical JSON text: equal content, equal hash, whatever the key order.
public enum ContentHash {
    public static func of(raw: JSONValue, canonical: JSONValue, deleted: Bool) -> String {
        of(rawText: raw.canonicalText, canonicalText: canonical.canonicalText, deleted: deleted)
    }

    /// The same hash from texts already written with `canonicalText`.
    public static func of(rawText: String, canonicalText: String, deleted: Bool) -> String {
        of(rawText, canonicalText, deleted: deleted)
    }

    /// The hash a sync stores: over the raw text, the fingerprint of the mapping that turns it into the canonical
    /// record, and the deletion flag.
    ///
    /// The canonical record is a function of these, so this is as good as hashing it, and it can be computed
    /// before mapping: a re-import finds unchanged records without mapping, validating or writing them.
    public static func of(rawText: String, mappingFingerprint: String, deleted: Bool) -> String {
        of(rawText, mappingFingerprint, deleted: deleted)
    }

    /// SHA-256 over `first`, a zero byte, `second` and the deletion flag, as lower-case hex.
    private static func of(_ first: String, _ second: String, deleted: Bool) -> String {
        var hasher = SHA256()
        var first = first
        var second = second
        // Every record of a sync is hashed: the separator and flag bytes are hashed from the stack, not from an
        // array allocated for each.
        first.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        second.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(deleted ? 1 : 0)) { hasher.update(bufferPointer: $0) }
        return hex(hasher.finalize())
    }

    /// SHA-256 of bytes, as lower-case hex (file hashes for exactly-once pick-up).
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// SHA-256 of a file's bytes, read in 1 MiB chunks so memory stays flat whatever the file's size.
    ///
    /// Read with `read(2)` into one buffer: `FileHandle.read(upToCount:)` read 4 KiB per system call and
    /// allocated a `Data` per chunk (a third of hashing a 100 MB feed).
    public static func sha256(fileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        while true {
            let count = read(handle.fileDescriptor, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex, written straight into the string's storage (one allocation per hash).
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let bytes = Array(digest)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = hexDigit(byte >> 4)
                buffer[2 * index + 1] = hexDigit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
