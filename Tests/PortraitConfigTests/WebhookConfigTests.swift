import Foundation
import PortraitConfig
import PortraitConnectors
import PortraitCore
import PortraitProfiles
import Testing

/// The `webhooks:` section: defaults, filters, secrets, and every error with its line and the fix.
struct WebhookConfigTests {
    let config = HubConfigTests()
    let environment = ["HOOK_SECRET": "whsec-0a1b2c3d4e"]

    @Test func aWebhookLoadsWithItsDefaultsAndTheSecretFromTheEnvironment() throws {
        let loaded = try config.parse(
            """
            connectors: []
            webhooks:
              - name: crm-sync
                url: https://hooks.example.com/portrait?token=abc
                secret: ${HOOK_SECRET}
              - name: vip
                url: http://127.0.0.1:9000/hook
                secret: ${HOOK_SECRET}
                events: [segment.entered, profile.merged]
                segments: [vip_active]
                max_attempts: 3
                timeout_seconds: 2.5
            """, environment: environment)
        #expect(loaded.webhooks.count == 2)
        let first = loaded.webhooks[0]
        #expect(first.secret == "whsec-0a1b2c3d4e")
        #expect(first.events == Set(ProfileChange.Kind.allCases) && first.segments == nil)
        #expect(first.maxAttempts == 8 && first.timeout == .seconds(10))
        #expect(first.declaredAt == "portrait.yml:3")
        #expect(first.displayURL == "https://hooks.example.com/portrait", "no query in what is shown")
        #expect(!first.description.contains("whsec"))
        #expect(loaded.redactor.redact("signed with whsec-0a1b2c3d4e") == "signed with \(SecretRedactor.mask)")

        let vip = loaded.webhooks[1]
        #expect(vip.events == [.entered, .merged] && vip.segments == ["vip_active"])
        #expect(vip.maxAttempts == 3 && vip.timeout == .milliseconds(2_500))
        #expect(vip.accepts(.entered, segment: "vip_active"))
        #expect(!vip.accepts(.entered, segment: "churn_risk"))
        #expect(vip.accepts(.merged, segment: nil), "profile events pass the segment filter")
        #expect(!vip.accepts(.created, segment: nil), "but not the event filter")
        #expect(loaded.webhook(named: "vip")?.name == "vip")
    }

    @Test func errorsNameTheLineAndTheFix() {
        let found = config.issues(
            """
            connectors: []
            webhooks:
              - name: crm-sync
                url: http://hooks.example.com/portrait
                secret: ${HOOK_SECRET}
                events: [segment.entred, profile.merged]
              - name: inline
                url: https://hooks.example.com/b
                secret: hunter2-literal
                max_atempts: 3
              - name: vip
                url: ftp://hooks.example.com/c
                secret: ${NOT_SET_ANYWHERE}
                segments: [vip_activ]
              - name: vip
                url: https://hooks.example.com/d
                secret: ${HOOK_SECRET}
            """, environment: environment)
        let byLine = Dictionary(grouping: found, by: { $0.line ?? 0 }).mapValues { $0.map(\.description).joined(separator: " | ") }
        #expect(byLine[4]?.contains("plain http to hooks.example.com would send the events unencrypted; use https://, or add allow_insecure: true") == true, "\(found)")
        #expect(byLine[6]?.contains("webhooks[0].events[0]: unknown event type 'segment.entred'; did you mean 'segment.entered'?") == true, "\(found)")
        #expect(byLine[9]?.contains("looks like a secret written inline") == true, "\(found)")
        #expect(byLine[10]?.contains("unknown key 'max_atempts'; did you mean 'max_attempts'?") == true, "\(found)")
        #expect(byLine[12]?.contains("the URL must start with https://") == true, "\(found)")
        #expect(byLine[13]?.contains("environment variable NOT_SET_ANYWHERE is not set") == true, "\(found)")
        #expect(byLine[14]?.contains("no segment named 'vip_activ' in profiles.segments; did you mean 'vip_active'?") == true, "\(found)")
        #expect(byLine[15]?.contains("webhook name 'vip' is already used by webhooks[2]") == true, "\(found)")
        #expect(found.allSatisfy { $0.file == "portrait.yml" && $0.line != nil })
        #expect(!found.map(\.description).joined().contains("whsec-0a1b2c3d4e"))
    }

    @Test func plainHTTPToAnotherHostNeedsAllowInsecureAndTheSecretIsRequired() throws {
        let allowed = try config.parse(
            """
            connectors: []
            webhooks:
              - { name: lan, url: "http://10.0.0.7:8080/hook", secret: "${HOOK_SECRET}", allow_insecure: true }
              - { name: local, url: "http://localhost:8080/hook", secret: "${HOOK_SECRET}" }
            """, environment: environment)
        #expect(allowed.webhooks.map(\.name) == ["lan", "local"])
        #expect(allowed.webhooks[0].allowInsecure)

        let missing = config.issues(
            """
            connectors: []
            webhooks:
              - name: nosecret
                url: https://hooks.example.com/a
                events: []
            """, environment: environment)
        #expect(missing.contains { $0.line == 3 && $0.path?.description == "webhooks[0].secret" && $0.message == "required" }, "\(missing)")
        #expect(missing.contains { $0.line == 5 && $0.message.contains("leave events out to deliver every event type") }, "\(missing)")
    }
}
