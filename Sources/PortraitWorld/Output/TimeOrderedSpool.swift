import Foundation
import PortraitCore

/// Puts one silo's records in time order without holding them all in memory.
///
/// Real exports are ordered by time (a feed by order date, a till by receipt time), not by person: a file that
/// listed each person's records together would tell an identity resolver who is who. The generator produces
/// records person by person, so each record goes to the temporary file of its time slice, and ``drain(_:)`` then
/// sorts one slice at a time (a slice is a fraction of the output, about 10 MB for a million people).
final class TimeOrderedSpool {
    /// One record as spooled.
    struct Entry {
        var time: Int64
        /// ``Person/index`` of the person the record is about.
        var person: Int
        /// Which output file of the silo (a store), when it has several.
        var key: Int
        /// The record's id when it was fixed before spooling (a member card), else empty.
        var fixedID: String
        /// The record's text, UTF-8.
        var body: ArraySlice<UInt8>
    }

    private let files: [URL]
    private var handles: [FileHandle?]
    private var buffers: [[UInt8]]
    private let lower: Int64
    private let span: Int64

    static let bufferSize = 256 << 10

    /// - Parameters:
    ///   - slices: How many time slices (and temporary files); more slices, less memory when draining.
    init(
        directory: URL, name: String, slices: Int, from lower: Int64 = WorldCalendar.start,
        to upper: Int64 = WorldCalendar.end
    ) {
        files = (0..<slices).map { directory.appendingPathComponent("\(name).\($0).spool") }
        handles = Array(repeating: nil, count: slices)
        buffers = Array(repeating: [], count: slices)
        self.lower = lower
        span = upper - lower
    }

    func add(time: Int64, person: Int, key: Int = 0, fixedID: String = "", body: String) throws {
        let slice = Int(min(max(time - lower, 0), span - 1) * Int64(files.count) / span)
        let id = Array(fixedID.utf8)
        let text = Array(body.utf8)
        buffers[slice].append(littleEndian: UInt64(bitPattern: time))
        buffers[slice].append(littleEndian: UInt32(person))
        buffers[slice].append(littleEndian: UInt16(key))
        buffers[slice].append(littleEndian: UInt16(id.count))
        buffers[slice].append(littleEndian: UInt32(text.count))
        buffers[slice] += id
        buffers[slice] += text
        if buffers[slice].count >= Self.bufferSize { try flush(slice) }
    }

    /// Hands every record to `body` in time order (records of the same millisecond in the order they were
    /// added), then removes the temporary files.
    func drain(_ body: (Entry) throws -> Void) throws {
        for slice in files.indices {
            try flush(slice)
            try handles[slice]?.close()
            handles[slice] = nil
            guard FileManager.default.fileExists(atPath: files[slice].path) else { continue }
            let bytes = try [UInt8](Data(contentsOf: files[slice]))
            var starts: [(time: Int64, offset: Int)] = []
            var offset = 0
            while offset < bytes.count {
                starts.append((Int64(bitPattern: bytes.read(at: offset)), offset))
                offset += 20 + Int(bytes.read(at: offset + 14) as UInt16) + Int(bytes.read(at: offset + 16) as UInt32)
            }
            starts.sort { ($0.time, $0.offset) < ($1.time, $1.offset) }
            for (time, offset) in starts {
                let idLength = Int(bytes.read(at: offset + 14) as UInt16)
                let bodyLength = Int(bytes.read(at: offset + 16) as UInt32)
                let idStart = offset + 20
                try body(
                    Entry(
                        time: time, person: Int(bytes.read(at: offset + 8) as UInt32),
                        key: Int(bytes.read(at: offset + 12) as UInt16),
                        fixedID: String(decoding: bytes[idStart..<idStart + idLength], as: UTF8.self),
                        body: bytes[idStart + idLength..<idStart + idLength + bodyLength]))
            }
            try FileManager.default.removeItem(at: files[slice])
        }
    }

    private func flush(_ slice: Int) throws {
        guard !buffers[slice].isEmpty else { return }
        do {
            if handles[slice] == nil {
                guard FileManager.default.createFile(atPath: files[slice].path, contents: nil),
                    let handle = FileHandle(forWritingAtPath: files[slice].path)
                else {
                    throw PortraitError.io("\(files[slice].path): cannot create a temporary file; check the free space")
                }
                handles[slice] = handle
            }
            try handles[slice]!.write(contentsOf: buffers[slice])
        } catch let error as PortraitError {
            throw error
        } catch {
            throw PortraitError.io(
                "\(files[slice].path): cannot write (\(error.localizedDescription)); check the free space")
        }
        buffers[slice].removeAll(keepingCapacity: true)
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func append<Value: FixedWidthInteger>(littleEndian value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    fileprivate func read<Value: FixedWidthInteger>(at offset: Int) -> Value {
        var value = Value.zero
        Swift.withUnsafeMutableBytes(of: &value) { target in
            for index in 0..<MemoryLayout<Value>.size { target[index] = self[offset + index] }
        }
        return Value(littleEndian: value)
    }
}
