import CZlib

/// The zlib inflate state a decoder (`XMLGzipInput`, `XMLZipInput`) owns: allocated with it, started for the first
/// compressed stream and reset for each further one (a gzip member, a zip entry), ended with it.
final class XMLInflateStream {
    /// zlib's stream, for `inflate` and its input and output pointers.
    let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private(set) var started = false
    /// 15 + 16: a gzip wrapper (header and CRC-32 trailer checked); -15: raw deflate data (a zip entry has no
    /// wrapper). Both with a window of up to 32 KiB.
    private let windowBits: Int32

    init(windowBits: Int32) {
        self.windowBits = windowBits
        z.initialize(to: z_stream())
    }

    deinit {
        if started { inflateEnd(z) }
        z.deinitialize(count: 1)
        z.deallocate()
    }

    /// Starts inflating a new compressed stream; zlib's status (`Z_OK` when it could).
    func start() -> Int32 {
        if started { return inflateReset(z) }
        let status = inflateInit2_(z, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        started = status == Z_OK
        return status
    }

    /// What zlib said of a call that returned `status`, or the status itself.
    func message(_ status: Int32) -> String {
        z.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
    }
}
