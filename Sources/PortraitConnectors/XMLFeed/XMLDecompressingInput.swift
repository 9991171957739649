import CZlib

/// Inflates an input whose first bytes are gzip's magic number (`orders.xml.gz`, a URL that serves the compressed
/// file itself), reads the XML file inside one that starts as a zip archive does (`XMLZipInput`), and passes any
/// other input through as it is: feeds are often delivered compressed, and an operator should not have to unpack
/// them first. Detected by content, not by name, so a folder's glob and a URL need no option. (A body sent with
/// `Content-Encoding: gzip` is already inflated by libcurl.)
///
/// zlib checks each member's CRC-32 and length; a stream that ends before its trailer is a failure (the file was
/// cut short), not a silent end of the document. Concatenated members (`cat a.gz b.gz`) are read one after the
/// other, as `gzip -d` does.
final class XMLDecompressingInput: XMLInput {
    private static let chunkSize = 256 << 10

    private enum Mode {
        /// Nothing read yet.
        case undecided
        /// Not compressed: the bytes of `compressed` at `pending`, then the source's own.
        case plain
        case gzip
        case zip(XMLZipInput)
    }

    private let source: any XMLInput
    private var mode = Mode.undecided
    private var ownFailure: String?
    /// Why `read` returned -1; for a zip archive, also why it ended early with 0 (a second feed in it).
    var failure: String? {
        if case .zip(let archive) = mode { return ownFailure ?? archive.failure }
        return ownFailure
    }
    /// Bytes from the source: gzip data, or the first plain bytes read to detect the format.
    private let compressed = UnsafeMutableRawBufferPointer.allocate(
        byteCount: XMLDecompressingInput.chunkSize, alignment: 16)
    /// The unread part of `compressed` (plain mode; gzip mode keeps it in the stream's `next_in`/`avail_in`).
    private var pending = 0..<0
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var streamReady = false
    private var sourceEnded = false
    /// The current member ended; what follows, if anything, starts another.
    private var memberEnded = false
    /// Compressed bytes taken from the source, for messages.
    private var compressedBytes = 0

    init(_ source: any XMLInput) {
        self.source = source
        stream.initialize(to: z_stream())
    }

    deinit {
        if streamReady { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        compressed.deallocate()
    }

    /// Whether the input was found to be gzip or zip (known after the first `read`).
    var isCompressed: Bool {
        switch mode {
        case .gzip, .zip: true
        case .undecided, .plain: false
        }
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        switch mode {
        case .undecided:
            guard detect() else { return -1 }
            return read(into: buffer, count: count)
        case .plain:
            guard pending.isEmpty else {
                let length = min(count, pending.count)
                UnsafeMutableRawPointer(buffer).copyMemory(
                    from: compressed.baseAddress! + pending.lowerBound, byteCount: length)
                pending = (pending.lowerBound + length)..<pending.upperBound
                return length
            }
            let length = source.read(into: buffer, count: count)
            if length < 0 { ownFailure = source.failure }
            return length
        case .gzip:
            return inflate(into: buffer, count: count)
        case .zip(let archive):
            let length = archive.read(into: buffer, count: count)
            return length
        }
    }

    /// Reads the first bytes and decides: gzip when they are 0x1f 0x8b, zip when they are a local header's
    /// `PK\u{3}\u{4}`.
    private func detect() -> Bool {
        var filled = 0
        while filled < 4 {
            let length = source.read(
                into: (compressed.baseAddress! + filled).assumingMemoryBound(to: CChar.self),
                count: compressed.count - filled)
            if length < 0 {
                ownFailure = source.failure
                return false
            }
            if length == 0 {
                sourceEnded = true
                break
            }
            filled += length
        }
        compressedBytes = filled
        if filled >= 4, compressed[0] == 0x50, compressed[1] == 0x4b, compressed[2] == 0x03, compressed[3] == 0x04 {
            mode = .zip(XMLZipInput(source: source, prefix: UnsafeRawBufferPointer(rebasing: compressed[0..<filled])))
            return true
        }
        guard filled >= 2, compressed[0] == 0x1f, compressed[1] == 0x8b else {
            mode = .plain
            pending = 0..<filled
            return true
        }
        // 15 + 16: a gzip wrapper (header and CRC-32 trailer checked) around a window of up to 32 KiB.
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            ownFailure = "zlib could not start inflating the gzip data (\(Self.describe(status)))"
            return false
        }
        streamReady = true
        mode = .gzip
        stream.pointee.next_in = compressed.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(filled)
        return true
    }

    /// Inflates up to `count` bytes (at least one, unless at the end); refills the compressed buffer from the
    /// source as it runs dry.
    private func inflate(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
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
                inflateReset(stream)
                memberEnded = false
            }
            if stream.pointee.avail_in == 0 {
                if !sourceEnded {
                    guard refill() else { return -1 }
                }
                guard stream.pointee.avail_in > 0 else {
                    ownFailure =
                        "the gzip data ends early, after \(compressedBytes) compressed bytes: the file looks cut short, as a file still being written or an interrupted download is"
                    return -1
                }
            }
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:  // Z_BUF_ERROR: the input ran out mid-way; the loop refills it.
                continue
            case Z_STREAM_END:
                memberEnded = true
            default:
                let consumed = compressedBytes - Int(stream.pointee.avail_in)
                let message = stream.pointee.msg.map { String(cString: $0) } ?? Self.describe(status)
                // Where zlib found the damage, which may lie before (a wrong CRC-32 is found at the member's end).
                ownFailure =
                    "the gzip data is corrupt (zlib: \(message), found at compressed byte \(consumed)); fetch or export the file again"
                return -1
            }
        }
        return count - Int(stream.pointee.avail_out)
    }

    /// Inflates the rest of the input, up to `limit` more inflated bytes, and says what is wrong with it, if
    /// anything: damaged compressed data mostly inflates to garbage before zlib notices, so a parse error in a
    /// gzip document may stand for a corrupt file, which this tells apart. Nil for plain input, for sound data,
    /// and when the limit is reached first. (The limit counts inflated bytes: a "zip bomb" that the parser
    /// stopped at once must not be inflated to its end here.)
    func damageAfterParseError(limit: Int = 256 << 20) -> String? {
        guard isCompressed, failure == nil else { return failure }
        let scratchSize = 64 << 10
        let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: scratchSize)
        defer { scratch.deallocate() }
        var inflated = 0
        while inflated < limit {
            let length = read(into: scratch, count: scratchSize)
            if length < 0 { return failure }
            if length == 0 { return nil }
            inflated += length
        }
        return nil
    }

    /// Reads the next compressed bytes; false after a failure (`failure` says what).
    private func refill() -> Bool {
        let length = source.read(
            into: compressed.baseAddress!.assumingMemoryBound(to: CChar.self), count: compressed.count)
        if length < 0 {
            ownFailure = source.failure
            return false
        }
        if length == 0 { sourceEnded = true }
        compressedBytes += length
        stream.pointee.next_in = compressed.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(length)
        return true
    }

    private static func describe(_ status: Int32) -> String {
        switch status {
        case Z_DATA_ERROR: "data error"
        case Z_MEM_ERROR: "out of memory"
        case Z_STREAM_ERROR: "stream error"
        case Z_VERSION_ERROR: "zlib version mismatch"
        default: "status \(status)"
        }
    }

    func close() { source.close() }

    func prefetch() async { await source.prefetch() }
}
