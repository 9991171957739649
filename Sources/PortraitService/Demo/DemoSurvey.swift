import Foundation
import Logging
import PortraitCore
import PortraitHTTP
import PortraitIntake
import PortraitStore

/// The demo's live form posts: a few signed responses sent to the survey intake, as a web form or a form tool's
/// webhook would send them, one of them invalid.
enum DemoSurvey {
    /// The forms' signing secret, relative to the workspace (read by `portrait.yml` with `${file:…}`).
    static let secretFile = "secrets/form-secret"

    /// Form, body and content type of each post.
    static let posts: [(form: String, body: String, contentType: String)] = [
        (
            "post-purchase",
            #"{"response_id":"web-1","email":"Wang.XiaoMing@example.cn","nps":10,"favourite":"grocery","news":true,"comment":"送货很快，店员很热情"}"#,
            "application/json"
        ),
        (
            "store-exit",
            "response_id=web-2&member_card=M0042&nps=6&comment=The+app+keeps+crashing+and+delivery+was+late",
            "application/x-www-form-urlencoded"
        ),
        ("post-purchase", #"{"response_id":"web-3","nps":"eleven","email":"not-an-email"}"#, "application/json"),
    ]

    /// Runs the intake on a free loopback port, posts the samples, and says what each got back.
    static func postSamples(workspace: Workspace, secret: String, logger: Logger, say: (String) -> Void) async throws {
        let intake = try SurveyIntake(workspace: workspace, port: 0, logger: logger)
        try await intake.server.withRunning { port in
            let client = HTTPClient()
            for post in posts {
                let url = "http://127.0.0.1:\(port)/v1/forms/\(post.form)/responses"
                let body = Array(post.body.utf8)
                let response = try await client.send(
                    HTTPRequest(
                        method: "POST", url: url,
                        headers: [
                            ("Content-Type", post.contentType),
                            (IntakeSignature.headerName, IntakeSignature.value(for: body, secret: secret)),
                        ],
                        body: body))
                say("  POST /v1/forms/\(post.form)/responses (\(post.contentType)) → \(response.status) \(response.text)")
            }
        }
        var stored: [StoredRecord] = []
        try await workspace.store.forEachRecord(connector: "survey") { stored.append($0) }
        for record in stored where record.sourceID.hasPrefix("web-") {
            let derived = record.canonical["derived"]
            let topics = derived?["topics"]?.arrayValue?.compactMap { topic -> String? in
                guard let tag = topic["tag"]?.stringValue else { return nil }
                let words = topic["words"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
                return "\(tag) (\(words))"
            } ?? []
            let sentiment = derived?["sentiment"]
            let words = sentiment?["words"]?.arrayValue?.compactMap { $0["word"]?.stringValue }.joined(separator: ", ") ?? ""
            say(
                "  \(record.sourceID): \(derived?["nps_class"]?.stringValue ?? "no NPS"); topics: \(topics.isEmpty ? "none" : topics.joined(separator: "; "));"
                    + " sentiment \(sentiment?["score"]?.textValue ?? "-") (\(words))")
        }
    }
}
