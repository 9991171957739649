public import Foundation

extension MockCRM {
    /// 2026-01-01T00:00:00Z, where generated data starts.
    public static let defaultStart = Date(timeIntervalSince1970: 1_767_225_600)

    /// `count` realistic contacts, the same for the same arguments on every machine and Swift version.
    ///
    /// The mix is what a CRM in a Chinese–English business holds, so a sync meets the cases that break naive code:
    /// - Even positions have Chinese names in Han characters (`lastName` 张, `firstName` 伟) with pinyin emails
    ///   (`zhang.wei83@example.cn`); odd positions English ones.
    /// - Phones in mixed formats (`+86 138 0013 8000`, `13800138000`, `(202) 555-0123`, `+1 202-555-0123`); about one
    ///   contact in ten has no email and one in eight no phone; some have no company or city.
    /// - Ids are `"1"`, `"2"`, … in creation order; `createdAt` climbs from `start` by up to two minutes a contact;
    ///   a quarter were never modified (`updatedAt == createdAt`), the rest within 30 days after creation, and one in
    ///   five of those at a whole hour, so several contacts share an `updatedAt` and ties are exercised.
    ///
    /// - Parameters:
    ///   - seed: Chooses the data; the same seed gives the same contacts.
    ///   - start: The first contact's creation time.
    ///   - archivedEvery: If set, every n-th contact (ids n, 2n, …) is archived.
    public static func generatedContacts(
        count: Int, seed: UInt64, start: Date = defaultStart, archivedEvery: Int? = nil
    ) -> [Contact] {
        var random = SplitMix64(seed: seed)
        var created = ContactRecord.millis(start)
        var contacts: [Contact] = []
        contacts.reserveCapacity(max(count, 0))
        for index in 0..<max(count, 0) {
            let person = index % 2 == 0 ? Names.chinese(&random) : Names.english(&random)
            let updated: Int64
            switch random.below(8) {
            case 0, 1: updated = created
            case 2: updated = (created / 3_600_000 + 1 + Int64(random.below(720))) * 3_600_000
            default: updated = created + 1 + Int64(random.below(30 * 86_400_000))
            }
            let id = index + 1
            contacts.append(
                Contact(
                    id: String(id),
                    firstName: person.firstName,
                    lastName: person.lastName,
                    email: random.below(10) == 0 ? nil : person.email,
                    phone: random.below(8) == 0 ? nil : Names.phone(&random, chinese: index % 2 == 0),
                    company: random.below(5) == 0 ? nil : person.company,
                    city: random.below(6) == 0 ? nil : person.city,
                    createdAt: ContactRecord.date(created),
                    updatedAt: ContactRecord.date(updated),
                    archived: archivedEvery.map { $0 > 0 && id % $0 == 0 } ?? false
                ))
            created += 1 + Int64(random.below(120_000))
        }
        return contacts
    }
}

/// A small, fixed pseudo-random generator (SplitMix64), used instead of the standard library's because its
/// algorithms for ranges may change between Swift versions and generated data must not.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<Element>(_ elements: [Element]) -> Element { elements[below(elements.count)] }

    /// `count` decimal digits.
    mutating func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(below(10))) }) }
}

/// Name, email, company and city material for ``MockCRM/generatedContacts(count:seed:start:archivedEvery:)``.
private enum Names {
    struct Person {
        var firstName: String
        var lastName: String
        var email: String
        var company: String
        var city: String
    }

    /// Common family names with their pinyin.
    static let chineseFamilies: [(String, String)] = [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
        ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
        ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("欧阳", "ouyang"),
    ]
    /// Common given names with their pinyin.
    static let chineseGiven: [(String, String)] = [
        ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
        ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"),
        ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("桂英", "guiying"), ("建华", "jianhua"),
        ("晓明", "xiaoming"), ("志强", "zhiqiang"), ("丹", "dan"),
    ]
    static let chineseCompanies = ["星河科技", "长江贸易有限公司", "华新软件", "东方物流", "北辰咨询", "青禾食品"]
    static let chineseCities = ["北京", "上海", "广州", "深圳", "杭州", "成都", "南京", "武汉"]

    static let englishFirst = [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
        "William", "Susan", "Sarah", "Thomas", "Emma", "Oliver", "Chloé", "Seán",
    ]
    static let englishLast = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark",
        "O'Brien", "Walker", "Hall", "Young", "King", "Wright",
    ]
    static let englishCompanies = [
        "Acme Corp", "Globex", "Initech", "Northwind Traders", "Contoso Ltd", "Umbrella Labs",
    ]
    static let englishCities = ["London", "New York", "San Francisco", "Boston", "Chicago", "Seattle", "Manchester"]

    static func chinese(_ random: inout SplitMix64) -> Person {
        let (family, familyPinyin) = random.pick(chineseFamilies)
        let (given, givenPinyin) = random.pick(chineseGiven)
        let number = random.below(100)
        let email: String
        switch random.below(3) {
        case 0: email = "\(familyPinyin).\(givenPinyin)\(number)@example.cn"
        case 1: email = "\(givenPinyin)\(familyPinyin)\(number)@example.com.cn"
        default: email = "\(familyPinyin)\(givenPinyin)@example.cn"
        }
        return Person(
            firstName: given, lastName: family, email: email, company: random.pick(chineseCompanies),
            city: random.pick(chineseCities))
    }

    static func english(_ random: inout SplitMix64) -> Person {
        let first = random.pick(englishFirst)
        let last = random.pick(englishLast)
        let asciiFirst = first.lowercased().replacingOccurrences(of: "é", with: "e")
        let asciiLast = last.lowercased().replacingOccurrences(of: "'", with: "")
        let email: String
        switch random.below(3) {
        case 0: email = "\(asciiFirst).\(asciiLast)@example.com"
        case 1: email = "\(asciiFirst.prefix(1))\(asciiLast)\(random.below(100))@example.org"
        default: email = "\(asciiFirst)_\(asciiLast)@example.co.uk"
        }
        return Person(
            firstName: first, lastName: last, email: email, company: random.pick(englishCompanies),
            city: random.pick(englishCities))
    }

    /// Mostly the person's own country's formats, sometimes the other's, as real address books are.
    static func phone(_ random: inout SplitMix64, chinese: Bool) -> String {
        let chineseNumber = chinese ? random.below(5) != 0 : random.below(5) == 0
        if chineseNumber {
            let prefix = random.pick(["138", "139", "136", "186", "158", "177", "150", "131"])
            let middle = random.digits(4)
            let last = random.digits(4)
            switch random.below(3) {
            case 0: return "+86 \(prefix) \(middle) \(last)"
            case 1: return "\(prefix)\(middle)\(last)"
            default: return "+86-\(prefix)-\(middle)-\(last)"
            }
        }
        let area = random.pick(["202", "212", "310", "415", "617", "312"])
        let line = "01" + random.digits(2)  // 555-0100 to 555-0199 are reserved for fiction
        switch random.below(3) {
        case 0: return "(\(area)) 555-\(line)"
        case 1: return "+1 \(area)-555-\(line)"
        default: return "\(area).555.\(line)"
        }
    }
}
