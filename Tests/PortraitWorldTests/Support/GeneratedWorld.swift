import Foundation
import PortraitWorld

/// A world generated into a temporary folder and read back: its people (from ``Population``), every silo record
/// (from the files) and the truth. The folder is removed once read.
struct GeneratedWorld: Sendable {
    let config: WorldConfig
    let summary: WorldSummary
    let people: [Person]
    let records: [SiloRecord]
    /// `connector,stream,source_id` → person id.
    let truth: [String: String]
    /// Lines of `truth.csv` after the header, counted before any check (a duplicated key counts twice).
    let truthLines: Int

    init(_ config: WorldConfig) throws {
        self.config = config
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-world-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        summary = try WorldGenerator(config: config).generate(into: directory)
        people = Array(Population(config: config))
        records = try WorldFiles.records(in: directory)
        let lines = try WorldFiles.truth(in: directory)
        truthLines = lines.count
        var truth: [String: String] = [:]
        for line in lines where line.count == 4 { truth["\(line[0]),\(line[1]),\(line[2])"] = line[3] }
        self.truth = truth
    }

    /// The person a record is about, by the truth.
    func person(of record: SiloRecord) -> Person? {
        guard let id = truth[record.key], let index = Int(id.dropFirst()) else { return nil }
        return people.indices.contains(index - 1) ? people[index - 1] : nil
    }

    /// The records with the person each is about.
    var observations: [(record: SiloRecord, person: Person)] {
        records.compactMap { record in person(of: record).map { (record, $0) } }
    }

    /// The default world the noise tests measure (5,000 people), generated once for all tests.
    static let standard = Loaded { try GeneratedWorld(WorldConfig(people: 5_000, seed: 2026)) }

    /// A noisier world, to show the measurements follow the config rather than the defaults.
    static let noisy = Loaded {
        var config = WorldConfig(people: 5_000, seed: 77)
        config.noise.typoRate = 0.2
        config.noise.missingFieldRate = 0.3
        config.noise.caseRate = 0.2
        config.noise.chineseNameSpaceRate = 0.3
        config.noise.birthDateSwapRate = 0.3
        config.demographics.sharedPhoneRate = 0.4
        config.presence.singleSiloRate = 0.5
        config.presence.duplicateRate = 0.2
        return try GeneratedWorld(config)
    }
}

/// A world made once and shared by the tests that read it (generation is the slow part).
struct Loaded: Sendable {
    private let result: Result<GeneratedWorld, WorldTestError>

    init(_ make: () throws -> GeneratedWorld) {
        do {
            result = .success(try make())
        } catch {
            result = .failure(WorldTestError("generating the world failed: \(error)"))
        }
    }

    func get() throws -> GeneratedWorld { try result.get() }
}

/// A measured share and how far from the configured rate it may be.
struct MeasuredRate: CustomStringConvertible {
    var hits: Int
    var total: Int
    let expected: Double
    /// The variance inflation for draws that come in clusters (a household's members share one draw): 1 for
    /// independent draws, the largest cluster size as a bound otherwise.
    var designEffect = 1.0

    var value: Double { total == 0 ? .nan : Double(hits) / Double(total) }

    /// Four standard deviations of a binomial share over `total` draws (times the design effect), plus half a
    /// draw for rounding. A correct generator falls outside it about once in 16,000 worlds; a rate wired to the
    /// wrong setting, or applied twice, misses it by far more at these sizes.
    var tolerance: Double {
        4 * (designEffect * expected * (1 - expected) / Double(total)).squareRoot() + 0.5 / Double(total)
    }

    var isWithinTolerance: Bool { total > 0 && abs(value - expected) <= tolerance }

    mutating func count(_ hit: Bool) {
        total += 1
        if hit { hits += 1 }
    }

    var description: String {
        "\(hits)/\(total) = \(String(format: "%.4f", value)), expected \(expected) ± \(String(format: "%.4f", tolerance))"
    }
}

/// Reads a phone as a silo with that home country does: national numbers of the home country, international
/// ones with `+` or `00`. Returns E.164, or nil for a number the silo's mapping would refuse.
func e164(_ text: String, home: String) -> String? {
    let plus = text.hasPrefix("+")
    var digits = text.filter(\.isNumber)
    guard text.allSatisfy({ $0.isNumber || " -().+".contains($0) }) else { return nil }
    if plus { return "+" + digits }
    if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
    if home == "CN" {
        if digits.count == 13 && digits.hasPrefix("861") { return "+" + digits }
        return digits.count == 11 && digits.hasPrefix("1") ? "+86" + digits : nil
    }
    if digits.count == 11 && digits.hasPrefix("1") { digits.removeFirst() }
    return digits.count == 10 ? "+1" + digits : nil
}

/// A birth date as `yyyy-MM-dd`, from the spellings the silos write (`1985/03/07`, `03/07/1985`, `1985/3/7`,
/// `1985年3月7日`, `1985-03-07`).
func isoDate(_ text: String) -> String? {
    let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    guard numbers.count == 3 else { return nil }
    let (year, month, day) =
        numbers[0] > 31 ? (numbers[0], numbers[1], numbers[2]) : (numbers[2], numbers[0], numbers[1])
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
    return "\(year)-\(two(month))-\(two(day))"
}
