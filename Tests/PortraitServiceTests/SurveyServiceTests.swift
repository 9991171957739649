import Crypto
import Foundation
import Logging
import PortraitConfig
import PortraitConnectors
import PortraitCore
import PortraitHTTP
import PortraitIntake
import PortraitService
import PortraitStore
import Testing

/// The survey connector end to end: signed posts to the service over real HTTP, stored before the 2xx,
/// scored and tagged; and exports imported by sync.
struct SurveyServiceTests {
    static let secret = "form-secret-2231"

    static let config = """
        service: { port: 0 }
        connectors:
          - name: feedback
            kind: survey
            options:
              path: exports/responses.csv
              forms:
                post-purchase:
                  secret: "${FORM_SECRET}"
                  questions:
                    - { id: nps, type: nps }
                    - { id: email, type: text, identity: email }
                    - { id: phone, type: text, identity: phone, country: CN }
                    - { id: favourite, type: single_choice, choices: [sports, beauty, home], profile: interest }
                    - { id: news, type: consent, channel: email, purpose: marketing }
                    - { id: comment, type: free_text }
        """

    static func signature(_ body: [UInt8], secret: String = secret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Runs the intake of a workspace made from `config` on a free loopback port while `body` posts to it.
    static func withService(
        _ config: String = config, _ body: (String, Workspace) async throws -> Void
    ) async throws {
        try await withScratchDirectory { directory in
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let workspace = try Workspace.open(
                configFile: directory.appendingPathComponent("portrait.yml"), environment: ["FORM_SECRET": secret])
            let intake = try SurveyIntake(workspace: workspace, logger: Logger(label: "test"))
            try await intake.server.withRunning { port in
                try await body("http://127.0.0.1:\(port)/v1/forms/post-purchase/responses", workspace)
            }
        }
    }

    static func post(_ url: String, json: String, signed: Bool = true) async throws -> HTTPResponse {
        let body = Array(json.utf8)
        var headers = [("Content-Type", "application/json")]
        if signed { headers.append(("X-Portrait-Signature", signature(body))) }
        return try await HTTPClient().send(HTTPRequest(method: "POST", url: url, headers: headers, body: body))
    }

    static func records(_ workspace: Workspace) async throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        try await workspace.store.forEachRecord(connector: "feedback") { records.append($0) }
        return records
    }

    @Test func aSignedResponseIsStoredScoredAndTaggedAndARetryIsADuplicate() async throws {
        try await Self.withService { url, workspace in
            let json = #"{"response_id":"r-1","nps":"9","email":"Ana@Example.com","favourite":"sports","news":"on","comment":"Fast delivery and friendly staff"}"#
            let first = try await Self.post(url, json: json)
            #expect(first.status == 201, "\(first.text)")
            let stored = try await Self.records(workspace)
            #expect(stored.count == 1, "committed before the 201")
            let feedback = try #require(stored.first?.canonical)
            #expect(feedback["scores"]?["nps"] == 9)
            #expect(feedback["derived"]?["nps_class"] == "promoter")
            #expect(feedback["respondent"]?["identifiers"] == [["type": "email", "value": "ana@example.com"]])
            #expect(feedback["respondent"]?["interests"] == ["sports"])
            #expect(feedback["respondent"]?["consents"]?.arrayValue?.first?["granted"] == true)
            let topics = feedback["derived"]?["topics"]?.arrayValue?.compactMap { $0["tag"]?.stringValue }
            #expect(topics == ["delivery", "staff"])
            #expect((feedback["derived"]?["sentiment"]?["score"]?.numberValue ?? 0) > 0)

            let retry = try await Self.post(url, json: json)
            #expect(retry.status == 200)
            #expect(retry.text.contains("duplicate"))
            #expect(try await Self.records(workspace).count == 1, "a retried post is not a second response")
        }
    }

    @Test func aFormPostInChineseIsTaggedAndScoredWithItsWords() async throws {
        try await Self.withService { url, workspace in
            let form = "response_id=r-zh&nps=3&phone=138+1234+5678&comment=%E4%BB%B7%E6%A0%BC%E5%A4%AA%E8%B4%B5%EF%BC%8C%E7%89%A9%E6%B5%81%E6%85%A2"
            let body = Array(form.utf8)
            let response = try await HTTPClient().send(
                HTTPRequest(
                    method: "POST", url: url,
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Portrait-Signature", Self.signature(body))],
                    body: body))
            #expect(response.status == 201, "\(response.text)")
            let feedback = try #require(try await Self.records(workspace).first?.canonical)
            #expect(feedback["text"] == "价格太贵，物流慢")
            #expect(feedback["derived"]?["nps_class"] == "detractor")
            #expect(feedback["respondent"]?["identifiers"] == [["type": "phone", "value": "+8613812345678"]])
            let topics = feedback["derived"]?["topics"]?.arrayValue ?? []
            #expect(topics.contains(["tag": "price", "words": ["价格", "贵"]]), "\(topics)")
            #expect(topics.contains(["tag": "delivery", "words": ["物流", "慢"]]), "\(topics)")
            let sentiment = feedback["derived"]?["sentiment"]
            #expect((sentiment?["score"]?.numberValue ?? 0) < 0)
            #expect(sentiment?["words"]?.arrayValue?.compactMap { $0["word"]?.stringValue } == ["太贵", "慢"])
        }
    }

