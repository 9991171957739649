import Foundation
import Testing

/// `portrait profiles`, `segments`, `changes` and `export profiles` as an operator runs them, on the demo's store.
struct ProfilesCommandLineTests {
    let cli = CommandLineTests()

    @Test func profilesSegmentsChangesAndExportOnTheDemoStore() async throws {
        try await withScratchDirectory { directory in
            let demo = try await cli.run(["demo"], in: directory)
            #expect(demo.status == 0, "\(demo.stderr)")
            // The demo ends with the merged profile: its golden record with provenance, traits and segments.
            #expect(demo.stdout.contains("`portrait profiles show P"), "\(demo.stdout)")
            #expect(demo.stdout.contains("Golden record (value, then the record it came from):"))
            #expect(demo.stdout.contains("Segments: "))
            let workspace = directory.appendingPathComponent("portrait-demo")

            let search = try await cli.run(["profiles", "search", "wang.xiaoming@example.cn"], in: workspace)
            #expect(search.status == 0, "\(search.stderr)")
            let profile = try #require(search.stdout.firstMatch(of: /P\d{8}/).map { String($0.output) }, "\(search.stdout)")

            let show = try await cli.run(["profiles", "show", profile, "--json"], in: workspace)
            #expect(show.status == 0, "\(show.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
            let golden = document?["golden"] as? [String: Any]
            let email = golden?["email"] as? [String: Any]
            #expect(email?["value"] as? String == "wang.xiaoming@example.cn")
            let record = try #require(email?["record"] as? Int)
            let provenance = document?["provenance"] as? [String: Any]
            // The newest record with the email wins (most_recent): the CRM contact or the live survey post, whichever
            // the demo wrote last. Either way the provenance names it, and the record key agrees.
            let connector = try #require((provenance?[String(record)] as? [String: Any])?["connector"] as? String)
            #expect(["crm", "survey"].contains(connector))
            let key = (document?["record_keys"] as? [String: Any])?[String(record)] as? String
            #expect(key?.hasPrefix(connector + "/") == true, "\(key ?? "no key")")
            #expect((document?["fields"] as? [String: Any])?["order_count"] as? Int == 2)

            // Before the demo ran, the profile did not exist.
            let before = try await cli.run(["profiles", "show", profile, "--as-of", "2020-01-01"], in: workspace)
            #expect(before.status == 1)
            #expect(before.stderr.contains("no profile \(profile) at 2020-01-01T23:59:59Z"), "\(before.stderr)")

            let preview = try await cli.run(["segments", "preview", "order_count >= 1 and channel_mix = 'omnichannel'"], in: workspace)
            #expect(preview.status == 0, "\(preview.stderr)")
            #expect(preview.stdout.hasPrefix("1 profile(s) match"), "\(preview.stdout)")
            #expect(preview.stdout.contains(profile))

            let bad = try await cli.run(["segments", "preview", "order_count >= "], in: workspace)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("column 16: expected a value after '>='"), "\(bad.stderr)")

            let changes = try await cli.run(["changes", "--since", "2020-01-01"], in: workspace)
            #expect(changes.status == 0, "\(changes.stderr)")
            let lines = changes.stdout.split(separator: "\n")
            #expect(lines.count >= 7)  // One profile.created per profile, and the segment entries.
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect((object?["type"] as? String).map { $0.hasPrefix("profile.") || $0.hasPrefix("segment.") } == true)
            }

            let export = try await cli.run(["export", "profiles", "--format", "csv", "--hash-identifiers"], in: workspace)
            #expect(export.status == 0, "\(export.stderr)")
            let header = export.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.hasPrefix("profile_id,email_sha256,phone_sha256,"))
            #expect(!header.split(separator: ",").contains("name"))
            #expect(!export.stdout.contains("wang.xiaoming@example.cn"))
            // SHA-256 of the lower-cased email.
            #expect(export.stdout.contains("802f341b37bd738c27a92cadc57f169a35173854777685127a37a702dbc3de13"))
        }
    }
}
