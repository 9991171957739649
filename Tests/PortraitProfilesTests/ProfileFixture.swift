import Foundation
import PortraitCore
import PortraitIdentity
import PortraitProfiles
import PortraitStore
import PortraitStoreSQLite

/// A store with a handful of customers, orders and survey answers committed by hand, identity resolved by the real
/// resolver, and the profile engine over it.
struct ProfileFixture {
    let store: SQLiteStore
    var settings: ProfileSettings = .standard
    /// What the windows are measured from: 2026-10-15T00:00:00Z.
    static let now = Date(timeIntervalSince1970: Timestamps.seconds("2026-10-15T00:00:00Z")!)

    init() throws {
        store = try SQLiteStore.inMemory()
    }

    init(store: SQLiteStore) {
        self.store = store
    }

    var engine: ProfileEngine { ProfileEngine(store: store, settings: settings) }

    var resolver: IdentityResolver {
        var identity = IdentitySettings.standard
        identity.trainingPairs = 10_000
        return IdentityResolver(settings: identity, store: store)
    }

    static func customer(email: String? = nil, phone: String? = nil, name: (String, String)? = nil,
                         birthDate: String? = nil, city: String? = nil, interests: [String] = []) -> JSONValue {
        var object: [String: JSONValue] = [:]
        var ids: [JSONValue] = []
        if let email { ids.append(["type": "email", "value": .string(email)]) }
        if let phone { ids.append(["type": "phone", "value": .string(phone)]) }
        if !ids.isEmpty { object["identifiers"] = .array(ids) }
        if let name {
            object["name"] = ["given": .string(name.0), "family": .string(name.1), "full": .string(name.0 + " " + name.1)]
        }
        if let birthDate { object["birth_date"] = .string(birthDate) }
        if let city { object["address"] = ["city": .string(city), "country": "US"] }
        if !interests.isEmpty { object["interests"] = .array(interests.map(JSONValue.string)) }
        return .object(object)
    }

    static func order(_ id: String, at: String, customer: JSONValue, total: Double, channel: String,
                      lines: [(String, Double)], status: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "placed_at": .string(at), "customer": customer, "total": .number(total),
            "channel": .string(channel), "currency": "USD",
            "lines": .array(lines.map { ["category": .string($0.0), "qty": .number($0.1)] }),
        ]
        if let status { object["status"] = .string(status) }
        return .object(object)
    }

    static func feedback(_ id: String, at: String, respondent: JSONValue, nps: Int) -> JSONValue {
        ["id": .string(id), "form_id": "post-purchase", "submitted_at": .string(at), "respondent": respondent,
         "scores": ["nps": .number(nps)]]
    }

    func commit(_ connector: String, stream: String, entity: Entity, _ records: [(String, JSONValue)]) async throws {
        let writes = records.map { id, canonical in
            RecordWrite(stream: stream, sourceID: id, entity: entity, raw: canonical, canonical: canonical,
                        location: "\(connector):\(id)")
        }
        _ = try await store.commit(CommitBatch(connector: connector, runID: nil, records: writes))
    }

    /// Ana (CRM contact, four orders of which one cancelled, one survey answer, one product view), Bo (one order,
    /// known to the shop only) and Cy (a CRM contact who never bought).
    func seed() async throws {
        let ana = Self.customer(email: "ana@example.com", phone: "+14155550123", name: ("Ana", "Garcia"),
                                birthDate: "1988-04-12", city: "San Francisco")
        let cy = Self.customer(email: "cy@example.com", name: ("Cy", "Young"))
        try await commit("crm", stream: "contacts", entity: .customer, [("C1", ana), ("C3", cy)])
        let anaWork = Self.customer(email: "ana.g@work.example", phone: "+14155550123", name: ("Ana", "Garcia"))
        let anaPlain = Self.customer(email: "ana@example.com")
        let bo = Self.customer(email: "bo@example.com", name: ("Bo", "Chen"))
        try await commit("shop", stream: "orders", entity: .order, [
            ("O1", Self.order("O1", at: "2026-10-05T10:00:00Z", customer: anaWork, total: 100, channel: "online",
                              lines: [("sports", 1)])),
            ("O2", Self.order("O2", at: "2026-08-01T10:00:00Z", customer: anaPlain, total: 50, channel: "offline",
                              lines: [("grocery", 2)])),
            ("O3", Self.order("O3", at: "2025-09-01T10:00:00Z", customer: anaPlain, total: 200, channel: "online",
                              lines: [("sports", 1)])),
            ("O4", Self.order("O4", at: "2026-09-20T10:00:00Z", customer: anaPlain, total: 999, channel: "online",
                              lines: [("sports", 1)], status: "cancelled")),
            ("O5", Self.order("O5", at: "2026-10-01T10:00:00Z", customer: bo, total: 40, channel: "offline",
                              lines: [("books", 1)])),
        ])
        try await commit("survey", stream: "responses", entity: .feedback, [
            ("F1", Self.feedback("F1", at: "2026-10-10T10:00:00Z",
                                 respondent: Self.customer(email: "ana@example.com", interests: ["yoga"]), nps: 3)),
        ])
        try await commit("web", stream: "events", entity: .event, [
            ("E1", ["id": "E1", "type": "view", "timestamp": "2026-10-12T08:00:00Z",
                    "customer": Self.customer(email: "ana@example.com"),
                    "properties": ["category": "sports", "sku": "RUN-42"]]),
        ])
        _ = try await resolver.resolvePending()
    }

    /// Bo's second order (O6, online, 60), arriving after the first resolve.
    func commitLateOrder() async throws {
        try await commit("shop", stream: "orders", entity: .order, [
            ("O6", Self.order("O6", at: "2026-10-14T10:00:00Z", customer: Self.customer(email: "bo@example.com"), total: 60,
                              channel: "online", lines: [("books", 1)])),
        ])
    }

    /// The profile holding a record (`connector/source id`).
    func profileID(of record: String) async throws -> String {
        let parts = record.split(separator: "/").map(String.init)
        var found: String?
        try await store.forEachPlacement { placement in
            if placement.connector == parts[0], placement.sourceID == parts[1] { found = placement.profileID }
        }
        guard let found else { throw FixtureError.noProfile(record) }
        return found
    }

    /// The stored document of the profile holding `record`.
    func document(of record: String) async throws -> JSONValue {
        let id = try await profileID(of: record)
        guard let stored = try await store.storedProfile(id: id) else { throw FixtureError.noProfile(record) }
        return try JSONValue(parsing: stored.document)
    }

    enum FixtureError: Error { case noProfile(String) }
}

extension JSONValue {
    /// A number field of a profile document's `fields`, as a Double.
    func field(_ name: String) -> Double? {
        self["fields"]?[name]?.numberValue.map { Double(truncating: $0 as NSNumber) }
    }

    func text(_ name: String) -> String? { self["fields"]?[name]?.stringValue }

    func list(_ name: String) -> [String]? { self["fields"]?[name]?.arrayValue?.compactMap(\.stringValue) }
}
