import Foundation
import PortraitCore

/// Reads a text file line by line in large chunks, without loading the file.
enum LineReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with each non-blank line (without its `\n` or `\r\n`) and its 1-based number; `body` returns
    /// false to stop. `onChunk` runs after each chunk's lines, where the caller may await (and so apply backpressure).
    static func forEachLine(
        in url: URL,
        _ body: (String, Int) throws -> Bool,
        onChunk: () async throws -> Void
    ) async throws {
        let handle = try open(url)
        defer { try? handle.close() }
        var splitter = LineSplitter()
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            let goOn = try splitter.feed(chunk, body)
            try await onChunk()
            if chunk.isEmpty || !goOn { return }
        }
    }

    /// The synchronous variant, for sampling a file (`discover`).
    static func forEachLineSync(in url: URL, _ body: (String, Int) throws -> Bool) throws {
        let handle = try open(url)
        defer { try? handle.close() }
        var splitter = LineSplitter()
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            if try !splitter.feed(chunk, body) || chunk.isEmpty { return }
        }
    }

    private static func open(_ url: URL) throws -> FileHandle {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw PortraitError.io("\(url.path): cannot open for reading")
        }
        return handle
    }
}

/// Splits chunks of bytes into lines, carrying a partial line over to the next chunk.
struct LineSplitter {
    private var carry = Data()
    private var number = 0

    /// Feeds one chunk (empty at the end of input) and calls `body` per complete line.
    ///
    /// - Returns: false when `body` asked to stop.
    mutating func feed(_ chunk: Data, _ body: (String, Int) throws -> Bool) rethrows -> Bool {
        carry.append(chunk)
        var start = carry.startIndex
        while let newline = carry[start...].firstIndex(of: UInt8(ascii: "\n")) {
            number += 1
            var end = newline
            if end > start, carry[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: carry[start..<end], as: UTF8.self)
            start = newline + 1
            if !Self.isBlank(line), try !body(line, number) { return false }
        }
        carry = Data(carry[start...])
        if chunk.isEmpty, !carry.isEmpty {
            number += 1
            let line = String(decoding: carry, as: UTF8.self)
            carry = Data()
            if !Self.isBlank(line) { return try body(line, number) }
        }
        return true
    }

    /// Blank lines (empty or only spaces and tabs) separate nothing in JSON Lines: they are skipped, not reported.
    static func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}
