/// Reads a document whatever it came wrapped in, told by its first bytes rather than its name (so a folder's glob
/// and a URL need no option): gzip (`XMLGzipInput`), the XML file inside a zip archive (`XMLZipInput`), or plain
/// bytes passed through. Feeds are often delivered compressed, and an operator should not have to unpack them
/// first. (A body sent with `Content-Encoding: gzip` is already inflated by libcurl.)
final class XMLDecompressingInput: XMLInput {
    private let source: any XMLInput
    /// What the document is read through, chosen at the first `read`.
    private var decoded: (any XMLInput)?
    private var detectionFailure: String?

    /// Why `read` returned -1.
    var failure: String? { detectionFailure ?? decoded?.failure }

    init(_ source: any XMLInput) {
        self.source = source
    }

    /// Whether the input was found to be gzip or zip (known after the first `read`).
    var isCompressed: Bool { decoded is XMLGzipInput || decoded is XMLZipInput }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        if decoded == nil {
            guard let chosen = detect() else { return -1 }
            decoded = chosen
        }
        return decoded!.read(into: buffer, count: count)
    }

    /// For a zip archive of several feeds, once the current one is read: moves on to the next and returns its entry
    /// name. Nil for anything else, at the archive's end, and after a failure (`failure` then says why).
    func nextDocument() -> String? { (decoded as? XMLZipInput)?.nextDocument() }

    /// Reads the first bytes and chooses: gzip when they are 0x1f 0x8b, zip when they are a local header's
    /// `PK\u{3}\u{4}`, plain otherwise; the bytes read are handed on first. Nil after a failure of the source.
    private func detect() -> (any XMLInput)? {
        var first: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while first.count < 4 {
            let length = chunk.withUnsafeMutableBytes { bytes in
                source.read(into: bytes.baseAddress!.assumingMemoryBound(to: CChar.self), count: bytes.count)
            }
            if length < 0 {
                detectionFailure = source.failure
                return nil
            }
            if length == 0 { break }
            first += chunk[..<length]
        }
        let prefixed = XMLPrefixedInput(first, then: source)
        if first.starts(with: [0x50, 0x4b, 0x03, 0x04]) { return XMLZipInput(source: prefixed) }
        if first.starts(with: [0x1f, 0x8b]) { return XMLGzipInput(prefixed) }
        return prefixed
    }

    /// Reads the rest of a compressed input, up to `limit` more bytes of the document, and says what is wrong with
    /// it, if anything: damaged compressed data mostly inflates to garbage before zlib notices, so a parse error in
    /// a compressed document may stand for a corrupt file, which this tells apart. Nil for plain input, for sound
    /// data, and when the limit is reached first. (The limit counts inflated bytes: a "zip bomb" that the parser
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

    func close() { source.close() }

    func prefetch() async { await source.prefetch() }
}
