import Foundation
import PortraitWorld
import Testing

/// The rates of `WorldConfig`, measured on generated worlds: what the files hold, compared with who the people
/// are. Each test runs on the default world and on a much noisier one, so a rate that ignored its setting would
/// fail one of them. Tolerances: see `MeasuredRate.tolerance`.
struct WorldNoiseTests {
    enum Kind: String, CaseIterable {
        case standard, noisy

        func world() throws -> GeneratedWorld {
            try (self == .standard ? GeneratedWorld.standard : GeneratedWorld.noisy).get()
        }
    }

    /// Names and spellings without case or spaces: what is left differs from all of these only through a typo.
    static func cleanForms(_ person: Person) -> Set<String> {
        let name = person.name
        var pairs = [(name.family, name.given), (name.familyLatin, name.givenLatin)]
        if let nickname = name.nickname { pairs.append((name.family, nickname)) }
        var forms: Set<String> = []
        for (family, given) in pairs {
            forms.insert(squeezed(family + given))
            forms.insert(squeezed(given + family))
        }
        return forms
    }

    static func squeezed(_ text: String) -> String {
        text.lowercased().filter { !$0.isWhitespace }
    }

    static func observedName(_ record: SiloRecord) -> String? {
        record.fullName ?? record.nameFields.map { $0.first + " " + $0.last }
    }

    @Test(arguments: Kind.allCases)
    func typoRateOfNamesAndEmails(_ kind: Kind) throws {
        let world = try kind.world()
        let rate = world.config.noise.typoRate
        var names = MeasuredRate(hits: 0, total: 0, expected: rate)
        var emails = MeasuredRate(hits: 0, total: 0, expected: rate)
        for (record, person) in world.observations {
            if let name = Self.observedName(record) {
                names.count(!Self.cleanForms(person).contains(Self.squeezed(name)))
            }
            if let email = record.email {
                emails.count(![person.email, person.alternateEmail].contains(email.lowercased()))
            }
        }
        #expect(names.isWithinTolerance, "names: \(names)")
        #expect(emails.isWithinTolerance, "emails: \(emails)")
    }

    @Test(arguments: Kind.allCases)
    func missingFieldRate(_ kind: Kind) throws {
        let world = try kind.world()
        let rate = world.config.noise.missingFieldRate
        var phones = MeasuredRate(hits: 0, total: 0, expected: rate)
        var emails = MeasuredRate(hits: 0, total: 0, expected: rate)
        var birthDates = MeasuredRate(hits: 0, total: 0, expected: rate)
        for record in world.records {
            // Every silo has a phone field; CRM, feed and survey an email; feed, members and survey a birth date.
            phones.count(record.phone == nil)
            if record.silo != .stores { emails.count(record.email == nil) }
            if record.connector != WorldConnectors.crm.connector
                && record.connector != WorldConnectors.receipts.connector
            {
                birthDates.count(record.birthDate == nil)
            }
        }
        #expect(phones.isWithinTolerance, "phones: \(phones)")
        #expect(emails.isWithinTolerance, "emails: \(emails)")
        #expect(birthDates.isWithinTolerance, "birth dates: \(birthDates)")
    }

    @Test(arguments: Kind.allCases)
    func sharedPhoneRate(_ kind: Kind) throws {
        let world = try kind.world()
        // Households share one draw: a design effect of 4 (the largest household) bounds the variance.
        var shared = MeasuredRate(
            hits: 0, total: 0, expected: world.config.demographics.sharedPhoneRate, designEffect: 4)
        for person in world.people { shared.count(person.sharesPhone) }
        #expect(shared.isWithinTolerance, "people sharing a phone: \(shared)")

        // In the files, a phone written for two different people belongs to one household that shares it.
        var peopleByPhone: [String: Set<Int>] = [:]
        for (record, person) in world.observations {
            if let phone = record.phone.flatMap({ e164($0, home: record.phoneHome) }) {
                peopleByPhone[phone, default: []].insert(person.index)
            }
        }
        let sharedInFiles = peopleByPhone.values.filter { $0.count > 1 }
        #expect(!sharedInFiles.isEmpty)
        for group in sharedInFiles {
            let households = Set(group.map { world.people[$0].household })
            #expect(households.count == 1 && group.allSatisfy { world.people[$0].sharesPhone }, "\(group)")
        }
        // And such a household shares its address too.
        for group in sharedInFiles {
            #expect(Set(group.map { world.people[$0].address }).count == 1)
        }
    }

    @Test(arguments: Kind.allCases)
    func singleSiloRate(_ kind: Kind) throws {
        let world = try kind.world()
        var silos: [String: Set<Silo>] = [:]
        for (record, person) in world.observations { silos[person.id, default: []].insert(record.silo) }
        var single = MeasuredRate(hits: 0, total: 0, expected: world.config.presence.singleSiloRate)
        for person in world.people { single.count(silos[person.id]?.count == 1) }
        #expect(single.isWithinTolerance, "people in one silo only: \(single)")
    }

    @Test(arguments: Kind.allCases)
    func duplicateRate(_ kind: Kind) throws {
        let world = try kind.world()
        for connector in [
            WorldConnectors.crm.connector, WorldConnectors.members.connector, WorldConnectors.survey.connector,
        ] {
            var counts: [String: Int] = [:]
            for (record, person) in world.observations where record.connector == connector {
                counts[person.id, default: 0] += 1
            }
            var duplicated = MeasuredRate(hits: 0, total: 0, expected: world.config.presence.duplicateRate)
            for count in counts.values { duplicated.count(count > 1) }
            #expect(duplicated.isWithinTolerance, "\(connector): people held twice: \(duplicated)")
        }
    }

    @Test(arguments: Kind.allCases)
    func nameSpellingRates(_ kind: Kind) throws {
        let world = try kind.world()
        let noise = world.config.noise
        var spaced = MeasuredRate(hits: 0, total: 0, expected: noise.chineseNameSpaceRate)
        var changedCase = MeasuredRate(hits: 0, total: 0, expected: noise.caseRate)
        for (record, _) in world.observations {
            guard let name = record.fullName else { continue }
            if name.unicodeScalars.allSatisfy({ (0x4E00...0x9FFF).contains($0.value) || $0 == " " }) {
                spaced.count(name.contains(" "))
            } else if name.contains(where: \.isLetter) {
                // Clean Latin names always mix cases (John Smith, Van der Berg): one case throughout is the noise.
                let letters = name.filter(\.isLetter)
                changedCase.count(letters == letters.uppercased() || letters == letters.lowercased())
            }
        }
        #expect(spaced.isWithinTolerance, "Han names with a space: \(spaced)")
        #expect(changedCase.isWithinTolerance, "Latin names in one case: \(changedCase)")
    }

    @Test(arguments: Kind.allCases)
    func birthDateSwapRate(_ kind: Kind) throws {
        let world = try kind.world()
        var swapped = MeasuredRate(hits: 0, total: 0, expected: world.config.noise.birthDateSwapRate)
        var wrong: [String] = []
        for (record, person) in world.observations {
            guard let text = record.birthDate, let written = isoDate(text) else { continue }
            if let other = person.birthDate.swappedDayAndMonth {
                swapped.count(written == other.iso)
                if written != other.iso && written != person.birthDate.iso { wrong.append("\(record.key): \(text)") }
            } else if written != person.birthDate.iso {
                wrong.append("\(record.key): \(text)")
            }
        }
        #expect(swapped.isWithinTolerance, "swappable birth dates written swapped: \(swapped)")
        #expect(wrong.isEmpty, "birth dates that are neither the person's nor swapped: \(wrong.prefix(5))")
    }
}
