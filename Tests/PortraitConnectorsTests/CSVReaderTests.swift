import Foundation
import Glibc
import PortraitTesting
import Testing

@testable import PortraitConnectors

/// Files and readers for one test.
private enum CSVFixture {
    static let comma = UInt8(ascii: ",")

    /// Writes `bytes` to a fresh file, detects its format (with what is given) and returns every row, header included.
    static func rows(
        _ bytes: [UInt8], encoding: CSVEncoding? = nil, delimiter: UInt8? = nil, chunkSize: Int = 1 << 20
    ) throws -> [CSVRow] {
        try TemporaryDirectory.with { directory in
            let url = try directory.write(Data(bytes), to: "input.csv")
            let format = try CSVFormat.detect(prefix: bytes, encoding: encoding, delimiter: delimiter)
            let reader = try CSVReader(url: url, format: format, chunkSize: chunkSize)
            var rows: [CSVRow] = []
            if let header = try reader.readHeader() { rows.append(header) }
            while let row = try reader.nextRow() { rows.append(row) }
            #expect(reader.bytesRead == Int64(bytes.count))
            return rows
        }
    }

    static func rows(_ text: String, delimiter: UInt8? = comma, chunkSize: Int = 1 << 20) throws -> [CSVRow] {
        try rows(Array(text.utf8), encoding: .utf8, delimiter: delimiter, chunkSize: chunkSize)
    }

    /// `text` in `encoding`, with a byte-order mark when asked (GB18030 through glibc's iconv, as a real export).
    static func encode(_ text: String, _ encoding: CSVEncoding, bom: Bool = false) -> [UInt8] {
        let mark = bom ? encoding.byteOrderMark : []
        switch encoding {
        case .utf8: return mark + Array(text.utf8)
        case .utf16LE: return mark + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BE: return mark + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .gb18030:
            let converter = iconv_open("GB18030", "UTF-8")!
            defer { iconv_close(converter) }
            var input = Array(text.utf8).map { CChar(bitPattern: $0) }
            var output = [CChar](repeating: 0, count: input.count * 4 + 4)
            let written = input.withUnsafeMutableBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    var inPointer = input.baseAddress
                    var inLeft = input.count
                    var outPointer = output.baseAddress
                    var outLeft = output.count
                    precondition(iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1)
                    return output.count - outLeft
                }
            }
            return mark + output[..<written].map { UInt8(bitPattern: $0) }
        }
    }

    /// A file that exercises every rule at once: quotes, doubled quotes, line breaks of each kind inside and
    /// between rows, empty lines, non-ASCII text (with a GBK character whose trail byte is `|`) and no final newline.
    static let rich =
        "id|name|note\r\n"
        + "1|\"Smith, Jane\"|\"said \"\"hi\"\"\"\r\n"
        + "\r\n"
        + "2|中文 亅|\"multi\nline\r\nnote\rend\"\n"
        + "3||€ é 😀\r"
        + "4|\"\"|x\"y\n"
        + "\n"
        + "5|\"abc\"def|last"
}

struct CSVReaderTests {
    // MARK: Quoting

    struct QuotingCase: Sendable, CustomStringConvertible {
        var input: String
        var fields: [String]
        var description: String { input.debugDescription }
    }

    static let quotingCases: [QuotingCase] = [
        QuotingCase(input: "a,\"b,c\",d\n", fields: ["a", "b,c", "d"]),
        QuotingCase(input: "\"say \"\"hi\"\"\",x\n", fields: ["say \"hi\"", "x"]),
        QuotingCase(input: "\"\"\"\"\n", fields: ["\""]),
        QuotingCase(input: "\"l1\r\nl2\",x\n", fields: ["l1\r\nl2", "x"]),
        QuotingCase(input: "\"l1\nl2\",x\n", fields: ["l1\nl2", "x"]),
        QuotingCase(input: "\"l1\rl2\",x\n", fields: ["l1\rl2", "x"]),
        QuotingCase(input: "\"\",x\n", fields: ["", "x"]),
        QuotingCase(input: ",,\n", fields: ["", "", ""]),
        QuotingCase(input: "a,b,\n", fields: ["a", "b", ""]),
        QuotingCase(input: "a,,b\n", fields: ["a", "", "b"]),
        QuotingCase(input: " a , \"b\" \n", fields: [" a ", " \"b\" "]),
        QuotingCase(input: "ab\"c,d\n", fields: ["ab\"c", "d"]),
        QuotingCase(input: "\"abc\"x,d\n", fields: ["abcx", "d"]),
        QuotingCase(input: "\"a\"\"b\"x\"y,z\n", fields: ["a\"bx\"y", "z"]),
        QuotingCase(input: "\"a,b\"\r\n", fields: ["a,b"]),
        QuotingCase(input: "x,\"a\"", fields: ["x", "a"]),
        QuotingCase(input: "x,", fields: ["x", ""]),
        QuotingCase(input: "\"a\",", fields: ["a", ""]),
    ]

