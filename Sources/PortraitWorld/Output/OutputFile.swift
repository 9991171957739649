import Foundation
import PortraitCore

/// A file written through a 1 MiB buffer under a hidden temporary name, and renamed into place by ``close()``.
///
/// Drop-folder connectors and `portrait run`'s folder watch must never see half a file: a file appears under its
/// real name only once it is complete (the world's config says `complete_when: renamed`).
final class OutputFile {
    let url: URL
    private let temporaryURL: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let encoder: GB18030Encoder?
    private(set) var bytesWritten = 0

    /// Creates the file (an existing one is replaced when closed) and writes the BOM for ``FileEncoding/utf8BOM``.
    init(_ url: URL, encoding: FileEncoding = .utf8) throws {
        self.url = url
        temporaryURL = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporaryURL.path)
        else {
            throw PortraitError.io("\(url.path): cannot create the file; check that its folder is writable")
        }
        self.handle = handle
        encoder = encoding == .gb18030 ? try GB18030Encoder() : nil
        buffer.reserveCapacity(Self.bufferSize + 4096)
        if encoding == .utf8BOM { buffer += [0xEF, 0xBB, 0xBF] }
    }

    static let bufferSize = 1 << 20

    /// Appends text in the file's encoding.
    func write(_ text: String) throws {
        if let encoder {
            try encoder.encode(text, into: &buffer, file: url)
        } else {
            buffer.append(contentsOf: text.utf8)
        }
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Appends bytes that are already UTF-8 text (re-encoded for a GB18030 file).
    func write(utf8 bytes: ArraySlice<UInt8>) throws {
        if encoder != nil {
            try write(String(decoding: bytes, as: UTF8.self))
        } else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.bufferSize { try flush() }
        }
    }

    /// Writes what is buffered, closes the file and renames it into place.
    func close() throws {
        try flush()
        try handle.close()
        do {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporaryURL, to: url)
        } catch {
            throw PortraitError.io(
                "\(url.path): cannot move the finished file into place (\(error.localizedDescription))")
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw PortraitError.io("\(url.path): cannot write (\(error.localizedDescription)); check the free space")
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
