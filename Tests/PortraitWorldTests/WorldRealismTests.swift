import Foundation
import PortraitWorld
import Testing

/// The spellings the identity engine has to cope with are all present in a generated world.
struct WorldRealismTests {
    @Test func phoneFormatsOfBothCountriesAppear() throws {
        let phones = try GeneratedWorld.standard.get().records.compactMap(\.phone)
        let formats = [
            "+86 138 0013 8000": /\+86 1\d\d \d{4} \d{4}/, "13800138000": /1\d{10}/,
            "(202) 555-0123": /\(\d{3}\) \d{3}-\d{4}/, "+1 202-555-0123": /\+1 \d{3}-\d{3}-\d{4}/,
        ]
        for (example, pattern) in formats {
            #expect(phones.contains { $0.wholeMatch(of: pattern) != nil }, "no phone written like \(example)")
        }
    }

    @Test func chineseNamesAppearSpacedReversedAndInPinyin() throws {
        let world = try GeneratedWorld.standard.get()
        let observations = world.observations.filter { $0.person.culture == .chinese }
        let names = observations.compactMap { pair in pair.record.fullName.map { ($0, pair.person.name) } }
        #expect(names.contains { $0.0 == "\($0.1.family) \($0.1.given)" }, "张 伟")
        #expect(
            names.contains { $0.0 == "\($0.1.given)\($0.1.family)" || $0.0 == "\($0.1.given) \($0.1.family)" }, "伟张")
        #expect(names.contains { $0.0 == "\($0.1.givenLatin) \($0.1.familyLatin)" }, "Wei Zhang")
        let crm = observations.compactMap { pair in pair.record.nameFields.map { ($0, pair.person.name) } }
        #expect(crm.contains { $0.0.first == $0.1.family && $0.0.last == $0.1.given }, "family name in First name")
    }

    @Test func emailsAppearInOtherCasesAndWorkAddressesAreUsed() throws {
        let world = try GeneratedWorld.standard.get()
        let emails = world.observations.compactMap { pair in pair.record.email.map { ($0, pair.person) } }
        #expect(emails.contains { $0.0 != $0.0.lowercased() && $0.0.lowercased() == $0.1.email })
        #expect(emails.contains { $0.0 == $0.1.alternateEmail })
        #expect(emails.contains { $0.0 == $0.1.email && $0.1.alternateEmail != nil })
    }
}
