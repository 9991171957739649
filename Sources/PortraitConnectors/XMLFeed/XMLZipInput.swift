import CZlib

/// The XML files inside a zip archive (`orders.zip` holding `orders.xml`, or a day's `orders-1.xml`,
/// `orders-2.xml`), read straight from the archive's bytes as they stream in and inflated as libxml2 pulls them:
/// no temporary file, no whole archive in memory.
///
/// A zip is read front to back by its local headers (a streamed URL has no end to seek to for the central
/// directory). Each entry whose name ends in `.xml` (any case) is a document, in the archive's order; other entries
/// (a readme, `__MACOSX/` metadata) are passed over. `read` hands out one document's bytes and ends with 0; once
/// libxml2 has read it, `nextDocument()` moves on to the next one. Deflated and stored entries are read, each
/// checked against its CRC-32; encrypted entries and other methods are refused, naming the entry.
final class XMLZipInput: XMLInput {
    private static let bufferSize = 256 << 10

    private enum State {
        /// Before a local header (or the central directory, which ends the entries).
        case header
        /// Inside the document's entry, deflated; its CRC-32 and sizes follow it when `descriptor` is given.
        case deflated(descriptor: Descriptor?)
        /// Inside the document's entry, stored, with `remaining` bytes to copy (its size is in its header).
        case stored(remaining: Int)
        /// The current document is read, and the next `.xml` entry's header too: `read` ends the document until
        /// `nextDocument()` goes on, in this state.
        indirect case waiting(next: State)
        /// The document is read and no other `.xml` entry follows.
        case finished
    }

    /// What follows an entry whose sizes and CRC-32 its local header left out (general purpose flag bit 3).
    private struct Descriptor {
        /// Sizes of 8 bytes each (zip64) rather than 4.
        var wide: Bool
    }