    @Test(arguments: quotingCases, [1, 2, 3, 7, 1 << 20])
    func quotingRules(_ testCase: QuotingCase, chunkSize: Int) throws {
        let rows = try CSVFixture.rows(testCase.input, chunkSize: chunkSize)
        #expect(rows.map(\.fields) == [testCase.fields])
        #expect(rows.first?.problems == [])
    }

    // MARK: Lines and offsets

    @Test(arguments: ["\n", "\r\n", "\r"])
    func eachLineTerminatorEndsRows(_ terminator: String) throws {
        let text = ["h1,h2", "a,b", "c,d"].joined(separator: terminator) + terminator
        let rows = try CSVFixture.rows(text)
        let width = Int64(terminator.utf8.count)
        #expect(rows.map(\.fields) == [["h1", "h2"], ["a", "b"], ["c", "d"]])
        #expect(rows.map(\.line) == [1, 2, 3])
        #expect(rows.map(\.startOffset) == [0, 5 + width, 8 + 2 * width])
        #expect(rows.map(\.endOffset) == [5 + width, 8 + 2 * width, 11 + 3 * width])
        #expect(rows.map(\.raw) == ["h1,h2", "a,b", "c,d"])
    }

    @Test func rowsAfterAQuotedMultiLineFieldKeepPhysicalLineNumbers() throws {
        let rows = try CSVFixture.rows("id,note\n1,\"a\nb\r\nc\"\n2,x\n3,\"d\re\"\n4,y\n")
        #expect(rows.map(\.fields) == [["id", "note"], ["1", "a\nb\r\nc"], ["2", "x"], ["3", "d\re"], ["4", "y"]])
        #expect(rows.map(\.line) == [1, 2, 5, 6, 8])
        #expect(rows.map(\.nextLine) == [2, 5, 6, 8, 9])
        #expect(rows[1].raw == "1,\"a\nb\r\nc\"")
    }

    @Test func finalRowWithoutNewlineCounts() throws {
        let rows = try CSVFixture.rows("h\r\nlast")
        #expect(rows.map(\.fields) == [["h"], ["last"]])
        #expect(rows.last?.endOffset == 7)
        #expect(rows.last?.nextLine == 2)
    }

    @Test func emptyLinesAreSkippedButCounted() throws {
        let rows = try CSVFixture.rows("\nh\n\n\r\na\r\r\n\nb\n\n")
        #expect(rows.map(\.fields) == [["h"], ["a"], ["b"]])
        #expect(rows.map(\.line) == [2, 5, 8])
    }

    @Test func aLineOfSpacesIsARowNotAnEmptyLine() throws {
        let rows = try CSVFixture.rows("h\n \n")
        #expect(rows.map(\.fields) == [["h"], [" "]])
    }

    @Test(arguments: [1, 3, 1 << 20])
    func unterminatedQuoteMakesTheLastRowUnreadable(chunkSize: Int) throws {
        let rows = try CSVFixture.rows("h1,h2\nok,fine\n1,\"x\ny\",\"open\nmore\n", chunkSize: chunkSize)
        #expect(rows.count == 3)
        #expect(rows[1].fields == ["ok", "fine"])
        #expect(rows[2].fields == nil)
        #expect(rows[2].problems == ["unterminated quoted field (started on line 4)"])
        #expect(rows[2].raw == "1,\"x\ny\",\"open\nmore\n")
        #expect(rows[2].line == 3)
        #expect(rows[2].endOffset == 33)
    }

    // MARK: Encodings

    @Test func utf8WithByteOrderMark() throws {
        let bytes = CSVFixture.encode("名前,city\n中文,Zürich\n", .utf8, bom: true)
        let format = try CSVFormat.detect(prefix: bytes, encoding: nil, delimiter: nil)
        #expect(format == CSVFormat(encoding: .utf8, bomLength: 3, delimiter: CSVFixture.comma))
        let rows = try CSVFixture.rows(bytes)
        #expect(rows.map(\.fields) == [["名前", "city"], ["中文", "Zürich"]])
        #expect(rows.first?.startOffset == 3)
        #expect(rows.first?.raw == "名前,city")
    }

