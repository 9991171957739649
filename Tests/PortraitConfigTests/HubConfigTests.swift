import Foundation
import PortraitConfig
import PortraitConnectors
import PortraitCore
import Testing

struct HubConfigTests {
    static let file = URL(fileURLWithPath: "/srv/portrait/portrait.yml")

    func parse(_ text: String, environment: [String: String] = [:]) throws -> HubConfig {
        try HubConfig.parse(text: text, file: Self.file, registry: BuiltInConnectors.registry, environment: environment)
    }

    /// The issues of a config that must fail, as `line:column path: message` strings.
    func issues(_ text: String, environment: [String: String] = [:]) -> [ConfigIssue] {
        do {
            _ = try parse(text, environment: environment)
            Issue.record("expected the config to be rejected")
            return []
        } catch let error as ConfigError {
            return error.issues
        } catch {
            Issue.record("expected ConfigError, got \(error)")
            return []
        }
    }

    @Test func serviceSectionDefaultsToLoopbackAndIsChecked() throws {
        #expect(try parse("connectors: []").service == ServiceConfig(host: "127.0.0.1", port: 8940, maxBodyBytes: 65536))
        let opened = try parse("service: { host: 0.0.0.0, port: 9000, max_body_bytes: 2048 }\nconnectors: []")
        #expect(opened.service == ServiceConfig(host: "0.0.0.0", port: 9000, maxBodyBytes: 2048))
        let problems = issues("service: { port: 70000, hots: x }\nconnectors: []")
        #expect(problems.contains { $0.path?.description == "service.port" }, "\(problems)")
        #expect(problems.contains { ($0.path?.description ?? "").hasPrefix("service") && $0.message.contains("hots") }, "\(problems)")
    }

    @Test func validConfigLoadsWithDefaults() throws {
        let config = try parse(
            """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: data/contacts.jsonl }
                mapping:
                  "*":
                    entity: customer
                    fields:
                      identifiers.crm_id: id
              - name: old
                kind: jsonl
                enabled: false
                options: { path: old.jsonl }
            """)
        #expect(config.storePath.path == "/srv/portrait/.portrait/portrait.db")
        #expect(config.connectors.map(\.name) == ["crm", "old"])
        #expect(config.enabledConnectors.map(\.name) == ["crm"])
        #expect(config.connectors[0].declaredAt == "portrait.yml:2")
        #expect(config.connectors[0].mapping.mapping(forStream: "contacts")?.entity == .customer)
    }

    @Test func unknownKeyNamesLineColumnPathAndSuggestion() {
        let found = issues(
            """
            connectors:
              - name: crm
                kind: jsonl
                enabeld: true
                options: { path: a.jsonl }
            """)
        #expect(found.count == 1)
        #expect(found.first?.line == 4)
        #expect(found.first?.column == 5)
        #expect(found.first?.description == "portrait.yml:4:5: connectors[0].enabeld: unknown key 'enabeld'; did you mean 'enabled'?")
    }

    @Test func everyProblemIsReportedAtOnceInFileOrder() {
        let found = issues(
            """
            store:
              paht: x.db
            connectors:
              - name: crm
                kind: jsonl
                options: {}
              - name: feed
                kind: xml_fede
            """)
        let described = found.map { "\($0.line ?? 0) \($0.path?.description ?? "") \($0.message)" }
        #expect(found.count == 3, "\(described)")
        #expect(described[0].hasPrefix("2 store.paht unknown key 'paht'; did you mean 'path'?"))
        #expect(described[1].hasPrefix("6 connectors[0].options.path required"))
        #expect(described[2].hasPrefix("8 connectors[1].kind unknown connector kind 'xml_fede'"))
    }

    @Test func missingRequiredFieldPointsAtItsParent() {
        let found = issues("connectors:\n  - kind: jsonl\n    options: { path: a }\n")
        #expect(found.map(\.description) == ["portrait.yml:2:5: connectors[0].name: required"])
    }

    @Test func malformedYAMLGivesLineAndColumn() {
        let found = issues("connectors:\n  - name: crm\n    kind: [jsonl\n")
        #expect(found.count == 1)
        #expect(found.first?.line != nil)
        #expect(found.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func mappingErrorsCarryTheirPath() {
        let found = issues(
            """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: a.jsonl }
                mapping:
                  contacts:
                    entity: customer
                    fields:
                      identifiers.email: { from: email, transform: [emial] }
            """)
        #expect(found.count == 1)
        #expect(found.first?.path?.description.hasPrefix("connectors[0].mapping.contacts.fields.identifiers.email") == true)
        #expect(found.first?.message.contains("did you mean 'email'") == true, "\(found)")
        #expect(found.first?.line == 9)
    }

