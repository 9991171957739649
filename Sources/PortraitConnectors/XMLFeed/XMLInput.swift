import Foundation
import PortraitCore

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes a document is parsed from, pulled by libxml2 as it needs them: nothing holds a whole feed in memory.
///
/// Called on the parsing thread only, from libxml2's read callback.
protocol XMLInput: AnyObject {
    /// Fills up to `count` bytes at `buffer`; returns how many, 0 at the end, or -1 after a failure (`failure`
    /// then says what).
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int
    /// Why `read` returned -1.
    var failure: String? { get }
    /// Stops the input early (a URL transfer is aborted); safe to call more than once.
    func close()
    /// Suspends until the next piece of input can be read without blocking (a streamed body has bytes
    /// buffered), so libxml2's synchronous read callback rarely waits on a Swift concurrency thread.
    func prefetch() async
}

extension XMLInput {
    func prefetch() async {}
}

/// A file read with `read(2)` in 256 KiB chunks, handed to libxml2 in the pieces it asks for (about 4 KB: read
/// straight from the file, that was a system call per 2 KB parsed).
final class XMLFileInput: XMLInput {
    static let chunkSize = 256 << 10

    private var descriptor: Int32
    private(set) var failure: String?
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: XMLFileInput.chunkSize, alignment: 16)
    /// The unread bytes of `chunk`.
    private var pending = 0..<0

    /// - Throws: `PortraitError.connector` naming the file when it cannot be opened.
    init(url: URL, display: String) throws {
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PortraitError.connector(
                "\(display): cannot open the file (\(String(cString: strerror(errno)))); check the path and its permissions"
            )
        }
    }

    deinit {
        close()
        chunk.deallocate()
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        if pending.isEmpty {
            guard descriptor >= 0 else { return 0 }
            let filled = fill()
            guard filled > 0 else { return filled }
        }
        let length = min(count, pending.count)
        UnsafeMutableRawPointer(buffer).copyMemory(from: chunk.baseAddress! + pending.lowerBound, byteCount: length)
        pending = (pending.lowerBound + length)..<pending.upperBound
        return length
    }

    /// Reads the next chunk of the file; returns its length, 0 at the end, -1 after a failure.
    private func fill() -> Int {
        while true {
            let result = Glibc.read(descriptor, chunk.baseAddress!, chunk.count)
            if result >= 0 {
                pending = 0..<result
                return result
            }
            if errno == EINTR { continue }
            failure = String(cString: strerror(errno))
            return -1
        }
    }

    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// In-memory bytes (tests, `discover` samples).
final class XMLBytesInput: XMLInput {
    private let bytes: [UInt8]
    private var offset = 0
    let failure: String? = nil

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        let length = min(count, bytes.count - offset)
        guard length > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: length)
        }
        offset += length
        return length
    }

    func close() {}
}

/// Bytes already read from `source` (to tell its format), handed out again, then the rest of `source`.
final class XMLPrefixedInput: XMLInput {
    private let prefix: [UInt8]
    private var offset = 0
    private let source: any XMLInput
    private(set) var failure: String?

    init(_ prefix: [UInt8], then source: any XMLInput) {
        self.prefix = prefix
        self.source = source
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        guard offset == prefix.count else {
            let length = min(count, prefix.count - offset)
            prefix.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: length)
            }
            offset += length
            return length
        }
        let length = source.read(into: buffer, count: count)
        if length < 0 { failure = source.failure }
        return length
    }

    func close() { source.close() }

    func prefetch() async { await source.prefetch() }
}
