import ArgumentParser
import Foundation
import PortraitCore
import PortraitMockCRM
import PortraitService

extension Portrait {
    struct MockCRMServer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mock-crm",
            abstract: "Serve a mock CRM (HubSpot- and Salesforce-style REST APIs) on loopback, for trying the rest connector.",
            discussion: """
                Serves the demo's contacts, or --contacts N generated ones, until interrupted. HubSpot style:
                /crm/v3/objects/contacts (and /search); Salesforce style: /services/data/v59.0/query?q=SOQL.
                With --token-file, every request must carry `Authorization: Bearer <the file's content>`.
                """)

        @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
        var port: Int = 8930

        @Option(help: "Address to bind; keep loopback unless other machines must reach it.")
        var host: String = "127.0.0.1"

        @Option(help: "Serve this many generated contacts instead of the demo's.")
        var contacts: Int?

        @Option(help: "Seed for generated contacts.")
        var seed: UInt64 = 1

        @Option(help: "Every n-th generated contact is archived.")
        var archivedEvery: Int?

        @Option(help: "A file holding the bearer token every request must carry.")
        var tokenFile: String?

        @Option(help: "Delay added to every page, in milliseconds (to see fetching overlap storing).")
        var pageLatencyMs: Int = 0

        func run() async throws {
            var auth = MockCRM.Auth.none
            if let tokenFile {
                let url = Terminal.fileURL(tokenFile)
                guard let data = FileManager.default.contents(atPath: url.path),
                    let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                    !token.isEmpty
                else {
                    throw PortraitError.usage("\(url.path): cannot read a token from this file; check --token-file")
                }
                auth = .bearer(token: token)
            }
            let served = contacts.map { MockCRM.generatedContacts(count: $0, seed: seed, archivedEvery: archivedEvery) }
                ?? DemoCRM.contacts
            let crm = MockCRM(
                configuration: .init(contacts: served, auth: auth, pageLatency: .milliseconds(max(pageLatencyMs, 0))))
            try await crm.run(host: host, port: port) { running in
                // Unbuffered, so a script waiting for this line sees it at once.
                let line = "Mock CRM: \(served.count) contacts on \(running.baseURL) (HubSpot and Salesforce styles); Ctrl-C stops it.\n"
                FileHandle.standardOutput.write(Data(line.utf8))
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
        }
    }
}
