import Foundation
import PortraitCore
import PortraitIdentity
import PortraitStore
import PortraitStoreSQLite

/// A store with records committed by hand, and the resolver over it.
struct IdentityFixture {
    let store: SQLiteStore
    var settings: IdentitySettings

    /// Fewer random pairs for u than the default: debug builds are slow, and a few thousand records need fewer.
    init(settings: IdentitySettings = .standard) throws {
        store = try SQLiteStore.inMemory()
        var settings = settings
        settings.trainingPairs = 100_000
        self.settings = settings
    }

    var resolver: IdentityResolver { IdentityResolver(settings: settings, store: store) }

    /// A customer record's canonical JSON.
    static func customer(
        given: String? = nil, family: String? = nil, full: String? = nil, email: String? = nil, phone: String? = nil,
        identifiers: [(String, String)] = [], birthDate: String? = nil, postcode: String? = nil, city: String? = nil
    ) -> JSONValue {
        var object: [String: JSONValue] = [:]
        var ids: [JSONValue] = []
        if let email { ids.append(.object(["type": .string("email"), "value": .string(email)])) }
        if let phone { ids.append(.object(["type": .string("phone"), "value": .string(phone)])) }
        for (type, value) in identifiers { ids.append(.object(["type": .string(type), "value": .string(value)])) }
        if !ids.isEmpty { object["identifiers"] = .array(ids) }
        var name: [String: JSONValue] = [:]
        if let given { name["given"] = .string(given) }
        if let family { name["family"] = .string(family) }
        if let full { name["full"] = .string(full) }
        if !name.isEmpty { object["name"] = .object(name) }
        if let birthDate { object["birth_date"] = .string(birthDate) }
        var address: [String: JSONValue] = [:]
        if let postcode { address["postcode"] = .string(postcode) }
        if let city { address["city"] = .string(city) }
        if !address.isEmpty { object["address"] = .object(address) }
        return .object(object)
    }

    /// Commits customers as records of `connector` (stream `contacts`), keyed by the given source ids.
    func commit(_ customers: [(String, JSONValue)], connector: String = "crm", entity: Entity = .customer) async throws {
        let records = customers.map { id, canonical in
            RecordWrite(
                stream: "contacts", sourceID: id, entity: entity, raw: canonical, canonical: canonical,
                location: "\(connector):\(id)")
        }
        _ = try await store.commit(CommitBatch(connector: connector, runID: nil, records: records))
    }

    /// Record source id → profile id.
    func profiles() async throws -> [String: String] {
        var result: [String: String] = [:]
        try await store.forEachPlacement { placement in
            if let profile = placement.profileID { result[placement.connector + "/" + placement.sourceID] = profile }
        }
        return result
    }
}
