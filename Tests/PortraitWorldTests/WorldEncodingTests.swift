import Foundation
import PortraitWorld
import Testing

/// Store files in their stores' encodings hold the same text as the same world written all in UTF-8.
struct WorldEncodingTests {
    @Test func storeFilesDecodeToTheSameTextInEveryEncoding() throws {
        let encoded = try withScratchFolder { folder in
            try WorldGenerator(config: WorldConfig(people: 2_000, seed: 21)).generate(into: folder)
            return try filesByPath(in: folder)
        }
        let plain = try withScratchFolder { folder in
            try WorldGenerator(config: WorldConfig(people: 2_000, seed: 21, allUTF8: true)).generate(into: folder)
            return try filesByPath(in: folder)
        }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        var checked: Set<FileEncoding> = []
        for store in StoreCatalog.stores {
            for path in ["drops/members_\(store.code).csv", "drops/receipts_\(store.code).csv"] {
                let raw = [UInt8](try #require(encoded[path]))
                let utf8 = [UInt8](try #require(plain[path]))
                #expect(String(validating: utf8, as: UTF8.self) != nil && !utf8.starts(with: bom))
                switch store.encoding {
                case .gb18030:
                    #expect(raw != utf8)
                    #expect(String(validating: raw, as: UTF8.self) == nil, "\(path) holds Chinese, so it is not UTF-8")
                    #expect(
                        try Iconv.convert(raw, from: "GB18030", to: "UTF-8") == utf8, "\(path) decodes to other text")
                    #expect(
                        String(decoding: utf8, as: UTF8.self).unicodeScalars.contains {
                            (0x4E00...0x9FFF).contains($0.value)
                        })
                case .utf8BOM:
                    #expect(raw.starts(with: bom), "\(path) has no BOM")
                    #expect(Array(raw.dropFirst(3)) == utf8)
                case .utf8:
                    #expect(raw == utf8)
                }
                checked.insert(store.encoding)
            }
        }
        #expect(checked == [.gb18030, .utf8BOM, .utf8])
        // Nothing else changes with the encodings.
        for (path, data) in encoded where !path.hasPrefix("drops/") {
            #expect(plain[path] == data, "\(path)")
        }
    }
}
