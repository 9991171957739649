/// The people of a world, in order: who they are, who lives with whom, and which silos know them.
///
/// Drawn from its own random stream, so the population of a config and seed is the same whatever the silos do
/// with it; tests walk it to compare the generated files with the people behind them. Only the household being
/// built is held in memory, plus 8 bytes per person to keep email addresses unique.
public struct Population: Sequence, Sendable {
    public let config: WorldConfig

    public init(config: WorldConfig) {
        self.config = config
    }

    public func makeIterator() -> Iterator {
        Iterator(config: config)
    }

    public struct Iterator: IteratorProtocol {
        private let config: WorldConfig
        private var random: WorldRandom
        private var emails: EmailBook
        private var chinesePhones: ScrambledCounter
        private var americanPhones: ScrambledCounter
        private var cards: ScrambledCounter
        private var produced = 0
        private var households = 0
        /// The rest of the current household, last member first.
        private var pending: [Person] = []
        /// The chance that a new household is one whose members share a phone, chosen so that the share of
        /// *people* in such households is `sharedPhoneRate` (their mean size is ``meanSharedSize``).
        private let sharedHouseholdChance: Double

        static let sharedSizes = WeightedTable<Int>([(2, 0.55), (3, 0.3), (4, 0.15)])
        static let meanSharedSize = 2 * 0.55 + 3 * 0.3 + 4 * 0.15

        init(config: WorldConfig) {
            self.config = config
            random = WorldRandom(seed: config.seed, stream: 1)
            emails = EmailBook(random: &random)
            chinesePhones = ScrambledCounter(modulus: 100_000_000, random: &random)
            americanPhones = ScrambledCounter(modulus: 8_000_000, random: &random)
            cards = ScrambledCounter(modulus: 100_000_000, random: &random)
            let rate = config.demographics.sharedPhoneRate
            sharedHouseholdChance = rate == 0 ? 0 : rate / (Self.meanSharedSize * (1 - rate) + rate)
        }

        public mutating func next() -> Person? {
            if pending.isEmpty {
                guard produced < config.people else { return nil }
                makeHousehold()
            }
            produced += 1
            return pending.removeLast()
        }

        private mutating func makeHousehold() {
            let remaining = config.people - produced
            let size = random.chance(sharedHouseholdChance) ? Swift.min(Self.sharedSizes.pick(&random), remaining) : 1
            let household = households
            households += 1
            let culture: Culture = random.chance(config.demographics.chineseShare) ? .chinese : .english
            let address = Places.address(culture: culture, random: &random)
            let phone = newPhone(country: address.country == "CN" ? .cn : .us)

            var members: [Person] = []
            let headGender: Gender = random.chance(0.5) ? .female : .male
            let headYear = random.between(1950...2000)
            var familyName: PersonName?
            for position in 0..<size {
                let isSpouse = position == 1 && random.chance(0.7)
                let gender: Gender
                let year: Int
                if position == 0 {
                    (gender, year) = (headGender, headYear)
                } else if isSpouse {
                    (gender, year) = (headGender == .male ? .female : .male, headYear + random.between(-6...6))
                } else {  // A child, born when the head was 22 to 38.
                    (gender, year) = (
                        random.chance(0.5) ? .female : .male, Swift.min(headYear + random.between(22...38), 2007)
                    )
                }
                // Chinese spouses keep their own family name; English ones mostly take the head's; children
                // take the head's.
                let sharesFamily = position > 0 && (!isSpouse || (culture == .english && random.chance(0.8)))
                let name = self.name(
                    culture: culture, gender: gender, family: sharesFamily ? familyName : nil)
                if position == 0 { familyName = name }
                members.append(
                    person(
                        index: produced + position, culture: culture, gender: gender, name: name, birthYear: year,
                        household: household, address: address,
                        phone: phone, sharesPhone: size > 1))
            }
            pending = members.reversed()
        }

