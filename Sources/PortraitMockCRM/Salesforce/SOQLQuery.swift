/// The part of SOQL that contact syncs use, parsed:
/// `SELECT f1, f2 FROM Contact [WHERE cond [AND cond …]] [ORDER BY field [ASC|DESC][, …]] [LIMIT n]`.
///
/// Conditions compare `LastModifiedDate` or `CreatedDate` with an unquoted date-time literal
/// (`2026-01-01T00:00:00Z`, `…+0000`) using `=`, `!=`, `<`, `<=`, `>`, `>=`, or test `IsDeleted = true|false`.
/// Keywords and field names are case-insensitive, as in Salesforce. Anything else is refused with the error code
/// Salesforce would use, so a connector's query builder is checked rather than silently accepted.
struct SOQLQuery: Sendable, Equatable {
    enum Field: String, CaseIterable, Sendable {
        case id = "Id"
        case firstName = "FirstName"
        case lastName = "LastName"
        case email = "Email"
        case phone = "Phone"
        case mobilePhone = "MobilePhone"
        case mailingCity = "MailingCity"
        case mailingCountry = "MailingCountry"
        case createdDate = "CreatedDate"
        case lastModifiedDate = "LastModifiedDate"
        case isDeleted = "IsDeleted"
    }

    enum Comparison: Sendable, Equatable {
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

        func holds(_ left: Int64, _ right: Int64) -> Bool {
            switch self {
            case .equal: left == right
            case .notEqual: left != right
            case .less: left < right
            case .lessOrEqual: left <= right
            case .greater: left > right
            case .greaterOrEqual: left >= right
            }
        }
    }

    enum Condition: Sendable, Equatable {
        /// `LastModifiedDate` (or `CreatedDate`, when `created`) compared with a time in milliseconds.
        case time(created: Bool, Comparison, Int64)
        case isDeleted(Bool, equal: Bool)
    }

    struct Ordering: Sendable, Equatable {
        enum Key: Sendable, Equatable { case id, createdDate, lastModifiedDate }
        var key: Key
        var descending: Bool
    }

    /// Why a query was refused: a Salesforce error code and message.
    struct Error: Swift.Error, Equatable {
        var code: String
        var message: String

        static func malformed(_ message: String) -> Error { Error(code: "MALFORMED_QUERY", message: message) }
    }

    var fields: [Field]
    var conditions: [Condition]
    var ordering: [Ordering]
    var limit: Int?

    func matches(_ record: ContactRecord) -> Bool {
        conditions.allSatisfy { condition in
            switch condition {
            case .time(let created, let comparison, let millis):
                comparison.holds(created ? record.createdMillis : record.updatedMillis, millis)
            case .isDeleted(let value, let equal):
                (record.contact.archived == value) == equal
            }
        }
    }

    /// No ORDER BY, or ORDER BY Id: the store's own order.
    var ordersByID: Bool {
        ordering.isEmpty || ordering == [Ordering(key: .id, descending: false)]
    }

    /// ORDER BY LastModifiedDate[, Id], ascending: the incremental-sync order, which the store keeps a view of.
    var ordersByModification: Bool {
        let modified = Ordering(key: .lastModifiedDate, descending: false)
        return ordering == [modified] || ordering == [modified, Ordering(key: .id, descending: false)]
    }

    /// Whether `left` sorts before `right` under the ORDER BY keys, then by id, so the order is total.
    func orders(_ left: ContactRecord, before right: ContactRecord) -> Bool {
        for ordering in ordering {
            let ascending: Bool
            switch ordering.key {
            case .id:
                guard left.number != right.number else { continue }
                ascending = left.number < right.number
            case .createdDate:
                guard left.createdMillis != right.createdMillis else { continue }
                ascending = left.createdMillis < right.createdMillis
            case .lastModifiedDate:
                guard left.updatedMillis != right.updatedMillis else { continue }
                ascending = left.updatedMillis < right.updatedMillis
            }
            return ascending != ordering.descending
        }
        return left.number < right.number
    }
}

