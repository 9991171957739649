/// Hands out email addresses that look like people's own (`zhang.wei@163.com`, `jsmith84@gmail.com`) and are never
/// given to two people.
///
/// Two strangers with one address would be a link the truth does not know, and common names would produce many.
/// The book remembers a 64-bit FNV-1a hash of each address (8 bytes a person, not the text), which is also stable
/// across runs, unlike `Hasher`.
struct EmailBook {
    private var issued: Set<UInt64> = []
    private var qqNumbers: ScrambledCounter

    init(random: inout WorldRandom) {
        qqNumbers = ScrambledCounter(modulus: 1_000_000_000, random: &random)
    }

    static let chineseDomains = WeightedTable<String>([
        ("qq.com", 30), ("163.com", 25), ("126.com", 10), ("sina.com", 5), ("gmail.com", 10), ("outlook.com", 8),
        ("foxmail.com", 5), ("139.com", 4), ("yahoo.com", 3),
    ])
    static let englishDomains = WeightedTable<String>([
        ("gmail.com", 40), ("yahoo.com", 15), ("outlook.com", 12), ("hotmail.com", 10), ("icloud.com", 10),
        ("aol.com", 5), ("comcast.net", 5), ("protonmail.com", 3),
    ])

    /// A personal address for `name`, unique in the world.
    mutating func personal(for name: PersonName, culture: Culture, birthYear: Int, random: inout WorldRandom) -> String
    {
        let domain = (culture == .chinese ? Self.chineseDomains : Self.englishDomains).pick(&random)
        if domain == "qq.com" && random.chance(0.6) {
            // QQ mail addresses are mostly the account number, unique by construction.
            return claim("\(10_000 + qqNumbers.take())@qq.com")
        }
        let given = Self.ascii(name.givenLatin)
        let family = Self.ascii(name.familyLatin)
        let bases = [
            "\(given).\(family)", "\(given)\(family)", "\(family)\(given)", "\(family).\(given)",
            "\(given.prefix(1))\(family)", "\(given)_\(family)", "\(family)\(given.prefix(1))",
        ]
        let base = random.pick(bases)
        let shortYear = CivilDate.two(birthYear % 100)
        // About half of the people who find their plain name free take it; the others add their birth year.
        var candidates = [base + shortYear, base + String(birthYear)]
        if random.chance(0.5) { candidates.insert(base, at: 0) }
        for candidate in candidates {
            if let email = tryClaim("\(candidate)@\(domain)") { return email }
        }
        while true {
            if let email = tryClaim("\(base)\(random.between(100...99_999))@\(domain)") { return email }
        }
    }

    /// A work address at the person's employer, unique in the world.
    mutating func work(for name: PersonName, companyDomain domain: String, random: inout WorldRandom) -> String {
        let base = "\(Self.ascii(name.givenLatin)).\(Self.ascii(name.familyLatin))"
        if let email = tryClaim("\(base)@\(domain)") { return email }
        while true {
            if let email = tryClaim("\(base)\(random.between(2...999))@\(domain)") { return email }
        }
    }

    /// Employers by culture, with the domain of their work addresses.
    static let companies: [Culture: [(name: String, domain: String)]] = [
        .chinese: [
            ("星河科技", "xinghe-tech.cn"), ("长江贸易有限公司", "changjiang-trade.com.cn"), ("华新软件", "huaxinsoft.cn"),
            ("东方物流", "dflogistics.cn"), ("北辰咨询", "beichen-consult.cn"), ("青禾食品", "qinghefood.cn"),
        ],
        .english: [
            ("Acme Corp", "acme.com"), ("Globex", "globex.com"), ("Initech", "initech.com"),
            ("Northwind Traders", "northwind.com"), ("Contoso Ltd", "contoso.com"),
            ("Umbrella Labs", "umbrella-labs.com"),
        ],
    ]

    private mutating func tryClaim(_ email: String) -> String? {
        issued.insert(Self.fnv1a(email)).inserted ? email : nil
    }

    private mutating func claim(_ email: String) -> String {
        issued.insert(Self.fnv1a(email))
        return email
    }

    /// Lower-case ASCII letters of a Latin name (`O'Brien` → `obrien`, `Chloé` → `chloe`, `Van der Berg` →
    /// `vanderberg`), as people type their address.
    static func ascii(_ name: String) -> String {
        var result = ""
        for scalar in name.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z": result.unicodeScalars.append(scalar)
            case "é", "è", "ë": result += "e"
            case "á", "à": result += "a"
            default: continue
            }
        }
        return result
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }
}
