import Foundation
import Testing

@testable import PortraitConnectors

/// `XMLDecompressingInput` on its own: how far it looks for damage after a parse error.
struct XMLDecompressingInputTests {
    /// About 2 MiB of inflated text whose gzip form is cut short near its end.
    static func cutShortGzip() throws -> [UInt8] {
        let whole = try XMLFeedGzipTests.gzip(XMLFeedGzipTests.orders(20_000))
        return Array(whole.dropLast(100))
    }

    static func startedReading(_ bytes: [UInt8]) -> XMLDecompressingInput {
        let input = XMLDecompressingInput(XMLBytesInput(bytes))
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
        defer { buffer.deallocate() }
        #expect(input.read(into: buffer, count: 4096) == 4096)
        return input
    }

    @Test func damageIsLookedForOnlyAsFarAsTheLimitOfInflatedBytes() throws {
        let bytes = try Self.cutShortGzip()
        // A "zip bomb" the parser stopped at once is not inflated to its end: the damage beyond the limit is not
        // looked at ...
        #expect(Self.startedReading(bytes).damageAfterParseError(limit: 64 << 10) == nil)
        // ... and within it, it is found.
        let found = Self.startedReading(bytes).damageAfterParseError(limit: 16 << 20)
        #expect(found?.hasPrefix("the gzip data ends early") == true, "\(String(describing: found))")
    }

    @Test func soundOrPlainInputHasNoDamage() throws {
        let sound = try XMLFeedGzipTests.gzip(XMLFeedGzipTests.orders(20_000))
        #expect(Self.startedReading(sound).damageAfterParseError() == nil)
        let plain = Self.startedReading(Array(XMLFeedGzipTests.orders(2_000).utf8))
        #expect(!plain.isCompressed)
        #expect(plain.damageAfterParseError() == nil)
    }

    @Test func anEntryBeforeTheFeedThatInflatesWithoutEndIsNotPassedOverForever() throws {
        // Streamed, so the entry's size follows its data and it must be inflated to find its end.
        let archive = try XMLFeedZipTests.zip(
            [("padding.bin", String(repeating: " ", count: 1 << 20)), ("orders.xml", XMLFeedGzipTests.orders(2))],
            streamed: true)
        func firstRead(limit: Int) -> (Int, String?) {
            let zip = XMLZipInput(source: XMLBytesInput(archive), maxPassedOverBytes: limit)
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
            defer { buffer.deallocate() }
            return (zip.read(into: buffer, count: 4096), zip.failure)
        }
        let (refused, reason) = firstRead(limit: 64 << 10)
        #expect(refused == -1)
        #expect(
            reason?.hasPrefix("the zip entry padding.bin, before the feed, inflates to more than 65536 bytes") == true)
        let (read, none) = firstRead(limit: 4 << 20)
        #expect(read > 0)
        #expect(none == nil)
    }
}
