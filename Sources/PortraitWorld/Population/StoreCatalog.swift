/// The retailer's offline stores: each exports its member list and receipts as CSV in its own way (encoding,
/// header spelling, date order), as tills from different vendors do.
public enum StoreCatalog {
    /// One store and how its till writes files.
    public struct Store: Sendable, Hashable {
        /// `SH01`: in file names, member cards and receipt ids.
        public let code: String
        public let city: String
        public let country: String
        public let encoding: FileEncoding
        /// `member_card` or `Member Card`: the `csv_drop` connector reads both as the same column.
        let titleCaseHeader: Bool
        /// How the till writes a birth date: `yyyy/MM/dd`, `yyyy-MM-dd` or `MM/dd/yyyy`.
        let birthDateFormat: BirthDateFormat
        /// Whether the till writes local Chinese time (`2025-03-01 18:22:00`) or UTC (`2025-03-01T10:22:00Z`).
        let writesLocalTime: Bool
    }

    enum BirthDateFormat: Sendable, Hashable {
        case yearMonthDaySlash, yearMonthDayDash, monthDayYearSlash

        func text(_ date: CivilDate) -> String {
            switch self {
            case .yearMonthDaySlash: return "\(date.year)/\(CivilDate.two(date.month))/\(CivilDate.two(date.day))"
            case .yearMonthDayDash: return date.iso
            case .monthDayYearSlash: return "\(CivilDate.two(date.month))/\(CivilDate.two(date.day))/\(date.year)"
            }
        }
    }

    public static let stores: [Store] = [
        Store(
            code: "SH01", city: "上海", country: "CN", encoding: .gb18030, titleCaseHeader: false,
            birthDateFormat: .yearMonthDaySlash, writesLocalTime: true),
        Store(
            code: "BJ01", city: "北京", country: "CN", encoding: .gb18030, titleCaseHeader: true,
            birthDateFormat: .yearMonthDayDash, writesLocalTime: true),
        Store(
            code: "GZ01", city: "广州", country: "CN", encoding: .utf8BOM, titleCaseHeader: true,
            birthDateFormat: .yearMonthDaySlash, writesLocalTime: true),
        Store(
            code: "SZ01", city: "深圳", country: "CN", encoding: .utf8, titleCaseHeader: false,
            birthDateFormat: .yearMonthDayDash, writesLocalTime: true),
        Store(
            code: "NY01", city: "New York", country: "US", encoding: .utf8BOM, titleCaseHeader: true,
            birthDateFormat: .monthDayYearSlash, writesLocalTime: false),
        Store(
            code: "SF01", city: "San Francisco", country: "US", encoding: .utf8, titleCaseHeader: false,
            birthDateFormat: .monthDayYearSlash, writesLocalTime: false),
    ]

    /// The store of a household's city, or one in its country.
    static func homeStore(for address: Address, random: inout WorldRandom) -> Store {
        if let store = stores.first(where: { $0.city == address.city }) { return store }
        return random.pick(stores.filter { $0.country == address.country })
    }

    /// Another store of the same country (or the same one), where a member registers a second time.
    static func secondStore(after store: Store, random: inout WorldRandom) -> Store {
        random.chance(0.5) ? store : random.pick(stores.filter { $0.country == store.country })
    }
}

/// How a file's text is stored.
public enum FileEncoding: String, Sendable, Hashable {
    case utf8 = "UTF-8"
    /// UTF-8 starting with EF BB BF, as Excel writes "CSV UTF-8".
    case utf8BOM = "UTF-8 with BOM"
    /// GB18030 (a superset of GBK and GB2312), as Chinese POS software exports, encoded through glibc's iconv.
    case gb18030 = "GB18030"
}
