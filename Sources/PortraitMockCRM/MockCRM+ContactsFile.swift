public import Foundation

extension MockCRM {
    /// Contacts from a JSON Lines file, one contact per line, as `portrait generate` writes `crm/contacts.jsonl`.
    ///
    /// Each line is an object with the ``Contact`` fields by name: `id` (a decimal number, as HubSpot ids are),
    /// `firstName`, `lastName`, `createdAt` and `updatedAt` (ISO 8601, `2024-03-01T10:22:00.123Z`) are required;
    /// `email`, `phone`, `company`, `city` may be absent or null; `archived` defaults to false. Other keys are
    /// ignored. Blank lines are skipped.
    ///
    /// ```json
    /// {"id":"17","firstName":"伟","lastName":"张","phone":"138 0013 8000","createdAt":"2024-03-01T10:22:00.123Z","updatedAt":"2024-03-01T10:22:00.123Z"}
    /// ```
    ///
    /// - Throws: ``ContactsFileError`` naming the file, the line and what is wrong, so a hand-edited fixture is
    ///   fixed in one go rather than stopping the mock on a precondition.
    public static func contacts(fromJSONL url: URL) throws -> [Contact] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ContactsFileError("\(url.path): cannot read the contacts file (\(error.localizedDescription))")
        }
        return try contacts(fromJSONL: data, name: url.path)
    }

    /// Contacts from JSON Lines text; `name` is the file name messages use.
    public static func contacts(fromJSONL data: Data, name: String) throws -> [Contact] {
        var contacts: [Contact] = []
        var seen: Set<UInt64> = []
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            lineNumber += 1
            let line = data[start..<end]
            start = end < data.endIndex ? data.index(after: end) : end
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let contact = try ContactLine.contact(from: line, at: "\(name):\(lineNumber)")
            guard seen.insert(UInt64(contact.id)!).inserted else {
                throw ContactsFileError(
                    "\(name):\(lineNumber): the id '\(contact.id)' is used by an earlier line; ids must be unique")
            }
            contacts.append(contact)
        }
        return contacts
    }
}

/// A contacts file the mock cannot serve, with the place and what is wrong.
public struct ContactsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// One line of a contacts file.
private enum ContactLine {
    static func contact(from line: Data, at place: String) throws -> MockCRM.Contact {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            throw ContactsFileError("\(place): not a JSON object; each line must be one contact")
        }
        func text(_ key: String, required: Bool) throws -> String? {
            switch object[key] {
            case let value as String: return value
            case nil, is NSNull:
                if required { throw ContactsFileError("\(place): '\(key)' is missing") }
                return nil
            default: throw ContactsFileError("\(place): '\(key)' must be a string")
            }
        }
        func time(_ key: String) throws -> Date {
            let value = try text(key, required: true)!
            guard let millis = Timestamp.parse(Substring(value), allowEpochMillis: false) else {
                throw ContactsFileError(
                    "\(place): '\(key)' is not an ISO 8601 date-time such as 2024-03-01T10:22:00.123Z")
            }
            return ContactRecord.date(millis)
        }
        let id = try text("id", required: true)!
        guard let number = UInt64(id), String(number) == id else {
            throw ContactsFileError(
                "\(place): the id '\(id)' is not a decimal number without leading zeros, as HubSpot ids are")
        }
        let archived: Bool
        switch object["archived"] {
        case nil, is NSNull: archived = false
        case let value as Bool: archived = value
        default: throw ContactsFileError("\(place): 'archived' must be true or false")
        }
        return MockCRM.Contact(
            id: id, firstName: try text("firstName", required: true)!, lastName: try text("lastName", required: true)!,
            email: try text("email", required: false), phone: try text("phone", required: false),
            company: try text("company", required: false), city: try text("city", required: false),
            createdAt: try time("createdAt"), updatedAt: try time("updatedAt"), archived: archived)
    }
}
