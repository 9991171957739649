import Foundation
import Testing

/// Every benchmark of `benchmarks/run` at its tiny size, on the `portrait` this suite built (debug): each must run
/// to the end and report its figures. No timing is checked: a debug build's figures mean nothing, these only keep
/// the scripts working. One at a time, so the suite's other tests keep the second core.
@Suite(.serialized)
struct BenchmarkSmokeTests {
    /// The repository, three folders above this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The benchmarks the runner knows: the first field of each line of its table (between `<<'TABLE'` and `TABLE`).
    static let names: [String] = {
        guard let text = try? String(contentsOf: root.appendingPathComponent("benchmarks/run"), encoding: .utf8)
        else { return [] }
        var names: [String] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("<<'TABLE'") {
                inTable = true
            } else if line == "TABLE" {
                inTable = false
            } else if inTable, let name = line.split(separator: "|").first {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty, !trimmed.hasPrefix("#") { names.append(trimmed) }
            }
        }
        return names
    }()

    struct Run {
        var status: Int32
        var output: String
    }

    /// Runs `benchmarks/run ARGUMENTS` with the debug binary, standard output and error together.
    func runner(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Self.root.appendingPathComponent("benchmarks/run").path] + arguments
        process.currentDirectoryURL = Self.root
        var environment = ProcessInfo.processInfo.environment
        environment["PORTRAIT_BIN"] = CommandLineTests.executable.path
        environment.removeValue(forKey: "PORTRAIT_CONFIG")
        environment.removeValue(forKey: "BENCH_RESULTS")
        environment.removeValue(forKey: "BENCH_WORK")
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    @Test func theRunnerListsEveryBenchmark() throws {
        let expected = ["csv-drop", "xml-feed", "rest-pull", "survey-intake", "sync-jsonl", "identity-resolve"]
        #expect(Set(expected).isSubset(of: Set(Self.names)), "table of benchmarks/run: \(Self.names)")
        let listed = try runner(["--list"])
        #expect(listed.status == 0)
        #expect(listed.output.split(separator: "\n").map(String.init) == Self.names)
    }

    @Test func anUnknownBenchmarkIsAUsageError() throws {
        let run = try runner(["no-such-benchmark", "--size", "tiny"])
        #expect(run.status == 2)
        #expect(run.output.contains("no benchmark named no-such-benchmark"))
    }

    @Test(arguments: names)
    func runsAtTinySizeAndReportsItsFigures(_ name: String) throws {
        let results = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: results) }
        let run = try runner([name, "--size", "tiny", "--results", results.path])
        #expect(run.status == 0, "benchmarks/run \(name) --size tiny:\n\(run.output)")

        // Each figure: benchmark, size, case, count, unit, seconds, peak RSS in KiB, note.
        let rows = try String(contentsOf: results, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(!rows.isEmpty, "no figures:\n\(run.output)")
        for row in rows {
            try #require(row.count == 8, "a malformed figure: \(row)")
            #expect(row[0] == name)
            #expect((Int(row[3]) ?? 0) > 0, "count of \(row[2])")
            #expect((Double(row[5]) ?? 0) > 0, "seconds of \(row[2])")
            #expect((Int(row[6]) ?? 0) > 0, "peak RSS of \(row[2])")
            // The summary table shows the figure: throughput per second and peak RSS in MiB.
            #expect(run.output.contains("| \(name) | \(row[2]) |"), "summary row of \(row[2])")
        }
        #expect(run.output.contains("\(rows[0][4])/s"))
        #expect(run.output.contains(" MiB |"))
    }
}
