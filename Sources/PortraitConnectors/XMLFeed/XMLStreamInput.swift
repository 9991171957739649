import PortraitHTTP

/// A streamed HTTP body as parser input: libxml2 pulls bytes as the transfer delivers them, through a bounded
/// buffer, so a feed of any size is parsed without a copy of it in memory.
final class XMLStreamInput: XMLInput {
    private let stream: HTTPBodyStream
    private(set) var failure: String?

    init(_ stream: HTTPBodyStream) { self.stream = stream }

    /// Blocks while the transfer has not delivered the next bytes yet; `prefetch()` before each record makes
    /// that rare.
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        do {
            return try stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
        } catch {
            failure = "\(error)"
            return -1
        }
    }

    func close() { stream.close() }

    /// Waits (suspended, not blocking) for 256 KiB or the end of the body: more than most records take.
    func prefetch() async { await stream.waitUntilBuffered(256 << 10) }
}
