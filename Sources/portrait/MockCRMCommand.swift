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
                Serves the demo's contacts, --contacts N generated ones, or the contacts of a JSON Lines file
                (--contacts world/crm/contacts.jsonl, as `portrait generate` writes), until interrupted. HubSpot style:
                /crm/v3/objects/contacts (and /search); Salesforce style: /services/data/v59.0/query?q=SOQL.
                With --token-file, every request must carry `Authorization: Bearer <the file's content>`.
                """)

        @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
        var port: Int = 8930

        @Option(help: "Address to bind; keep loopback unless other machines must reach it.")
        var host: String = "127.0.0.1"

        @Option(help: "Serve this many generated contacts, or the contacts of this JSON Lines file, instead of the demo's.")
        var contacts: ContactsSource?

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
            let served: [MockCRM.Contact]
            switch contacts {
            case .generated(let count):
                served = MockCRM.generatedContacts(count: count, seed: seed, archivedEvery: archivedEvery)
            case .file(let path):
                do {
                    served = try MockCRM.contacts(fromJSONL: Terminal.fileURL(path))
                } catch let error as ContactsFileError {
                    throw PortraitError.usage("\(error.message); check --contacts")
                }
            case nil:
                served = DemoCRM.contacts
            }
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

/// `--contacts`: a number of generated contacts, or a JSON Lines file of contacts.
enum ContactsSource: ExpressibleByArgument {
    case generated(Int)
    case file(String)

    /// Digits only is a count (`5000`); anything else is a path (`./5000` names a file called 5000).
    init?(argument: String) {
        if !argument.isEmpty, argument.allSatisfy(\.isASCIIDigit), let count = Int(argument) {
            self = .generated(count)
        } else if !argument.isEmpty {
            self = .file(argument)
        } else {
            return nil
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