    @Test(arguments: [CSVEncoding.utf16LE, .utf16BE])
    func utf16WithByteOrderMark(_ encoding: CSVEncoding) throws {
        let bytes = CSVFixture.encode("name;note\r\n😀 Zoë;\"a;\"\"b\"\"\nc\"\r\n中文;\n", encoding, bom: true)
        let format = try CSVFormat.detect(prefix: bytes, encoding: nil, delimiter: nil)
        #expect(format == CSVFormat(encoding: encoding, bomLength: 2, delimiter: UInt8(ascii: ";")))
        for chunkSize in [1, 2, 3, 7, 1 << 20] {
            let rows = try CSVFixture.rows(bytes, chunkSize: chunkSize)
            #expect(rows.map(\.fields) == [["name", "note"], ["😀 Zoë", "a;\"b\"\nc"], ["中文", ""]])
            #expect(rows.map(\.line) == [1, 2, 4])
            #expect(rows.map(\.startOffset) == [2, 24, 64])
            #expect(rows[1].raw == "😀 Zoë;\"a;\"\"b\"\"\nc\"")
        }
    }

    @Test func gb18030TwoAndFourByteCharacters() throws {
        let text = "名,价\n中文,€\né,😀\n"
        let bytes = CSVFixture.encode(text, .gb18030)
        // The encoder must produce the well-known byte sequences the test is about.
        #expect(Array(bytes[6..<10]) == [0xD6, 0xD0, 0xCE, 0xC4])  // 中文
        #expect(Array(bytes[11..<13]) == [0xA2, 0xE3])  // €
        #expect(Array(bytes[17..<21]) == [0x94, 0x39, 0xFC, 0x36])  // 😀, a four-byte sequence
        let format = try CSVFormat.detect(prefix: bytes, encoding: nil, delimiter: nil)
        #expect(format == CSVFormat(encoding: .gb18030, bomLength: 0, delimiter: CSVFixture.comma))
        for chunkSize in [1, 2, 3, 7, 1 << 20] {
            let rows = try CSVFixture.rows(bytes, chunkSize: chunkSize)
            #expect(rows.map(\.fields) == [["名", "价"], ["中文", "€"], ["é", "😀"]])
            #expect(rows.map(\.raw) == ["名,价", "中文,€", "é,😀"])
        }
    }

    @Test func gbkTrailByteThatEqualsThePipeDelimiterIsNotASeparator() throws {
        // 亅 (U+4E85) is 0x81 0x7C in GBK: its trail byte is `|`.
        let bytes: [UInt8] =
            Array("id|name|note\n1|".utf8) + [0x81, 0x7C, 0x81, 0x7C] + Array("|x\n2|a".utf8) + [0x81, 0x7C, 0x7C]
        let format = try CSVFormat.detect(prefix: bytes, encoding: .gb18030, delimiter: nil)
        #expect(format.delimiter == UInt8(ascii: "|"))
        for chunkSize in [1, 2, 3, 7, 1 << 20] {
            let rows = try CSVFixture.rows(bytes, encoding: .gb18030, chunkSize: chunkSize)
            #expect(rows.map(\.fields) == [["id", "name", "note"], ["1", "亅亅", "x"], ["2", "a亅", ""]])
        }
    }

    @Test func gbkIsReadAsGB18030() throws {
        #expect(CSVEncoding.named("GBK") == .gb18030)
        let rows = try CSVFixture.rows([0x81, 0x40, 0x2C, 0xD6, 0xD0, 0x0A], encoding: CSVEncoding.named("gbk"))
        #expect(rows.map(\.fields) == [["丂", "中"]])
    }

    @Test func invalidUTF8MakesOnlyItsRowUnreadable() throws {
        let bytes = Array("h1,h2\na,b\nc,".utf8) + [0x64, 0xFF, 0x65] + Array("\ne,f\n".utf8)
        let rows = try CSVFixture.rows(bytes, encoding: .utf8, delimiter: CSVFixture.comma)
        #expect(rows.map(\.fields) == [["h1", "h2"], ["a", "b"], nil, ["e", "f"]])
        #expect(rows[2].problems == ["invalid UTF-8 byte sequence in column 2 (bytes 0xFF)"])
        #expect(rows[2].raw == "c,d\u{FFFD}e")
        #expect(rows.map(\.line) == [1, 2, 3, 4])
    }

