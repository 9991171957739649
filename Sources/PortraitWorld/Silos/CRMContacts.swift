import Foundation

/// The CRM: `crm/contacts.jsonl`, one contact per line in the shape `MockCRM.contacts(fromJSONL:)` loads and
/// `portrait mock-crm --contacts FILE` serves through its HubSpot and Salesforce APIs.
///
/// ```json
/// {"id":"17","firstName":"伟","lastName":"张","email":"zhang.wei@163.com","phone":"138 0013 8000","company":"星河科技","city":"上海","createdAt":"2024-03-01T10:22:00.123Z","updatedAt":"2024-03-05T08:00:00.000Z","archived":false}
/// ```
///
/// Ids count up in order of creation, as HubSpot's do. Names are always there (a CRM requires them) but may be in
/// the wrong fields; email, phone, company and city may be missing. Phones are written as a company in China
/// writes them: Chinese numbers nationally, others with their country code.
final class CRMContacts: SiloWriter {
    static let path = "crm/contacts.jsonl"
    private let spool: TimeOrderedSpool
    private let url: URL

    init(directory: URL, spool: URL, slices: Int) {
        url = directory.appendingPathComponent(Self.path)
        self.spool = TimeOrderedSpool(directory: spool, name: "crm", slices: slices)
    }

    func add(_ person: Person, observer: inout Observer) throws {
        for _ in 0..<person.footprint.crmContacts {
            let created = observer.time()
            // A quarter never edited since; the rest edited within 30 days.
            let updated = observer.random.chance(0.25) ? created : created + observer.random.between(1, 30 * 86_400_000)
            let name = observer.name(person).fields
            var fields = [
                ("firstName", name.first), ("lastName", name.last),
            ]
            if observer.keeps() { fields.append(("email", observer.email(person))) }
            if observer.keeps() { fields.append(("phone", observer.phone(person, home: .cn))) }
            if observer.keeps() { fields.append(("company", person.company)) }
            if observer.keeps() { fields.append(("city", person.address.city)) }
            fields.append(("createdAt", WorldCalendar.utcMillis(created)))
            fields.append(("updatedAt", WorldCalendar.utcMillis(updated)))
            let body =
                fields.map { "\(TextEscaping.json($0.0)):\(TextEscaping.json($0.1))," }.joined()
                + "\"archived\":false}\n"
            try spool.add(time: created, person: person.index, body: body)
        }
    }

    func finish(truth: TruthFile) throws -> [WorldSummary.File] {
        let file = try OutputFile(url)
        var count = 0
        try spool.drain { entry in
            count += 1
            try file.write("{\"id\":\"\(count)\",")
            try file.write(utf8: entry.body)
            try truth.record(WorldConnectors.crm, id: String(count), person: entry.person)
        }
        try file.close()
        return [WorldSummary.File(path: Self.path, records: count, bytes: file.bytesWritten, encoding: .utf8)]
    }
}