extension SOQLQuery {
    /// Parses `text`.
    ///
    /// - Throws: ``Error`` with `MALFORMED_QUERY` for syntax Salesforce would reject or the mock does not support,
    ///   and `INVALID_FIELD` for a field Contact does not have (as far as the mock serves it).
    init(parsing text: String) throws(Error) {
        var tokens = SOQLTokens(text)
        try tokens.expectKeyword("SELECT")
        var fields: [Field] = []
        repeat {
            guard let name = tokens.next() else { throw .malformed("unexpected end of query after SELECT") }
            guard let field = Field.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                if name.uppercased() == "FROM" { throw .malformed("no field selected before FROM") }
                throw Error(code: "INVALID_FIELD", message: "No such column '\(name)' on entity 'Contact'.")
            }
            if !fields.contains(field) { fields.append(field) }
        } while tokens.skip(",")
        try tokens.expectKeyword("FROM")
        guard let object = tokens.next() else { throw .malformed("unexpected end of query after FROM") }
        guard object.lowercased() == "contact" else {
            throw .malformed("sObject type '\(object)' is not supported by the mock: only Contact is served")
        }
        var conditions: [Condition] = []
        if tokens.skipKeyword("WHERE") {
            repeat { conditions.append(try tokens.condition()) } while tokens.skipKeyword("AND")
        }
        var ordering: [Ordering] = []
        if tokens.skipKeyword("ORDER") {
            try tokens.expectKeyword("BY")
            repeat {
                guard let name = tokens.next() else { throw .malformed("unexpected end of query after ORDER BY") }
                let key: Ordering.Key
                switch name.lowercased() {
                case "id": key = .id
                case "createddate": key = .createdDate
                case "lastmodifieddate": key = .lastModifiedDate
                default:
                    throw .malformed("the mock orders only by Id, CreatedDate and LastModifiedDate, not '\(name)'")
                }
                var descending = false
                if tokens.skipKeyword("DESC") { descending = true } else { _ = tokens.skipKeyword("ASC") }
                ordering.append(Ordering(key: key, descending: descending))
            } while tokens.skip(",")
        }
        var limit: Int?
        if tokens.skipKeyword("LIMIT") {
            guard let text = tokens.next(), let value = Int(text), value >= 0 else {
                throw .malformed("LIMIT needs a non-negative whole number")
            }
            limit = value
        }
        if let extra = tokens.next() { throw .malformed("unexpected token: '\(extra)'") }
        self.init(fields: fields, conditions: conditions, ordering: ordering, limit: limit)
    }
}

/// Splits SOQL into words, commas and comparison operators.
private struct SOQLTokens {
    private var tokens: [String]
    private var index = 0

    init(_ text: String) {
        var tokens: [String] = []
        var current = ""
        var characters = Array(text)[...]
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        while let character = characters.popFirst() {
            switch character {
            case " ", "\t", "\n", "\r":
                flush()
            case ",", "(", ")":
                flush()
                tokens.append(String(character))
            case "<", ">", "=", "!":
                flush()
                if character == "<", characters.first == ">" {
                    characters.removeFirst()
                    tokens.append("<>")
                } else if characters.first == "=" {
                    characters.removeFirst()
                    tokens.append(String(character) + "=")
                } else {
                    tokens.append(String(character))
                }
            default:
                current.append(character)
            }
        }
        flush()
        self.tokens = tokens
    }

    mutating func next() -> String? {
        guard index < tokens.count else { return nil }
        defer { index += 1 }
        return tokens[index]
    }

    mutating func skip(_ token: String) -> Bool {
        guard index < tokens.count, tokens[index] == token else { return false }
        index += 1
        return true
    }

    mutating func skipKeyword(_ keyword: String) -> Bool {
        guard index < tokens.count, tokens[index].uppercased() == keyword else { return false }
        index += 1
        return true
    }

    mutating func expectKeyword(_ keyword: String) throws(SOQLQuery.Error) {
        guard skipKeyword(keyword) else {
            let found = index < tokens.count ? "'\(tokens[index])'" : "the end of the query"
            throw .malformed("expected \(keyword), found \(found)")
        }
    }

    mutating func condition() throws(SOQLQuery.Error) -> SOQLQuery.Condition {
        guard let name = next(), let symbol = next(), let value = next() else {
            throw .malformed("incomplete WHERE condition")
        }
        let comparison: SOQLQuery.Comparison
        switch symbol {
        case "=": comparison = .equal
        case "!=", "<>": comparison = .notEqual
        case "<": comparison = .less
        case "<=": comparison = .lessOrEqual
        case ">": comparison = .greater
        case ">=": comparison = .greaterOrEqual
        default: throw .malformed("unexpected operator '\(symbol)' after \(name)")
        }
        switch name.lowercased() {
        case "lastmodifieddate", "createddate":
            guard let millis = Timestamp.parse(value[...], allowEpochMillis: false), value.contains("T") else {
                throw .malformed(
                    "value of filter criterion for field '\(name)' must be of type dateTime and should not be "
                        + "enclosed in quotes: '\(value)'")
            }
            return .time(created: name.lowercased() == "createddate", comparison, millis)
        case "isdeleted":
            guard comparison == .equal || comparison == .notEqual, ["true", "false"].contains(value.lowercased())
            else { throw .malformed("IsDeleted compares with = or != and true or false") }
            return .isDeleted(value.lowercased() == "true", equal: comparison == .equal)
        default:
            if SOQLQuery.Field.allCases.contains(where: { $0.rawValue.lowercased() == name.lowercased() }) {
                throw .malformed("the mock filters only on LastModifiedDate, CreatedDate and IsDeleted, not '\(name)'")
            }
            throw SOQLQuery.Error(code: "INVALID_FIELD", message: "No such column '\(name)' on entity 'Contact'.")
        }
    }
}
