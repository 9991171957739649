import PortraitProfiles
import Foundation
import Testing

/// The sqlite3 CLI, when installed; the agreement test is skipped otherwise.
let sqlite3CLIPath: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
    .split(separator: ":")
    .map { "\($0)/sqlite3" }
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs random expressions both in memory and through real SQLite over the storage encoding, and checks
/// that they select exactly the same rows. Literals are spliced into the script here only because the CLI
/// has no convenient binding; the product always binds.
@Suite struct SegmentExpressionSQLiteAgreementTests {
    @Test(.enabled(if: sqlite3CLIPath != nil, "sqlite3 CLI not installed"))
    func sqlSelectsTheSameRowsAsMatches() throws {
        var fuzzer = ExpressionFuzzer(rng: SegmentRNG(state: 42))
        let fields = ExpressionFuzzer.fields
        let rows = (0..<80).map { _ in fuzzer.row() }
        let expressions = try (0..<400).map { _ in try parseSegment(fuzzer.expression()) }

        var script = "CREATE TABLE t(id INTEGER PRIMARY KEY, "
        script += fields.map { "\(quotedSQLColumn($0)) \(Self.columnType(segmentCatalog.types[$0]!))" }.joined(separator: ", ")
        script += ");\n"
        for (id, row) in rows.enumerated() {
            let values = fields.map { Self.storageLiteral(row[$0]) }
            script += "INSERT INTO t VALUES (\(id), \(values.joined(separator: ", ")));\n"
        }
        for expression in expressions {
            let compiled = expression.sql(column: quotedSQLColumn)
            script += "SELECT coalesce(group_concat(id), '') FROM t WHERE \(Self.splice(compiled.sql, compiled.arguments));\n"
        }

        let lines = try Self.runSQLite(script)
        try #require(lines.count >= expressions.count)
        var disagreements = 0
        var selected = 0
        for (index, expression) in expressions.enumerated() {
            let fromSQL = Set(lines[index].split(separator: ",").compactMap { Int($0) })
            let fromMemory = Set(rows.indices.filter { expression.matches(rows[$0]) })
            selected += fromMemory.count
            if fromSQL != fromMemory {
                disagreements += 1
                Issue.record("\(expression): sql \(fromSQL.sorted()) vs memory \(fromMemory.sorted())")
            }
        }
        #expect(disagreements == 0)
        // The comparison is only meaningful if the expressions select neither nothing nor everything.
        let fraction = Double(selected) / Double(expressions.count * rows.count)
        #expect(fraction > 0.15 && fraction < 0.85, "selected fraction \(fraction)")
    }

    static func columnType(_ type: ProfileFieldType) -> String {
        switch type {
        case .number: "REAL"
        case .bool: "INTEGER"
        case .text, .date, .list: "TEXT"
        }
    }

    /// The caller's storage encoding, as SQL literals.
    static func storageLiteral(_ value: ProfileValue?) -> String {
        switch value {
        case nil: "NULL"
        case .number(let number): "\(number)"
        case .text(let text), .date(let text): textLiteral(text)
        case .bool(let flag): flag ? "1" : "0"
        case .list(let items): items.isEmpty ? "NULL" : textLiteral("\u{1F}" + items.joined(separator: "\u{1F}") + "\u{1F}")
        }
    }

    static func textLiteral(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "'", with: "''")
            .replacingOccurrences(of: "\u{1F}", with: "' || char(31) || '")
        return "('\(escaped)')"
    }

    static func splice(_ sql: String, _ arguments: [SQLArgument]) -> String {
        var remaining = arguments[...]
        var result = ""
        for character in sql {
            guard character == "?" else { result.append(character); continue }
            switch remaining.popFirst() {
            case .number(let number): result += "(\(number))"
            case .text(let text): result += textLiteral(text)
            case nil: result += "?"
            }
        }
        return result
    }

    static func runSQLite(_ script: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory
        let scriptURL = directory.appendingPathComponent("expr-agreement-\(UUID().uuidString).sql")
        let errorURL = directory.appendingPathComponent("expr-agreement-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: scriptURL)
            try? FileManager.default.removeItem(at: errorURL)
        }
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3CLIPath!)
        process.arguments = ["-bail", ":memory:"]
        process.standardInput = try FileHandle(forReadingFrom: scriptURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = try String(contentsOf: errorURL, encoding: .utf8)
        #expect(errors.isEmpty, "sqlite3: \(errors)")
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