    @Test func invalidGB18030MakesOnlyItsRowUnreadable() throws {
        let bytes =
            CSVFixture.encode("a,b,c\n中,文,x\n", .gb18030) + [0x31, 0x2C, 0x32, 0x2C, 0x81, 0x20, 0x0A]
            + CSVFixture.encode("好,的,y\n", .gb18030)
        let rows = try CSVFixture.rows(bytes, encoding: .gb18030, delimiter: CSVFixture.comma)
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["中", "文", "x"], nil, ["好", "的", "y"]])
        #expect(rows[2].problems == ["invalid GB18030 byte sequence in column 3 (bytes 0x81 0x20)"])
        #expect(rows[2].raw == "1,2,\u{FFFD} ")
    }

    @Test func loneSurrogateInUTF16MakesOnlyItsRowUnreadable() throws {
        let units: [UInt16] = [0x61, 0x2C, 0x62, 0x0A, 0x78, 0x2C, 0xD800, 0x0A, 0x63, 0x2C, 0x64, 0x0A]
        let bytes = CSVEncoding.utf16LE.byteOrderMark + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let rows = try CSVFixture.rows(bytes)
        #expect(rows.map(\.fields) == [["a", "b"], nil, ["c", "d"]])
        #expect(rows[1].problems == ["invalid UTF-16LE byte sequence in column 2 (bytes 0x00 0xD8)"])
        #expect(rows[1].raw == "x,\u{FFFD}")
    }

    // MARK: Detection

    @Test(arguments: [",", ";", "\t", "|"])
    func detectsEachDelimiter(_ delimiter: String) throws {
        let text =
            ["name", "city", "\"a\(delimiter)b\""].joined(separator: delimiter) + "\n"
            + ["Jane", "Köln", "x"].joined(separator: delimiter) + "\n"
            + ["Li", "\"Rome\"", "y"].joined(separator: delimiter)
        let format = try CSVFormat.detect(prefix: Array(text.utf8), encoding: nil, delimiter: nil)
        #expect(format.delimiter == UInt8(ascii: Unicode.Scalar(delimiter)!))
        #expect(format.encoding == .utf8)
    }

    @Test func delimiterTiesPreferCommaAndMoreOccurrencesWin() throws {
        func detect(_ text: String) throws -> UInt8 {
            try CSVFormat.detect(prefix: Array(text.utf8), encoding: nil, delimiter: nil).delimiter
        }
        #expect(try detect("a,b;c\n1,2;3\n") == UInt8(ascii: ","))
        #expect(try detect("a|b\tc\n1|2\t3\n") == UInt8(ascii: "\t"))
        #expect(try detect("a;b;c,d\n1;2;3,4\n") == UInt8(ascii: ";"))
        // Commas inside values (a decimal comma) vary per line; the consistent `;` wins.
        #expect(try detect("a;b\n1,5;2\n3;4,25\n") == UInt8(ascii: ";"))
        // A ragged row does not hide the delimiter, nor does a decimal comma that is on the header's line too.
        #expect(try detect("a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11\n") == UInt8(ascii: ","))
        #expect(try detect("name;amount, EUR\nx;1,5\ny;2\nz;3,25\nw;4,0\n") == UInt8(ascii: ";"))
    }

    @Test func delimiterDetectionFailureSaysWhichOptionToSet() throws {
        let error = #expect(throws: CSVFormatError.self) {
            try CSVFormat.detect(prefix: Array("email\nx@example.com\n".utf8), encoding: nil, delimiter: nil)
        }
        #expect(error?.description.contains("set the `delimiter` option") == true)
        let inconsistent = #expect(throws: CSVFormatError.self) {
            try CSVFormat.detect(prefix: Array("a,b\n1,2,3\n4,5,6\n7\n".utf8), encoding: nil, delimiter: nil)
        }
        #expect(inconsistent?.description.contains("`delimiter`") == true)
    }

    @Test func detectsEncodings() throws {
        func encoding(of bytes: [UInt8]) throws -> (CSVEncoding, Int) {
            let format = try CSVFormat.detect(prefix: bytes, encoding: nil, delimiter: nil)
            return (format.encoding, format.bomLength)
        }
        let text = "名,city\n中文,Zürich\n"
        #expect(try encoding(of: CSVFixture.encode(text, .utf8)) == (.utf8, 0))
        #expect(try encoding(of: CSVFixture.encode(text, .utf8, bom: true)) == (.utf8, 3))
        #expect(try encoding(of: CSVFixture.encode(text, .utf16LE, bom: true)) == (.utf16LE, 2))
        #expect(try encoding(of: CSVFixture.encode(text, .utf16BE, bom: true)) == (.utf16BE, 2))
        #expect(try encoding(of: CSVFixture.encode(text, .gb18030)) == (.gb18030, 0))
        #expect(try encoding(of: CSVFixture.encode("id,name\n1,x\n", .utf16LE)) == (.utf16LE, 0))
        #expect(try encoding(of: CSVFixture.encode("id,name\n1,x\n", .utf16BE)) == (.utf16BE, 0))
        // A sample cut in the middle of a character is still UTF-8.
        #expect(try encoding(of: Array(CSVFixture.encode("a,b\n中文", .utf8).dropLast())) == (.utf8, 0))
    }

    @Test func configuredEncodingSkipsItsByteOrderMark() throws {
        let bytes = CSVFixture.encode("a,b\n", .utf8, bom: true)
        let format = try CSVFormat.detect(prefix: bytes, encoding: .utf8, delimiter: nil)
        #expect(format.bomLength == 3)
        // For UTF-16 the mark decides the byte order.
        let big = CSVFixture.encode("a,b\n", .utf16BE, bom: true)
        #expect(try CSVFormat.detect(prefix: big, encoding: .utf16LE, delimiter: nil).encoding == .utf16BE)
        let error = #expect(throws: CSVFormatError.self) {
            try CSVFormat.detect(prefix: big, encoding: .utf8, delimiter: nil)
        }
        #expect(error?.description.contains("set the `encoding` option to utf-16be") == true)
    }

    @Test func undetectableEncodingSaysWhichOptionToSet() throws {
        // Latin-1 "é," on every line is neither UTF-8 nor GB18030 (0x2C is no GB18030 trail byte).
        let latin1 = Array("a,b\n".utf8) + [0xE9, 0x2C, 0x78, 0x0A, 0xE9, 0x2C, 0x79, 0x0A, 0xE9, 0x2C, 0x7A, 0x0A]
        let error = #expect(throws: CSVFormatError.self) {
            try CSVFormat.detect(prefix: latin1, encoding: nil, delimiter: nil)
        }
        #expect(error?.description.contains("0xE9 0x2C") == true)
        #expect(error?.description.contains("set the `encoding` option") == true)
    }

    @Test func aFewBrokenRowsDoNotChangeTheDetectedEncoding() throws {
        func encoding(of bytes: [UInt8]) throws -> CSVEncoding {
            try CSVFormat.detect(prefix: bytes, encoding: nil, delimiter: nil).encoding
        }
        // One corrupt row in an ASCII file: UTF-8, and only that row is unreadable.
        let corrupt = Array("card,name\nM1,Ann\nM2,".utf8) + [0xFF, 0xFE] + Array("\nM3,Bo\n".utf8)
        #expect(try encoding(of: corrupt) == .utf8)
        #expect(try CSVFixture.rows(corrupt).map(\.fields) == [["card", "name"], ["M1", "Ann"], nil, ["M3", "Bo"]])
        // UTF-8 Chinese with one corrupt byte decodes as GB18030 mojibake, but the UTF-8 evidence wins.
        var chinese = CSVFixture.encode("名字,城市\n中文,北京\n" + String(repeating: "李娜,上海\n", count: 10), .utf8)
        chinese[14] = 0xC0  // the lead byte of 中
        let mojibake = chinese.withUnsafeBufferPointer { CSVGB18030Converter()!.decode($0) }
        #expect(mojibake != nil)
        #expect(try encoding(of: chinese) == .utf8)
    }

    @Test func encodingNamesFromConfig() {
        #expect(CSVEncoding.named("UTF8") == .utf8)
        #expect(CSVEncoding.named("utf-8-sig") == .utf8)
        #expect(CSVEncoding.named("utf_16") == .utf16LE)
        #expect(CSVEncoding.named("UTF-16BE") == .utf16BE)
        #expect(CSVEncoding.named("gb2312") == .gb18030)
        #expect(CSVEncoding.named("GB18030") == .gb18030)
        #expect(CSVEncoding.named("latin1") == nil)
        #expect(CSVEncoding.allCases.allSatisfy { CSVEncoding.named($0.rawValue) == $0 })
    }

    // MARK: Resuming and chunk boundaries

    @Test func seekingToARowBoundaryYieldsExactlyTheRemainingRows() throws {
        let text = "id,note\r\n1,\"a\nb\"\r\n\r\n2,x\n3,\"c\r\nd\r\ne\"\n4,y"
        try TemporaryDirectory.with { directory in
            let url = try directory.write(text, to: "resume.csv")
            let format = CSVFormat(encoding: .utf8, bomLength: 0, delimiter: CSVFixture.comma)
            let all = try CSVFixture.rows(text)
            #expect(all.map(\.line) == [1, 2, 5, 6, 9])
            for (index, row) in all.enumerated() {
                for (offset, line, expected) in [
                    (row.endOffset, row.nextLine, all[(index + 1)...]), (row.startOffset, row.line, all[index...]),
                ] {
                    let reader = try CSVReader(url: url, format: format, chunkSize: 5)
                    #expect(try reader.readHeader() == all[0])
                    try reader.seek(toOffset: offset, line: line)
                    #expect(reader.bytesRead == offset)
                    var rest: [CSVRow] = []
                    while let next = try reader.nextRow() { rest.append(next) }
                    #expect(rest == Array(expected))
                }
            }
        }
    }

    @Test(arguments: CSVEncoding.allCases, [1, 2, 3, 7, 64])
    func tinyChunksGiveTheSameRowsAsTheDefault(_ encoding: CSVEncoding, chunkSize: Int) throws {
        let bytes = CSVFixture.encode(CSVFixture.rich, encoding, bom: encoding != .gb18030)
        let expected = try CSVFixture.rows(bytes, encoding: encoding, delimiter: UInt8(ascii: "|"))
        #expect(
            expected.map(\.fields) == [
                ["id", "name", "note"], ["1", "Smith, Jane", "said \"hi\""], ["2", "中文 亅", "multi\nline\r\nnote\rend"],
                ["3", "", "€ é 😀"], ["4", "", "x\"y"], ["5", "abcdef", "last"],
            ])
        #expect(expected.map(\.line) == [1, 2, 4, 8, 9, 11])
        let rows = try CSVFixture.rows(bytes, encoding: encoding, delimiter: UInt8(ascii: "|"), chunkSize: chunkSize)
        #expect(rows == expected)
    }

    // MARK: Failures

    @Test func missingFileErrorNamesThePath() throws {
        let format = CSVFormat(encoding: .utf8, bomLength: 0, delimiter: CSVFixture.comma)
        let error = #expect(throws: CSVReaderError.self) {
            try CSVReader(url: URL(fileURLWithPath: "/nonexistent/drop/x.csv"), format: format)
        }
        #expect(error?.description.hasPrefix("/nonexistent/drop/x.csv: cannot open") == true)
    }

    @Test func aRowLongerThanTheLimitThrowsInsteadOfFillingMemory() throws {
        try TemporaryDirectory.with { directory in
            let url = try directory.write("h\n\"" + String(repeating: "x", count: 5000), to: "open.csv")
            let format = CSVFormat(encoding: .utf8, bomLength: 0, delimiter: CSVFixture.comma)
            let reader = try CSVReader(url: url, format: format, chunkSize: 512, maxRowBytes: 2048)
            #expect(try reader.readHeader()?.fields == ["h"])
            let error = #expect(throws: CSVReaderError.self) { try reader.nextRow() }
            #expect(error?.description.contains("row starting on line 2") == true)
        }
    }

    // MARK: Benchmark

    /// Prints rows per second for the file named by `PORTRAIT_CSV_BENCH`; without it, does nothing (a measurement to
    /// run by hand, not a timed test). In release mode:
    /// `PORTRAIT_CSV_BENCH=/tmp/r.csv swift test -c release -Xswiftc -enable-testing --filter CSVReaderTests/benchmark`
    @Test func benchmark() throws {
        guard let path = ProcessInfo.processInfo.environment["PORTRAIT_CSV_BENCH"] else { return }
        let url = URL(fileURLWithPath: path)
        let format = try CSVFormat.detect(fileAt: url, encoding: nil, delimiter: nil)
        let clock = ContinuousClock()
        var rows = 0
        var fields = 0
        let elapsed = try clock.measure {
            let reader = try CSVReader(url: url, format: format)
            _ = try reader.readHeader()
            while let row = try reader.nextRow() {
                rows += 1
                fields += row.fields?.count ?? 0
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("CSVReader: \(rows) rows, \(fields) fields in \(seconds) s: \(Int(Double(rows) / seconds)) rows/s")
    }
}
