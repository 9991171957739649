import Foundation
import PortraitCore

/// Reads a text file line by line in large chunks, without loading the file.
enum LineReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number; `body` returns false to
    /// stop. `onChunk` runs after each chunk's lines, where the caller may await.
    static func forEachLine(
        in url: URL,
        _ body: (String, Int) throws -> Bool,
        onChunk: () async throws -> Void = {}
    ) async throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw PortraitError.io("\(url.path): cannot open for reading")
        }
        defer { try? handle.close() }
        var carry = Data()
        var number = 0
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            let atEnd = chunk.isEmpty
            carry.append(chunk)
            var start = carry.startIndex
            while let newline = carry[start...].firstIndex(of: UInt8(ascii: "\n")) {
                number += 1
                var end = newline
                if end > start, carry[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: carry[start..<end], as: UTF8.self)
                start = newline + 1
                if line.isEmpty { continue }
                if try !body(line, number) { return }
            }
            carry = Data(carry[start...])
            if atEnd {
                if !carry.isEmpty {
                    number += 1
                    let line = String(decoding: carry, as: UTF8.self)
                    if !line.trimmingCharacters(in: .whitespaces).isEmpty { _ = try body(line, number) }
                }
                try await onChunk()
                return
            }
            try await onChunk()
        }
    }

    /// Synchronous variant for sampling.
    static func forEachLineSync(in url: URL, _ body: (String, Int) throws -> Bool) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw PortraitError.io("\(url.path): cannot open for reading")
        }
        defer { try? handle.close() }
        var carry = Data()
        var number = 0
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            carry.append(chunk)
            var start = carry.startIndex
            while let newline = carry[start...].firstIndex(of: UInt8(ascii: "\n")) {
                number += 1
                var end = newline
                if end > start, carry[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: carry[start..<end], as: UTF8.self)
                start = newline + 1
                if !line.isEmpty, try !body(line, number) { return }
            }
            carry = Data(carry[start...])
            if chunk.isEmpty {
                if !carry.isEmpty { _ = try body(String(decoding: carry, as: UTF8.self), number + 1) }
                return
            }
        }
    }
}