        private mutating func name(culture: Culture, gender: Gender, family: PersonName?) -> PersonName {
            switch culture {
            case .chinese:
                return ChineseNames.name(
                    gender: gender,
                    family: family.map { ChineseNames.Syllables(han: $0.family, pinyin: $0.familyLatin.lowercased()) },
                    random: &random)
            case .english:
                return EnglishNames.name(gender: gender, family: family?.family, random: &random)
            }
        }

        private mutating func person(
            index: Int, culture: Culture, gender: Gender, name: PersonName, birthYear: Int, household: Int,
            address: Address, phone: PhoneNumber, sharesPhone: Bool
        ) -> Person {
            let month = random.between(1...12)
            let birthDate = CivilDate(
                year: birthYear, month: month,
                day: random.between(1...WorldCalendar.daysIn(month: month, year: birthYear)))
            let company = random.pick(EmailBook.companies[culture]!)
            let email = emails.personal(for: name, culture: culture, birthYear: birthYear, random: &random)
            let alternate =
                random.chance(config.demographics.alternateEmailRate)
                ? emails.work(for: name, companyDomain: company.domain, random: &random) : nil
            return Person(
                id: Person.id(at: index), index: index, culture: culture, gender: gender, name: name,
                birthDate: birthDate, email: email, alternateEmail: alternate, phone: phone, address: address,
                household: household, sharesPhone: sharesPhone, company: company.name,
                footprint: footprint(address: address))
        }

        private mutating func newPhone(country: PhoneNumber.Country) -> PhoneNumber {
            switch country {
            case .cn:
                let prefix = random.pick([
                    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "166",
                    "177", "180", "186", "188", "189", "199",
                ])
                let digits = String(chinesePhones.take())
                return PhoneNumber(
                    country: .cn, national: prefix + String(repeating: "0", count: 8 - digits.count) + digits)
            case .us:
                let area = random.pick([
                    "212", "646", "917", "718", "415", "628", "617", "312", "773", "206", "202", "310",
                ])
                return PhoneNumber(country: .us, national: area + String(2_000_000 + americanPhones.take()))
            }
        }

        private mutating func footprint(address: Address) -> Footprint {
            let presence = config.presence
            let shares: [(Silo, Double)] = [
                (.crm, presence.crmShare), (.feed, presence.feedShare), (.stores, presence.storesShare),
                (.survey, presence.surveyShare),
            ]
            var silos: [Silo] = []
            if random.chance(presence.singleSiloRate) {
                silos = [WeightedTable(shares).pick(&random)]
            } else {
                while silos.count < 2 {
                    silos = shares.filter { random.chance($0.1) }.map(\.0)
                }
            }
            let duplicate = presence.duplicateRate
            var memberships: [Membership] = []
            if silos.contains(.stores) {
                let home = StoreCatalog.homeStore(for: address, random: &random)
                memberships.append(membership(at: home))
                if random.chance(duplicate) {
                    memberships.append(membership(at: StoreCatalog.secondStore(after: home, random: &random)))
                }
            }
            return Footprint(
                crmContacts: silos.contains(.crm) ? 1 + (random.chance(duplicate) ? 1 : 0) : 0,
                orders: silos.contains(.feed)
                    ? 1 + random.extraCount(continuation: (presence.meanOrders - 1) / presence.meanOrders, cap: 40) : 0,
                memberships: memberships,
                receipts: memberships.isEmpty
                    ? 0 : random.extraCount(continuation: presence.meanReceipts / (1 + presence.meanReceipts), cap: 60),
                surveyResponses: silos.contains(.survey) ? 1 + (random.chance(duplicate) ? 1 : 0) : 0)
        }

        private mutating func membership(at store: StoreCatalog.Store) -> Membership {
            let digits = String(cards.take())
            return Membership(
                store: store, card: store.code + "-" + String(repeating: "0", count: 8 - digits.count) + digits)
        }
    }
}
