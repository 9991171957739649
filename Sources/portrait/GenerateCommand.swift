import ArgumentParser
import Foundation
import PortraitCore
import PortraitWorld

extension Portrait {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a synthetic benchmark world: one population seen through the CRM, an order feed, store drops and a survey export, with the truth.",
            discussion: """
                Writes into --out: crm/contacts.jsonl (served by `portrait mock-crm --contacts`), feeds/orders.xml,
                drops/members_*.csv and receipts_*.csv (UTF-8, UTF-8 with BOM, GB18030), surveys/responses.csv,
                truth.csv (connector,stream,source_id,person_id: one line per record) and a portrait.yml that
                imports it all. The same --seed gives byte-identical files. Noise rates and their defaults: docs/WORLD.md.
                """)

        @Option(help: "How many people live in the world (1 to 10,000,000).")
        var people: Int

        @Option(help: "Chooses everything; the same seed gives the same files.")
        var seed: UInt64 = 1

        @Option(help: "The folder to write the world into (created if missing; must be empty unless --force).")
        var out: String

        @Flag(
            help:
                "Replace a previous world in --out (its crm, feeds, drops, surveys, truth.csv, portrait.yml and store); other files stay."
        )
        var force = false

        @Option(help: "Chance that a name or email carries a typo (default 0.04).")
        var typoRate: Double?

        @Option(help: "Chance that an optional field of a record is empty (default 0.1).")
        var missingRate: Double?

        @Option(help: "Share of the people a silo knows that it holds twice (default 0.06).")
        var duplicateRate: Double?

        @Option(help: "Share of people who share a phone and address with their household (default 0.15).")
        var sharedPhoneRate: Double?

        @Option(help: "Share of people known to one silo only (default 0.3).")
        var singleSiloRate: Double?

        @Flag(help: "Write every store file as plain UTF-8 instead of each store's own encoding.")
        var utf8Only = false

        func run() throws {
            var config = WorldConfig(people: people, seed: seed, allUTF8: utf8Only)
            if let typoRate { config.noise.typoRate = typoRate }
            if let missingRate { config.noise.missingFieldRate = missingRate }
            if let duplicateRate { config.presence.duplicateRate = duplicateRate }
            if let sharedPhoneRate { config.demographics.sharedPhoneRate = sharedPhoneRate }
            if let singleSiloRate { config.presence.singleSiloRate = singleSiloRate }
            let directory = Terminal.fileURL(out)
            let started = ContinuousClock.now
            let summary = try WorldGenerator(config: config).generate(into: directory, replacing: force) { progress in
                let line: String
                switch progress {
                case .people(let done, let total):
                    line = "people: \(done.formatted()) of \(total.formatted())"
                case .writing(let silo):
                    line = "writing the \(silo) in time order"
                }
                if Terminal.isInteractive { Terminal.progress(line) } else if people >= 100_000 { Terminal.error(line) }
            }
            Terminal.clearProgress()
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            print(
                "Wrote a world of \(people.formatted()) people (seed \(seed)) to \(directory.path) in \(String(format: "%.1f", seconds)) s: \(summary.records.formatted()) records."
            )
            for file in summary.files {
                let encoding = file.encoding == .utf8 ? "" : ", \(file.encoding.rawValue)"
                print(
                    "  \(file.path): \(file.records.formatted()) \(file.path == "truth.csv" ? "lines" : "records") (\(Self.size(file.bytes))\(encoding))"
                )
            }
            print(
                """
                Next: serve the CRM, then import the world:
                  portrait mock-crm --port 8089 --contacts \(directory.path)/crm/contacts.jsonl --token-file \(directory.path)/crm/token &
                  portrait sync --config \(directory.path)/portrait.yml
                """)
        }

        private static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20
                ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : String(format: "%.1f KB", Double(bytes) / 1024)
        }
    }
}
