import Foundation
import PortraitCore
@testable import PortraitConnectors
import Testing

/// The imported-files ledger that `csv_drop` and `xml_feed` keep in their state.
struct ImportedFilesTests {
    @Test func aSavedLedgerReadsBackTheSame() {
        var files = ImportedFiles()
        files.record(sha256: "aa", name: "pos_1.csv", at: Date(timeIntervalSince1970: 0))
        files.record(sha256: "bb", name: "orders.xml", at: Date(timeIntervalSince1970: 60))
        let reread = ImportedFiles(files.json)
        #expect(reread == files)
        #expect(reread["bb"] == ImportedFiles.File(name: "orders.xml", at: "1970-01-01T00:01:00Z"))
        #expect(reread["cc"] == nil)
    }

    @Test func sizesAreKeptAndTellWhichFilesMayBeKnown() {
        var files = ImportedFiles()
        files.record(sha256: "aa", name: "orders.xml", size: 1_000, at: Date(timeIntervalSince1970: 0))
        let reread = ImportedFiles(files.json)
        #expect(reread["aa"]?.size == 1_000)
        #expect(reread.mayHold(size: 1_000))
        #expect(!reread.mayHold(size: 1_001))
        // An entry saved before sizes were kept may be a file of any size.
        let older = ImportedFiles(["bb": ["name": "old.xml", "at": "2026-01-01T00:00:00Z"]])
        #expect(older.mayHold(size: 1_001))
        #expect(!ImportedFiles().mayHold(size: 1))
    }

    @Test func entriesThatAreNotNameAndTimeAreSkipped() {
        let files = ImportedFiles(["aa": ["name": "a.csv", "at": "2026-01-01T00:00:00Z"], "bb": ["name": "b.csv"], "cc": 3])
        #expect(files["aa"] != nil)
        #expect(files["bb"] == nil)
        #expect(files["cc"] == nil)
    }

    @Test func beyondTheLimitTheOldestAreForgotten() {
        var files = ImportedFiles()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        for index in 0..<(ImportedFiles.limit + 2) {
            files.record(sha256: "hash\(index)", name: "f\(index).csv", at: start + Double(index))
        }
        #expect(files["hash0"] == nil)
        #expect(files["hash1"] == nil)
        #expect(files["hash2"] != nil)
        #expect(files["hash\(ImportedFiles.limit + 1)"] != nil)
        #expect(files.json.objectValue?.count == ImportedFiles.limit)
    }
}
