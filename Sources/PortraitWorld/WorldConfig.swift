import PortraitCore

/// Everything that decides a world: its size, its seed, and every rate of its population and its noise.
///
/// The defaults aim at what a Chinese–English retailer's silos really hold: about one record in ten missing a
/// field, a few percent mistyped, families sharing a phone, many people known to one silo only. The identity
/// engine is measured on these worlds, so each rate is documented here, in `docs/WORLD.md`, and checked by
/// `WorldNoiseTests` against what a generated world actually contains.
public struct WorldConfig: Sendable, Hashable {
    /// How many people live in the world (1 to 10,000,000).
    public var people: Int
    /// Chooses everything; the same seed and config give byte-identical files.
    public var seed: UInt64
    public var demographics: Demographics
    public var presence: Presence
    public var noise: Noise
    /// Writes every store file as plain UTF-8 instead of each store's own encoding (GB18030, UTF-8 with a BOM).
    /// The content is the same; tests compare the two to check the encoders.
    public var allUTF8: Bool

    public init(
        people: Int, seed: UInt64, demographics: Demographics = .init(), presence: Presence = .init(),
        noise: Noise = .init(), allUTF8: Bool = false
    ) {
        self.people = people
        self.seed = seed
        self.demographics = demographics
        self.presence = presence
        self.noise = noise
        self.allUTF8 = allUTF8
    }

    /// Who the people are.
    public struct Demographics: Sendable, Hashable {
        /// Share of people with Chinese names (family + given in Han characters, 张伟, 欧阳娜娜); the rest have
        /// English names (John Smith). Default 0.5.
        public var chineseShare: Double
        /// Share of people who share their phone number and address with other members of their household
        /// (2 to 4 people: a couple, their children, a parent). Default 0.15.
        public var sharedPhoneRate: Double
        /// Share of people with a second email address (work), used in about half of their records that carry
        /// an email. Default 0.2.
        public var alternateEmailRate: Double

        public init(chineseShare: Double = 0.5, sharedPhoneRate: Double = 0.15, alternateEmailRate: Double = 0.2) {
            self.chineseShare = chineseShare
            self.sharedPhoneRate = sharedPhoneRate
            self.alternateEmailRate = alternateEmailRate
        }
    }

    /// Which silos know each person, and how many records each holds about them.
    public struct Presence: Sendable, Hashable {
        /// Share of people present in exactly one silo (the CRM, the order feed, the stores or the survey).
        /// Default 0.3.
        public var singleSiloRate: Double
        /// For people in several silos: the chance of each silo knowing them (at least two are drawn).
        /// Defaults: CRM 0.6, order feed 0.5, stores 0.5, survey 0.35. A single-silo person's silo is drawn with
        /// the same weights.
        public var crmShare: Double
        public var feedShare: Double
        public var storesShare: Double
        public var surveyShare: Double
        /// Share of the people a silo knows that it holds twice: a second CRM contact, a second store membership
        /// (another card), a second survey response. Each copy is noised on its own. Default 0.06.
        public var duplicateRate: Double
        /// Mean number of online orders of a person the order feed knows (at least 1). Default 2.
        public var meanOrders: Double
        /// Mean number of till receipts of a store member (0 or more). Default 2.
        public var meanReceipts: Double

        public init(
            singleSiloRate: Double = 0.3, crmShare: Double = 0.6, feedShare: Double = 0.5, storesShare: Double = 0.5,
            surveyShare: Double = 0.35, duplicateRate: Double = 0.06, meanOrders: Double = 2, meanReceipts: Double = 2
        ) {
            self.singleSiloRate = singleSiloRate
            self.crmShare = crmShare
            self.feedShare = feedShare
            self.storesShare = storesShare
            self.surveyShare = surveyShare
            self.duplicateRate = duplicateRate
            self.meanOrders = meanOrders
            self.meanReceipts = meanReceipts
        }
    }

