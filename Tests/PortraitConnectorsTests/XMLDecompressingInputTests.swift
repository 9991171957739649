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
}
