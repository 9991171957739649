import Foundation
import PortraitMockCRM
import Testing

/// How fast the mock serves pages, so a benchmark of the connector measures the connector.
///
/// Off by default (it takes a few seconds and means something only in a release build):
/// `MOCKCRM_THROUGHPUT=1 swift test -c release --filter ThroughputTests`.
struct ThroughputTests {
    static let enabled = ProcessInfo.processInfo.environment["MOCKCRM_THROUGHPUT"] != nil

    /// Fetches `urls` in order over one keep-alive connection (one curl process reading a config file).
    static func fetch(_ urls: [String], headers: [String] = []) async throws -> Duration {
        var config = headers.map { "header = \"\($0)\"\n" }.joined()
        for url in urls { config += "url = \"\(url)\"\noutput = \"/dev/null\"\n" }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mockcrm-\(UUID().uuidString).curl")
        try config.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "--fail", "-K", file.path]
        let started = ContinuousClock.now
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 0)
        return ContinuousClock.now - started
    }

    static func perSecond(_ records: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return Int(Double(records) / seconds)
    }

    @Test(.enabled(if: enabled))
    func pullsOneHundredThousandContactsInPagesOfOneHundred() async throws {
        let count = 100_000
        let crm = MockCRM(configuration: .init(contacts: MockCRM.generatedContacts(count: count, seed: 9)))
        try await crm.run { running in
            let properties = "email,firstname,lastname,phone,company,city"
            let hubSpot = try await Self.fetch(
                (0..<count / 100).map {
                    running.url("/crm/v3/objects/contacts?limit=100&after=\($0 * 100 + 1)&properties=\(properties)")
                })
            let soql =
                "SELECT+Id,FirstName,LastName,Email,Phone,MailingCity,LastModifiedDate+FROM+Contact"
                + "+ORDER+BY+LastModifiedDate,Id"
            let salesforce = try await Self.fetch(
                [running.url("/services/data/v59.0/query?q=\(soql)")]
                    + (1..<count / 100).map { running.url("/services/data/v59.0/query/01gMOCK1-\($0 * 100)") },
                headers: ["Sforce-Query-Options: batchSize=100"])
            print("HubSpot list: \(hubSpot), \(Self.perSecond(count, hubSpot)) records/s")
            print("Salesforce query: \(salesforce), \(Self.perSecond(count, salesforce)) records/s")
            #expect(Self.perSecond(count, hubSpot) > 20_000)
            #expect(Self.perSecond(count, salesforce) > 20_000)
        }
    }
}