    /// How each record distorts the person it is about. Every rate applies to each record (or each field of a
    /// record) on its own, so two records of one person are distorted independently.
    public struct Noise: Sendable, Hashable {
        /// Chance that a name or an email address carries one typo: a character substituted (a neighbouring key;
        /// for Han characters a homophone, as pinyin input gives), two adjacent characters transposed, or one
        /// deleted. Han names take typos in the given name, so a typo is never mistaken for the order. Default 0.04.
        public var typoRate: Double
        /// Chance that a name or email in Latin letters changes case (`JOHN SMITH`, `john smith`,
        /// `John.Smith@Gmail.com`). Default 0.05.
        public var caseRate: Double
        /// Chance that a name in Latin letters has its spacing changed: a double space, spaces around it, or no
        /// space between the words. Default 0.04.
        public var spacingRate: Double
        /// Chance that an optional field a record could carry (email, phone, birth date, member card, name where
        /// the silo allows it, address, gender, city, company) is left empty. Default 0.1.
        public var missingFieldRate: Double
        /// Chance that a Han name is written with a space between family and given name (`张 伟`). Default 0.08.
        public var chineseNameSpaceRate: Double
        /// Chance that a Han name is written given name first (`伟张`, `伟 张`), or, in the CRM's two fields,
        /// with the fields swapped. Default 0.04.
        public var chineseNameReversedRate: Double
        /// Chance that a Chinese person's name is written in pinyin (`Wei Zhang`, `Zhang Wei`). Default 0.1.
        public var romanizedChineseNameRate: Double
        /// Chance that an English first name with a common short form is written as that (`Bill` for William).
        /// Default 0.15.
        public var nicknameRate: Double
        /// Chance that a birth date whose day could be a month (day 1-12, not equal to the month) is written with
        /// day and month swapped. Default 0.05.
        public var birthDateSwapRate: Double

        public init(
            typoRate: Double = 0.04, caseRate: Double = 0.05, spacingRate: Double = 0.04,
            missingFieldRate: Double = 0.1, chineseNameSpaceRate: Double = 0.08, chineseNameReversedRate: Double = 0.04,
            romanizedChineseNameRate: Double = 0.1, nicknameRate: Double = 0.15, birthDateSwapRate: Double = 0.05
        ) {
            self.typoRate = typoRate
            self.caseRate = caseRate
            self.spacingRate = spacingRate
            self.missingFieldRate = missingFieldRate
            self.chineseNameSpaceRate = chineseNameSpaceRate
            self.chineseNameReversedRate = chineseNameReversedRate
            self.romanizedChineseNameRate = romanizedChineseNameRate
            self.nicknameRate = nicknameRate
            self.birthDateSwapRate = birthDateSwapRate
        }
    }

    /// The largest world: phone numbers and member cards are unique by construction up to about this size.
    public static let maximumPeople = 10_000_000

    /// Checks every value before anything is written.
    ///
    /// - Throws: `PortraitError.usage` naming the value and its allowed range.
    public func validate() throws {
        guard (1...Self.maximumPeople).contains(people) else {
            throw PortraitError.usage("--people must be between 1 and \(Self.maximumPeople), not \(people)")
        }
        let rates: [(String, Double)] = [
            ("chineseShare", demographics.chineseShare), ("sharedPhoneRate", demographics.sharedPhoneRate),
            ("alternateEmailRate", demographics.alternateEmailRate), ("singleSiloRate", presence.singleSiloRate),
            ("duplicateRate", presence.duplicateRate), ("typoRate", noise.typoRate), ("caseRate", noise.caseRate),
            ("spacingRate", noise.spacingRate), ("missingFieldRate", noise.missingFieldRate),
            ("chineseNameSpaceRate", noise.chineseNameSpaceRate),
            ("chineseNameReversedRate", noise.chineseNameReversedRate),
            ("romanizedChineseNameRate", noise.romanizedChineseNameRate), ("nicknameRate", noise.nicknameRate),
            ("birthDateSwapRate", noise.birthDateSwapRate),
        ]
        for (name, value) in rates where !(0...1).contains(value) {
            throw PortraitError.usage("\(name) must be between 0 and 1, not \(value)")
        }
        let shares: [(String, Double)] = [
            ("crmShare", presence.crmShare), ("feedShare", presence.feedShare),
            ("storesShare", presence.storesShare), ("surveyShare", presence.surveyShare),
        ]
        for (name, value) in shares where !(value > 0 && value <= 1) {
            throw PortraitError.usage("\(name) must be above 0 and at most 1, not \(value)")
        }
        guard presence.meanOrders >= 1, presence.meanOrders <= 20 else {
            throw PortraitError.usage("meanOrders must be between 1 and 20, not \(presence.meanOrders)")
        }
        guard presence.meanReceipts >= 0, presence.meanReceipts <= 20 else {
            throw PortraitError.usage("meanReceipts must be between 0 and 20, not \(presence.meanReceipts)")
        }
    }
}
