import Foundation

/// A contact as the store keeps it: with its numeric id, Salesforce id and times in whole milliseconds worked out
/// once, so serving a page only copies and formats.
struct ContactRecord: Sendable {
    var contact: MockCRM.Contact
    /// ``MockCRM/Contact/id`` as a number: the HubSpot order and cursor.
    let number: UInt64
    let salesforceID: String
    var createdMillis: Int64
    var updatedMillis: Int64
    /// How many times ``MockCRM/Running/update(ids:at:)`` changed the contact; tags its new email.
    var revision = 0

    init(_ contact: MockCRM.Contact) {
        self.number = Self.requireNumericID(contact.id)
        self.salesforceID = SalesforceID.make(number)
        self.createdMillis = Self.millis(contact.createdAt)
        self.updatedMillis = Self.millis(contact.updatedAt)
        // Served times have millisecond precision: keep the stored dates equal to what a client reads back.
        var contact = contact
        contact.createdAt = Self.date(createdMillis)
        contact.updatedAt = Self.date(updatedMillis)
        self.contact = contact
    }

    /// The numeric value of a contact id.
    ///
    /// Ids are HubSpot's decimal object ids; anything else is a mistake in the caller's fixture, so it stops the
    /// program with a message naming the id rather than serving pages whose cursors cannot work.
    @discardableResult
    static func requireNumericID(_ id: String) -> UInt64 {
        guard let number = UInt64(id), String(number) == id else {
            preconditionFailure(
                "MockCRM contact id '\(id)' is not a decimal number without leading zeros, as HubSpot ids are")
        }
        return number
    }

    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    mutating func setUpdated(_ date: Date) {
        updatedMillis = Self.millis(date)
        contact.updatedAt = Self.date(updatedMillis)
    }

    /// Changes what a CRM user would edit, so a sync has new values to pick up: the email gains a `+N` tag in its
    /// local part (`zhang.wei83+1@example.cn`) and the phone's last digit moves on by one. Absent values stay absent.
    mutating func edit() {
        revision += 1
        if let email = contact.email, let at = email.lastIndex(of: "@") {
            var local = email[..<at]
            if let plus = local.lastIndex(of: "+"), local[local.index(after: plus)...].allSatisfy(\.isNumber) {
                local = local[..<plus]
            }
            contact.email = "\(local)+\(revision)\(email[at...])"
        }
        if let phone = contact.phone, let last = phone.lastIndex(where: \.isASCIIDigit),
            let digit = phone[last].wholeNumberValue
        {
            contact.phone = phone[..<last] + String((digit + 1) % 10) + phone[phone.index(after: last)...]
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
