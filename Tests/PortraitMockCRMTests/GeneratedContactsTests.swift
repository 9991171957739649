import Foundation
import PortraitMockCRM
import Testing

/// `MockCRM.generatedContacts`: deterministic, mixed, and shaped to exercise syncs.
struct GeneratedContactsTests {
    static let contacts = MockCRM.generatedContacts(count: 2000, seed: 42)

    @Test func theSameSeedGivesTheSameContacts() {
        #expect(Self.contacts == MockCRM.generatedContacts(count: 2000, seed: 42))
        #expect(Self.contacts != MockCRM.generatedContacts(count: 2000, seed: 43))
        // Fixed values guard against the generator changing between versions.
        let first = Self.contacts[0]
        #expect(first.id == "1")
        #expect(first.createdAt == MockCRM.defaultStart)
    }

    @Test func halfHaveChineseNamesWithPinyinEmailsAndHalfEnglishOnes() throws {
        let han = Self.contacts.filter { contact in
            (contact.lastName + contact.firstName).unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) }
        }
        let ascii = Self.contacts.filter {
            !$0.lastName.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
        }
        #expect(han.count == 1000)
        #expect(ascii.count == 1000)
        #expect(han.allSatisfy { $0.email.map { $0.hasSuffix(".cn") && $0.allSatisfy(\.isASCII) } ?? true })
        #expect(han.contains { $0.lastName == "张" || $0.lastName == "王" })
    }

    @Test func somePhonesAndEmailsAreMissingAndPhoneFormatsAreMixed() {
        let missingEmail = Self.contacts.filter { $0.email == nil }.count
        let missingPhone = Self.contacts.filter { $0.phone == nil }.count
        #expect((100...300).contains(missingEmail))
        #expect((120...380).contains(missingPhone))
        let phones = Self.contacts.compactMap(\.phone)
        #expect(phones.contains { $0.hasPrefix("+86 ") })
        #expect(phones.contains { $0.count == 11 && $0.allSatisfy(\.isNumber) })
        #expect(phones.contains { $0.hasPrefix("(") })
        #expect(phones.contains { $0.hasPrefix("+1 ") })
    }

    @Test func updateTimesSpreadOutWithSomeTies() {
        let times = Self.contacts.map(\.updatedAt)
        let distinct = Set(times).count
        #expect(distinct > 1000)
        #expect(distinct < times.count)
        #expect(Self.contacts.allSatisfy { $0.updatedAt >= $0.createdAt })
        #expect(Self.contacts.contains { $0.updatedAt == $0.createdAt })
        #expect(Self.contacts.contains { $0.updatedAt > $0.createdAt })
    }

    @Test func archivedEveryMarksEveryNthContact() {
        let contacts = MockCRM.generatedContacts(count: 100, seed: 1, archivedEvery: 10)
        #expect(contacts.filter(\.archived).map(\.id) == (1...10).map { String($0 * 10) })
        #expect(MockCRM.generatedContacts(count: 100, seed: 1).allSatisfy { !$0.archived })
    }

    @Test func salesforceIDsAreEighteenCharactersAndDistinct() throws {
        let ids = Self.contacts.compactMap(\.salesforceID)
        #expect(ids.count == Self.contacts.count)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 18 && $0.hasPrefix("003") })
    }
}
