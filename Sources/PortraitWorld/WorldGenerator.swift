public import Foundation
import PortraitCore

/// Writes a benchmark world: one population seen through the four silos, the truth, and a `portrait.yml` that
/// imports it all with the real connectors.
///
/// ```swift
/// let summary = try WorldGenerator(config: WorldConfig(people: 10_000, seed: 7)).generate(into: folder)
/// ```
///
/// People are generated one household at a time and forgotten once their records are spooled; each silo then
/// writes its files in time order (see `TimeOrderedSpool`), so memory stays bounded by one time slice of the
/// largest silo, whatever the number of people. The output depends only on the config: the same config and seed
/// give byte-identical files.
public struct WorldGenerator: Sendable {
    public let config: WorldConfig

    public init(config: WorldConfig) {
        self.config = config
    }

    /// Generates the world into `directory`.
    ///
    /// - Parameters:
    ///   - replacing: Replaces a previous world in a folder that is not empty (`--force`); see `WorldDirectory`.
    ///   - progress: Called every 50,000 people and as each silo's files are written.
    /// - Throws: `PortraitError.usage` for a bad config or folder, `PortraitError.io` when a file cannot be written.
    @discardableResult
    public func generate(
        into directory: URL, replacing: Bool = false, progress: (WorldProgress) -> Void = { _ in }
    ) throws -> WorldSummary {
        try config.validate()
        try WorldDirectory.prepare(directory, replacing: replacing)
        let spool = directory.appendingPathComponent(WorldDirectory.spoolName)
        let slices = max(1, min(64, config.people / 15_000))
        let silos: [(name: String, writer: any SiloWriter)] = [
            ("CRM contacts", CRMContacts(directory: directory, spool: spool, slices: slices)),
            ("order feed", OrderFeed(directory: directory, spool: spool, slices: slices)),
            ("store drops", StoreDrops(directory: directory, spool: spool, slices: slices, allUTF8: config.allUTF8)),
            ("survey export", SurveyResponses(directory: directory, spool: spool, slices: slices)),
        ]

        var observer = Observer(config: config)
        var done = 0
        for person in Population(config: config) {
            for silo in silos { try silo.writer.add(person, observer: &observer) }
            done += 1
            if done % 50_000 == 0 { progress(.people(done: done, of: config.people)) }
        }
        if done % 50_000 != 0 { progress(.people(done: done, of: config.people)) }

        let truth = try TruthFile(directory.appendingPathComponent("truth.csv"))
        var files: [WorldSummary.File] = []
        for silo in silos {
            progress(.writing(silo.name))
            files += try silo.writer.finish(truth: truth)
        }
        files.append(try truth.close())
        try writeSmallFile(WorldConfigFile.text(config: config), to: directory.appendingPathComponent("portrait.yml"))
        try writeSmallFile(token() + "\n", to: directory.appendingPathComponent(WorldConfigFile.tokenPath))
        try? FileManager.default.removeItem(at: spool)
        return WorldSummary(people: config.people, files: files)
    }

    /// The mock CRM's bearer token: from the seed, so the world stays byte-identical; it guards nothing real.
    private func token() -> String {
        var random = WorldRandom(seed: config.seed, stream: 3)
        return "world-" + String(random.next(), radix: 16) + String(random.next(), radix: 16)
    }

    private func writeSmallFile(_ text: String, to url: URL) throws {
        let file = try OutputFile(url)
        try file.write(text)
        try file.close()
    }
}