    @Test func rejectionsNameTheFieldAndOnlyTwoHundredsAreStored() async throws {
        try await Self.withService { url, workspace in
            let outOfRange = try await Self.post(url, json: #"{"response_id":"r-2","nps":11,"email":"someone@example.com"}"#)
            #expect(outOfRange.status == 400)
            #expect(outOfRange.text.contains(#""field":"nps""#), "\(outOfRange.text)")
            #expect(!outOfRange.text.contains("someone@example.com"))
            let unknownQuestion = try await Self.post(url, json: #"{"response_id":"r-3","npss":5}"#)
            #expect(unknownQuestion.status == 400)
            #expect(unknownQuestion.text.contains("npss"))
            let unsigned = try await Self.post(url, json: #"{"response_id":"r-4","nps":5}"#, signed: false)
            #expect(unsigned.status == 401)
            let anonymous = try await Self.post(url, json: #"{"response_id":"r-5","nps":7}"#)
            #expect(anonymous.status == 201, "a response without identity still counts")
            let unknownForm = try await HTTPClient().send(
                HTTPRequest(method: "POST", url: url.replacingOccurrences(of: "post-purchase", with: "nope"), body: Array("{}".utf8)))
            #expect(unknownForm.status == 404)
            let stored = try await Self.records(workspace)
            #expect(stored.map(\.sourceID) == ["r-5"])
            #expect(stored.first?.canonical["respondent"] == nil)
        }
    }

    @Test func aFormWithoutASecretIsImportedButNotServed() async throws {
        try await withScratchDirectory { directory in
            let config = Self.config.split(separator: "\n").filter { !$0.contains("secret:") }.joined(separator: "\n")
            try Data(config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let workspace = try Workspace.open(configFile: directory.appendingPathComponent("portrait.yml"), environment: [:])
            let intake = try SurveyIntake(workspace: workspace, logger: Logger(label: "test"))
            #expect(intake.forms.isEmpty)
            #expect(intake.formsWithoutSecret == ["post-purchase"])
        }
    }

    @Test func exportsInBothFormatsAreImportedOnceWithBadRowsQuarantined() async throws {
        try await withScratchDirectory { directory in
            let exports = directory.appendingPathComponent("exports")
            try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
            try Data("response_id,nps,email,comment\nc-1,10,a@example.com,Great app\nc-2,42,b@example.com,hmm\n".utf8)
                .write(to: exports.appendingPathComponent("responses.csv"))
            try Data(
                (#"{"response_id":"j-1","answers":{"nps":"8","comment":"店员很热情"}}"# + "\n" + "not json\n").utf8)
                .write(to: exports.appendingPathComponent("responses.jsonl"))
            let jsonlConfig = Self.config.replacingOccurrences(of: "exports/responses.csv", with: "exports/responses.jsonl")
            for (config, expected) in [(Self.config, "c-1"), (jsonlConfig, "j-1")] {
                let configFile = directory.appendingPathComponent("portrait.yml")
                try Data(config.utf8).write(to: configFile)
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(".portrait"))
                let workspace = try Workspace.open(configFile: configFile, environment: ["FORM_SECRET": Self.secret])
                let runner = SyncRunner(store: workspace.store, registry: workspace.registry, logger: Logger(label: "test"))
                let first = try await runner.sync(workspace.config.connectors[0], config: workspace.config)
                #expect(first.counts == CommitCounts(new: 1, updated: 0, unchanged: 0, quarantined: 1))
                #expect(try await Self.records(workspace).map(\.sourceID) == [expected])
                try await workspace.store.resetCheckpoint(connector: "feedback")
                let again = try await runner.sync(workspace.config.connectors[0], config: workspace.config)
                #expect(again.counts == CommitCounts(new: 0, updated: 0, unchanged: 1, quarantined: 1), "importing again changes nothing")
            }
        }
    }

    @Test func killingTheServiceRightAfterItsAnswersLosesNoAcknowledgedResponse() async throws {
        try await withScratchDirectory { directory in
            try Data(Self.config.utf8).write(to: directory.appendingPathComponent("portrait.yml"))
            let started = try await CommandLineTests().start(["run"], in: directory, environment: ["FORM_SECRET": Self.secret])
            let service = started.process
            let base = try #require(started.baseURL, "\(started.output)")
            let url = base + "/v1/forms/post-purchase/responses"

            // Forty posts at once; the service is killed (SIGKILL) as soon as twenty have been acknowledged.
            let acknowledged = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let json = #"{"response_id":"k-\#(index)","nps":\#(index % 11),"comment":"fine"}"#
                        let response = try? await Self.post(url, json: json)
                        return response.map { (200..<300).contains($0.status) } == true ? "k-\(index)" : nil
                    }
                }
                var ids: [String] = []
                for try await id in group {
                    if let id { ids.append(id) }
                    if ids.count == 20 { kill(service.processIdentifier, SIGKILL) }
                }
                return ids
            }
            service.waitUntilExit()
            #expect(acknowledged.count >= 20)
            let export = try await CommandLineTests().run(
                ["export", "records", "--format", "jsonl"], in: directory, environment: ["FORM_SECRET": Self.secret])
            #expect(export.status == 0, "\(export.stderr)")
            let stored = Set(
                export.stdout.split(separator: "\n").compactMap { line in
                    (try? JSONValue(parsing: String(line)))?["source_id"]?.stringValue
                })
            #expect(Set(acknowledged).isSubset(of: stored), "every acknowledged response survived the kill")
        }
    }
}
