public import Foundation

extension MockCRM {
    /// One CRM contact, as both API shapes serve it.
    ///
    /// HubSpot names the fields `firstname`, `lastname`, `email`, `phone`, `company`, `city`, `createdate`,
    /// `lastmodifieddate`; Salesforce `FirstName`, `LastName`, `Email`, `Phone`, `MailingCity`, `CreatedDate`,
    /// `LastModifiedDate`, `IsDeleted` (Salesforce keeps the company on the Account, which the mock does not serve).
    /// Times are served to the millisecond, as both APIs do.
    public struct Contact: Sendable, Hashable {
        /// The HubSpot object id, a decimal number such as `"17"`; pages are ordered by its numeric value.
        public var id: String
        public var firstName: String
        public var lastName: String
        public var email: String?
        public var phone: String?
        public var company: String?
        public var city: String?
        public var createdAt: Date
        /// `lastmodifieddate` / `LastModifiedDate`: what incremental syncs filter and sort on.
        public var updatedAt: Date
        /// Archived in HubSpot terms, deleted (`IsDeleted`, in the recycle bin) in Salesforce's.
        public var archived: Bool

        public init(
            id: String, firstName: String, lastName: String, email: String? = nil, phone: String? = nil,
            company: String? = nil, city: String? = nil, createdAt: Date, updatedAt: Date, archived: Bool = false
        ) {
            self.id = id
            self.firstName = firstName
            self.lastName = lastName
            self.email = email
            self.phone = phone
            self.company = company
            self.city = city
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.archived = archived
        }

        /// The 18-character Salesforce id the Salesforce endpoints serve for this contact (`003…`), derived from
        /// ``id`` so both shapes name the same record; nil if ``id`` is not a decimal number.
        public var salesforceID: String? {
            UInt64(id).map(SalesforceID.make)
        }
    }
}