    private let source: any XMLInput
    private(set) var failure: String?
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: XMLZipInput.bufferSize, alignment: 16)
    /// The unread bytes of `buffer`.
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    /// Archive bytes consumed before `buffer[start]`, for messages.
    private var offset = 0
    private var state = State.header
    private let inflater = XMLInflateStream(windowBits: -15)
    private let stream: UnsafeMutablePointer<z_stream>
    /// The current document's entry name, and its CRC-32 as read so far and as its header gives it.
    private(set) var document: String?
    private var crc: uLong = 0
    private var expectedCRC: UInt32 = 0
    /// The names of entries passed over, for saying what the archive holds when it has no `.xml` entry.
    private var passedOver: [String] = []
    /// The most an entry that is not the feed may inflate to while it is passed over.
    private let maxPassedOverBytes: Int

    /// - Parameter maxPassedOverBytes: The most an entry before the feed, whose size follows its data, may inflate
    ///   to while it is passed over.
    init(source: any XMLInput, maxPassedOverBytes: Int = 1 << 30) {
        self.source = source
        self.maxPassedOverBytes = maxPassedOverBytes
        stream = inflater.z
    }

    deinit {
        buffer.deallocate()
    }

    /// The current document's bytes, like `XMLInput.read`: up to `count`, 0 at its end, -1 after a failure.
    func read(into output: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        while true {
            switch state {
            case .finished, .waiting:
                return 0
            case .header:
                guard readHeader() else {
                    // Past the end of a document, a failure ends that document cleanly: its records are handed
                    // out, and the reader says why after them (`failure`).
                    if document != nil {
                        state = .finished
                        return 0
                    }
                    return -1
                }
            case .deflated(let descriptor):
                let length = inflate(into: output, count: count, descriptor: descriptor)
                if length != 0 { return length }
            case .stored(let remaining):
                let length = copyStored(into: output, count: count, remaining: remaining)
                if length != 0 { return length }
            }
        }
    }

    /// Moves on to the archive's next `.xml` entry once the current one is read (what of it libxml2 left unread,
    /// nothing after a clean end, is read past); returns its name, or nil when no other follows or the archive
    /// failed first (`failure` then says why).
    func nextDocument() -> String? {
        let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: 64 << 10)
        defer { scratch.deallocate() }
        while true {
            let length = read(into: scratch, count: 64 << 10)
            if length < 0 { return nil }
            if length == 0 { break }
        }
        guard case .waiting(let next) = state else { return nil }
        state = next
        return document
    }

    // MARK: Entries

    /// Reads the next local header and acts on it: starts the document, passes over another entry, or ends.
    /// False after a failure.
    private func readHeader() -> Bool {
        guard fill(4) else { return fail(truncated: "before the next entry's header") }
        let signature = le32(0)
        if signature == 0x0201_4b50 || signature == 0x0605_4b50 {
            // The central directory: no more entries.
            guard document != nil else {
                let held = passedOver.isEmpty ? "no files" : passedOver.prefix(5).joined(separator: ", ")
                return fail("the zip archive holds no .xml file (it holds \(held)); zip the feed's XML file")
            }
            state = .finished
            return true
        }
        guard signature == 0x0403_4b50 else {
            return fail("the zip archive has no entry header where one belongs (at byte \(offset)); it may be damaged")
        }
        guard fill(30) else { return fail(truncated: "inside an entry's header") }
        let flags = le16(6)
        let method = le16(8)
        let headerCRC = le32(14)
        let compressedSize = le32(18)
        let nameLength = Int(le16(26))
        let extraLength = Int(le16(28))
        guard fill(30 + nameLength + extraLength) else { return fail(truncated: "inside an entry's header") }
        let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[(start + 30)..<(start + 30 + nameLength)])
        let name = String(decoding: nameBytes, as: UTF8.self)
        let zip64 = hasZip64Field(at: start + 30 + nameLength, length: extraLength) || compressedSize == 0xFFFF_FFFF
        consume(30 + nameLength + extraLength)

        let descriptor = flags & 0x08 != 0 ? Descriptor(wide: zip64) : nil
        let isXML = name.lowercased().hasSuffix(".xml") && !name.hasPrefix("__MACOSX/")
        guard flags & 0x01 == 0 else { return fail("the zip entry \(name) is encrypted; export it unencrypted") }
        guard method == 8 || method == 0 else {
            return fail(
                "the zip entry \(name) is compressed with method \(method), which Portrait does not read (deflate or stored only)"
            )
        }
        guard method == 8 || descriptor == nil else {
            return fail("the zip entry \(name) is stored without its size in its header, which cannot be streamed")
        }
        if zip64 && descriptor == nil && method == 0 {
            return fail("the zip entry \(name) is a zip64 stored entry, which Portrait does not read; deflate it")
        }
        if method == 8 {
            let status = inflater.start()
            guard status == Z_OK else {
                return fail("zlib could not start inflating the zip entry \(name) (\(inflater.message(status)))")
            }
        }
        guard isXML else {
            passedOver.append(name)
            // A zip64 header's size is in its extra field: such an entry is inflated to find its end instead.
            let size = zip64 ? nil : Int(compressedSize)
            return passOver(name, size: size, descriptor: descriptor)
        }
        let entry = method == 8 ? State.deflated(descriptor: descriptor) : .stored(remaining: Int(compressedSize))
        // The first document starts at once; a later one once the reader of the one before asks for it.
        state = document == nil ? entry : .waiting(next: entry)
        document = name
        crc = crc32(0, nil, 0)
        expectedCRC = headerCRC
        return true
    }

    /// Skips an entry that is not the document: `size` bytes, or when its size is not at hand (it follows the data,
    /// or sits in a zip64 field) by inflating it (stored entries without a size were refused before). False after
    /// a failure.
    private func passOver(_ name: String, size: Int?, descriptor: Descriptor?) -> Bool {
        if descriptor == nil, let size {
            var left = size
            while left > 0 {
                guard fill(1) else { return fail(truncated: "inside the entry \(name)") }
                let taken = min(left, end - start)
                consume(taken)
                left -= taken
            }
            return true
        }
        // Inflated into nothing to find its end, up to a bound (an entry that inflates without end must not keep
        // the import busy).
        let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: 64 << 10)
        defer { scratch.deallocate() }
        var inflated = 0
        while true {
            let status = inflateStep(into: scratch, count: 64 << 10)
            if status.failed { return false }
            if status.ended { break }
            inflated += status.produced
            guard inflated <= maxPassedOverBytes else {
                return fail(
                    "the zip entry \(name), before the feed, inflates to more than \(maxPassedOverBytes) bytes; zip the feed's XML file on its own"
                )
            }
        }
        guard let descriptor else { return true }
        return skipDescriptor(descriptor, checking: nil)
    }

    // MARK: The document's bytes

    private func inflate(into output: UnsafeMutablePointer<CChar>, count: Int, descriptor: Descriptor?) -> Int {
        let step = inflateStep(into: output, count: count)
        if step.failed { return -1 }
        if step.produced > 0 {
            crc = crc32(crc, UnsafeRawPointer(output).assumingMemoryBound(to: Bytef.self), uInt(step.produced))
        }
        if step.ended {
            guard finishDocument(descriptor: descriptor) else { return -1 }
        }
        return step.produced
    }

    private func copyStored(into output: UnsafeMutablePointer<CChar>, count: Int, remaining: Int) -> Int {
        guard remaining > 0 else {
            return finishDocument(descriptor: nil) ? 0 : -1
        }
        guard fill(1) else {
            _ = fail(truncated: "inside the entry \(document ?? "")")
            return -1
        }
        let length = min(count, remaining, end - start)
        UnsafeMutableRawPointer(output).copyMemory(from: buffer.baseAddress! + start, byteCount: length)
        consume(length)
        crc = crc32(crc, UnsafeRawPointer(output).assumingMemoryBound(to: Bytef.self), uInt(length))
        state = .stored(remaining: remaining - length)
        return length
    }

    /// The document's entry is read: its CRC-32 checked; the entries after it are looked at next. False after a
    /// failure.
    private func finishDocument(descriptor: Descriptor?) -> Bool {
        if let descriptor {
            guard skipDescriptor(descriptor, checking: UInt32(truncatingIfNeeded: crc)) else { return false }
        } else if UInt32(truncatingIfNeeded: crc) != expectedCRC {
            return fail(checksumOf: document ?? "")
        }
        state = .header
        return true
    }

    /// Reads the data descriptor after an entry; checks its CRC-32 against `checking` when given.
    private func skipDescriptor(_ descriptor: Descriptor, checking: UInt32?) -> Bool {
        guard fill(4) else { return fail(truncated: "in an entry's data descriptor") }
        if le32(0) == 0x0807_4b50 { consume(4) }
        let length = 4 + (descriptor.wide ? 16 : 8)
        guard fill(length) else { return fail(truncated: "in an entry's data descriptor") }
        let recorded = le32(0)
        consume(length)
        if let checking, checking != recorded { return fail(checksumOf: document ?? "") }
        return true
    }

    /// One `inflate` call's worth (refilling the input as needed) into `output`.
    private func inflateStep(into output: UnsafeMutablePointer<CChar>, count: Int) -> (
        produced: Int, ended: Bool, failed: Bool
    ) {
        let room = uInt(clamping: count)
        stream.pointee.next_out = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = room
        while true {
            if start == end {
                guard fill(1) else {
                    _ = fail(truncated: "inside the entry \(document ?? passedOver.last ?? "")")
                    return (0, false, true)
                }
            }
            stream.pointee.next_in = (buffer.baseAddress! + start).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(end - start)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            consume(end - start - Int(stream.pointee.avail_in))
            let produced = count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                return (produced, true, false)
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return (produced, false, false) }
            default:
                let message = inflater.message(status)
                _ = fail(
                    "the zip entry \(document ?? passedOver.last ?? "") is corrupt (zlib: \(message), at archive byte \(offset)); fetch or export the file again"
                )
                return (0, false, true)
            }
        }
    }

    // MARK: Bytes

    /// Makes at least `count` unread bytes available; false when the archive ends first (or the source failed).
    private func fill(_ count: Int) -> Bool {
        while end - start < count {
            if sourceEnded { return false }
            if start > 0 {
                (buffer.baseAddress! + 0).copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
                end -= start
                start = 0
            }
            let length = source.read(
                into: (buffer.baseAddress! + end).assumingMemoryBound(to: CChar.self), count: buffer.count - end)
            if length < 0 {
                failure = source.failure
                sourceEnded = true
                return false
            }
            if length == 0 { sourceEnded = true }
            end += length
        }
        return true
    }

    private func consume(_ count: Int) {
        start += count
        offset += count
    }

    private func le16(_ at: Int) -> UInt16 {
        UInt16(buffer[start + at]) | UInt16(buffer[start + at + 1]) << 8
    }

    private func le32(_ at: Int) -> UInt32 {
        UInt32(le16(at)) | UInt32(le16(at + 2)) << 16
    }

    /// Whether the extra field at `position` (absolute in `buffer`) holds a zip64 record (id 0x0001).
    private func hasZip64Field(at position: Int, length: Int) -> Bool {
        var at = position
        while at + 4 <= position + length {
            let id = UInt16(buffer[at]) | UInt16(buffer[at + 1]) << 8
            let size = Int(UInt16(buffer[at + 2]) | UInt16(buffer[at + 3]) << 8)
            if id == 0x0001 { return true }
            at += 4 + size
        }
        return false
    }

    // MARK: Failures

    private func fail(_ message: String) -> Bool {
        if failure == nil { failure = message }
        return false
    }

    private func fail(truncated place: String) -> Bool {
        if failure != nil { return false }  // The source failed: its reason stands.
        return fail(
            "the zip archive ends early, \(place) (after \(offset) bytes): the file looks cut short, as a file still being written or an interrupted download is"
        )
    }

    private func fail(checksumOf name: String) -> Bool {
        fail("the zip entry \(name) does not match its CRC-32: the archive is damaged; fetch or export the file again")
    }

    func close() { source.close() }

    func prefetch() async { await source.prefetch() }
}
