import Foundation
import PortraitWorld

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One record as a silo file holds it, read back from the file by the tests' own parsers (not the generator's
/// code), with the identity fields the noise measurements look at.
struct SiloRecord: Sendable {
    var connector: String
    var stream: String
    var id: String
    /// The file, relative to the world's folder.
    var file: String
    /// A name written in one field.
    var fullName: String?
    /// A name written in a CRM's two fields.
    var nameFields: (first: String, last: String)?
    var email: String?
    var phone: String?
    /// How the silo reads a phone without a country code: "CN" or "US".
    var phoneHome: String
    var birthDate: String?
    var memberCard: String?

    /// The silo's part of the world: CRM, order feed, stores (members and receipts), survey.
    var silo: Silo {
        switch connector {
        case WorldConnectors.crm.connector: return .crm
        case WorldConnectors.orders.connector: return .feed
        case WorldConnectors.survey.connector: return .survey
        default: return .stores
        }
    }

    var key: String { "\(connector),\(stream),\(id)" }
}

/// Reads the silo files of a world folder.
enum WorldFiles {
    static func records(in directory: URL) throws -> [SiloRecord] {
        var records = try crm(directory)
        records += try orders(directory)
        for store in StoreCatalog.stores {
            records += try members(directory, store: store)
            records += try receipts(directory, store: store)
        }
        records += try survey(directory)
        return records
    }

    /// `truth.csv` without its header, split into its four columns.
    static func truth(in directory: URL) throws -> [[String]] {
        let text = try String(contentsOf: directory.appendingPathComponent("truth.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == "connector,stream,source_id,person_id" else {
            throw WorldTestError("truth.csv starts with \(lines.first ?? "nothing"), not its header")
        }
        lines.removeFirst()
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    static func crm(_ directory: URL) throws -> [SiloRecord] {
        let text = try String(contentsOf: directory.appendingPathComponent("crm/contacts.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return SiloRecord(
                connector: WorldConnectors.crm.connector, stream: WorldConnectors.crm.stream,
                id: object["id"] as! String,
                file: "crm/contacts.jsonl",
                nameFields: (object["firstName"] as! String, object["lastName"] as! String),
                email: object["email"] as? String, phone: object["phone"] as? String, phoneHome: "CN")
        }
    }

    static func orders(_ directory: URL) throws -> [SiloRecord] {
        let parser = XMLParser(contentsOf: directory.appendingPathComponent("feeds/orders.xml"))!
        let reader = OrderReader()
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return reader.records
    }

    static func members(_ directory: URL, store: StoreCatalog.Store) throws -> [SiloRecord] {
        try csv(directory, "drops/members_\(store.code).csv").map { row in
            SiloRecord(
                connector: WorldConnectors.members.connector, stream: WorldConnectors.members.stream,
                id: row["member_card"]!, file: "drops/members_\(store.code).csv", fullName: row["name"],
                phone: row["phone"], phoneHome: "CN", birthDate: row["birth_date"], memberCard: row["member_card"])
        }
    }

    static func receipts(_ directory: URL, store: StoreCatalog.Store) throws -> [SiloRecord] {
        try csv(directory, "drops/receipts_\(store.code).csv").map { row in
            SiloRecord(
                connector: WorldConnectors.receipts.connector, stream: WorldConnectors.receipts.stream,
                id: row["receipt_id"]!, file: "drops/receipts_\(store.code).csv", fullName: row["name"],
                phone: row["phone"], phoneHome: "CN", memberCard: row["member_card"])
        }
    }

    static func survey(_ directory: URL) throws -> [SiloRecord] {
        try csv(directory, "surveys/responses.csv").map { row in
            SiloRecord(
                connector: WorldConnectors.survey.connector, stream: WorldConnectors.survey.stream,
                id: row["response_id"]!, file: "surveys/responses.csv", fullName: row["name"], email: row["email"],
                phone: row["phone"], phoneHome: "CN", birthDate: row["birthday"], memberCard: row["member_card"])
        }
    }

    /// A CSV file's rows by column, with the header normalised as `csv_drop` does (`Member Card` → `member_card`);
    /// empty values are absent. GB18030 files are decoded with iconv, a BOM is dropped.
    static func csv(_ directory: URL, _ path: String) throws -> [[String: String]] {
        let text = try decodedText(of: directory.appendingPathComponent(path))
        var rows = CSV.parse(text)
        guard !rows.isEmpty else { return [] }
        let header = rows.removeFirst().map { $0.lowercased().replacingOccurrences(of: " ", with: "_") }
        return rows.map { fields in
            var row: [String: String] = [:]
            for (column, value) in zip(header, fields) where !value.isEmpty { row[column] = value }
            return row
        }
    }

    /// A file's text: UTF-8 (a BOM dropped), or GB18030 when it is not valid UTF-8.
    static func decodedText(of url: URL) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: url))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(decoding: try Iconv.convert(bytes, from: "GB18030", to: "UTF-8"), as: UTF8.self)
    }
}

struct WorldTestError: Error, Sendable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// RFC 4180, enough for the world's files: quoted fields with doubled quotes, CRLF or LF line ends.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}

/// Collects the orders of the feed, matching elements by namespace URI and local name.
private final class OrderReader: NSObject, XMLParserDelegate {
    static let shop = "urn:portrait:world:shop"
    static let customer = "urn:portrait:world:customer"
    var records: [SiloRecord] = []
    private var current: SiloRecord?
    private var text = ""
    private var inCustomer = false

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        text = ""
        if namespaceURI == Self.shop && name == "order" {
            current = SiloRecord(
                connector: WorldConnectors.orders.connector, stream: WorldConnectors.orders.stream,
                id: attributes["id"] ?? "", file: "feeds/orders.xml", phoneHome: "US")
        } else if namespaceURI == Self.customer && name == "customer" {
            inCustomer = true
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if namespaceURI == Self.shop && name == "order", let record = current {
            records.append(record)
            current = nil
        } else if namespaceURI == Self.customer && inCustomer {
            switch name {
            case "name": current?.fullName = text
            case "email": current?.email = text
            case "phone": current?.phone = text
            case "member_card": current?.memberCard = text
            case "birth_date": current?.birthDate = text
            case "customer": inCustomer = false
            default: break
            }
        }
    }
}
