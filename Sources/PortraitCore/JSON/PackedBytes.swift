/// Byte strings laid end to end in one buffer that this value owns, read as buffer pointers.
///
/// For text written per record from a fixed set of pieces (`"key":` of an object member): reading an entry of
/// an array of arrays copies the inner array out, a retain and release per piece and record. Noncopyable, so
/// the buffer has exactly one owner, which frees it.
struct PackedBytes: ~Copyable, @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private let ranges: [Range<Int>]

    init(_ entries: [[UInt8]]) {
        storage = .allocate(capacity: entries.reduce(0) { $0 + $1.count })
        _ = storage.initialize(from: entries.joined())
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(entries.count)
        var offset = 0
        for entry in entries {
            ranges.append(offset..<(offset + entry.count))
            offset += entry.count
        }
        self.ranges = ranges
    }

    deinit {
        storage.deallocate()
    }

    /// Entry `index`, valid as long as this value.
    @inline(__always)
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: storage[ranges[index]])
    }
}