    @Test func environmentSecretsResolveAndAreRedacted() throws {
        let config = try parse(
            """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: "${DATA_DIR}/contacts.jsonl", stream: contacts }
            """, environment: ["DATA_DIR": "/var/data/secret-area"])
        let crm = try #require(config.connector(named: "crm"))
        #expect(crm.options["path"] == "/var/data/secret-area/contacts.jsonl")
        #expect(crm.writtenOptions["path"] == "${DATA_DIR}/contacts.jsonl")
        #expect(config.redactor.redact("failed to open /var/data/secret-area/x") == "failed to open ••••••/x")
    }

    @Test func missingEnvironmentVariableIsAConfigErrorWithItsPlace() {
        let found = issues(
            """
            connectors:
              - name: crm
                kind: jsonl
                options:
                  path: ${CRM_EXPORT}
            """)
        #expect(found.map(\.description) == [
            "portrait.yml:5:7: connectors[0].options.path: environment variable CRM_EXPORT is not set; export it before running portrait"
        ])
    }

    @Test func secretsFromFilesResolve() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("exports/contacts.jsonl\n".utf8).write(to: directory.appendingPathComponent("path.txt"))
        let config = try HubConfig.parse(
            text: "connectors:\n  - name: crm\n    kind: jsonl\n    options: { path: \"${file:path.txt}\" }\n",
            file: directory.appendingPathComponent("portrait.yml"), registry: BuiltInConnectors.registry, environment: [:])
        #expect(config.connectors.first?.options["path"] == "exports/contacts.jsonl")
    }

    @Test func aVariableWithADefaultTakesTheDefaultOnlyWhenUnset() throws {
        let text = """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: "${CRM_EXPORT:-/srv/exports/contacts.jsonl}" }
            """
        let unset = try HubConfig.parse(
            text: text, file: Self.file, registry: BuiltInConnectors.registry, environment: [:])
        #expect(unset.connectors.first?.options["path"] == "/srv/exports/contacts.jsonl")
        // The default is in the file for anyone to read: it is not masked like a value from the environment.
        #expect(unset.redactor.redact("/srv/exports/contacts.jsonl") == "/srv/exports/contacts.jsonl")

        let set = try HubConfig.parse(
            text: text, file: Self.file, registry: BuiltInConnectors.registry, environment: ["CRM_EXPORT": "/data/x.jsonl"])
        #expect(set.connectors.first?.options["path"] == "/data/x.jsonl")
        #expect(set.redactor.redact("/data/x.jsonl") == SecretRedactor.mask)
    }

    @Test func aSecretWithADefaultIsRefused() {
        let found = issues(
            """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: a.jsonl, api_token: "${CRM_TOKEN:-abc123}" }
            """)
        #expect(found.contains { $0.message.contains("a secret's default would be written inline") })
    }

    @Test func inlineSecretIsRefused() {
        let found = issues(
            """
            connectors:
              - name: crm
                kind: jsonl
                options: { path: a.jsonl, api_token: abc123 }
            """)
        #expect(found.contains { $0.message.contains("looks like a secret written inline") })
    }

    @Test func duplicateConnectorNamesAreRefused() {
        let found = issues(
            """
            connectors:
              - { name: crm, kind: jsonl, options: { path: a.jsonl } }
              - { name: crm, kind: jsonl, options: { path: b.jsonl } }
            """)
        #expect(found.map(\.message) == ["connector name 'crm' is already used by connectors[0]; names must be unique"])
    }

    @Test func plainNoStaysAStringAsInYAML12() throws {
        let document = try YAMLDocument(text: "country: NO\nflag: true\ncount: 12\nzip: '02134'\nratio: 1.5\n", file: "x.yml")
        #expect(document.value["country"] == "NO")
        #expect(document.value["flag"] == true)
        #expect(document.value["count"] == 12)
        #expect(document.value["zip"] == "02134")
        #expect(document.value["ratio"] == .number(Decimal(string: "1.5")!))
    }

    @Test func onlyJSONStyleNumbersAreNumbers() throws {
        let document = try YAMLDocument(text: "a: 02134\nb: 1e\nc: -3\nd: 1_000\ne: +1\nf: 2.5e3\n", file: "x.yml")
        #expect(document.value["a"] == "02134")
        #expect(document.value["b"] == "1e")
        #expect(document.value["c"] == -3)
        #expect(document.value["d"] == "1_000")
        #expect(document.value["e"] == "+1")
        #expect(document.value["f"] == 2500)
    }

    @Test func unreadableConfigFileSaysHowToStart() {
        #expect {
            try HubConfig.load(from: URL(fileURLWithPath: "/nonexistent/portrait.yml"), registry: BuiltInConnectors.registry)
        } throws: { error in
            (error as? PortraitError)?.message.contains("portrait init") == true
        }
    }
}
