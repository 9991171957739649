import ArgumentParser
import Foundation
import PortraitConfig
import PortraitCore
import PortraitService

extension Portrait {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented starter portrait.yml in the current folder.")

        @Option(name: .shortAndLong, help: "Where to write the config (default ./portrait.yml).")
        var config: String = HubConfig.defaultFileName

        @Flag(help: "Replace an existing file.")
        var force = false

        func run() async throws {
            let url = URL(fileURLWithPath: config)
            if FileManager.default.fileExists(atPath: url.path), !force {
                throw PortraitError.usage("\(config) already exists; pass --force to replace it")
            }
            do {
                try Data((StarterConfig.text + "\n").utf8).write(to: url, options: .atomic)
            } catch {
                throw PortraitError.io("\(url.path): cannot write (\(error.localizedDescription))")
            }
            print("Wrote \(config). Next: edit it, then `portrait check` and `portrait sync`. Or try `portrait demo`.")
        }
    }
}
