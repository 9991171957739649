import CZlib

/// A gzip-compressed document (`orders.xml.gz`, a URL that serves the compressed file itself), inflated as libxml2
/// pulls bytes: never to disk or to memory whole.
///
/// zlib checks each member's CRC-32 and length; a stream that ends before its trailer is a failure (the file was
/// cut short), not a silent end of the document. Concatenated members (`cat a.gz b.gz`) are read one after the
/// other, as `gzip -d` does.
final class XMLGzipInput: XMLInput {
    private static let chunkSize = 256 << 10

    private let source: any XMLInput
    private(set) var failure: String?
    private let compressed = UnsafeMutableRawBufferPointer.allocate(byteCount: XMLGzipInput.chunkSize, alignment: 16)
    private let inflater = XMLInflateStream(windowBits: 15 + 16)
    private let stream: UnsafeMutablePointer<z_stream>
    private var sourceEnded = false
    /// The current member ended; what follows, if anything, starts another.
    private var memberEnded = false
    /// Compressed bytes taken from the source, for messages.
    private var compressedBytes = 0

    init(_ source: any XMLInput) {
        self.source = source
        stream = inflater.z
    }

    deinit {
        compressed.deallocate()
    }

    /// Inflates up to `count` bytes (at least one, unless at the end); refills the compressed buffer from the
    /// source as it runs dry.
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        if !inflater.started {
            let status = inflater.start()
            guard status == Z_OK else {
                failure = "zlib could not start inflating the gzip data (\(inflater.message(status)))"
                return -1
            }
        }
        let room = uInt(clamping: count)
        stream.pointee.next_out = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = room
        while stream.pointee.avail_out == room {
            if memberEnded {
                if stream.pointee.avail_in == 0 && !sourceEnded {
                    guard refill() else { return -1 }
                }
                // The end of the last member is the end of the document; bytes after it start another member.
                guard stream.pointee.avail_in > 0 else { return 0 }
                _ = inflater.start()
                memberEnded = false
            }
            if stream.pointee.avail_in == 0 {
                if !sourceEnded {
                    guard refill() else { return -1 }
                }
                guard stream.pointee.avail_in > 0 else {
                    failure =
                        "the gzip data ends early, after \(compressedBytes) compressed bytes: the file looks cut short, as a file still being written or an interrupted download is"
                    return -1
                }
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:  // Z_BUF_ERROR: the input ran out mid-way; the loop refills it.
                continue
            case Z_STREAM_END:
                memberEnded = true
            default:
                let consumed = compressedBytes - Int(stream.pointee.avail_in)
                let message = inflater.message(status)
                // Where zlib found the damage, which may lie before (a wrong CRC-32 is found at the member's end).
                failure =
                    "the gzip data is corrupt (zlib: \(message), found at compressed byte \(consumed)); fetch or export the file again"
                return -1
            }
        }
        return count - Int(stream.pointee.avail_out)
    }

    /// Reads the next compressed bytes; false after a failure (`failure` says what).
    private func refill() -> Bool {
        let length = source.read(
            into: compressed.baseAddress!.assumingMemoryBound(to: CChar.self), count: compressed.count)
        if length < 0 {
            failure = source.failure
            return false
        }
        if length == 0 { sourceEnded = true }
        compressedBytes += length
        stream.pointee.next_in = compressed.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(length)
        return true
    }

    func close() { source.close() }

    func prefetch() async { await source.prefetch() }
}
