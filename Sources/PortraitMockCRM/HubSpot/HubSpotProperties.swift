/// The contact properties the HubSpot shape serves, in the alphabetical order HubSpot writes them.
struct HubSpotProperties: OptionSet, Sendable {
    let rawValue: UInt16

    init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    static let city = HubSpotProperties(rawValue: 1 << 0)
    static let company = HubSpotProperties(rawValue: 1 << 1)
    static let createdate = HubSpotProperties(rawValue: 1 << 2)
    static let email = HubSpotProperties(rawValue: 1 << 3)
    static let firstname = HubSpotProperties(rawValue: 1 << 4)
    static let hsObjectID = HubSpotProperties(rawValue: 1 << 5)
    static let lastmodifieddate = HubSpotProperties(rawValue: 1 << 6)
    static let lastname = HubSpotProperties(rawValue: 1 << 7)
    static let phone = HubSpotProperties(rawValue: 1 << 8)

    /// HubSpot adds these to every object whatever was asked for.
    static let alwaysIncluded: HubSpotProperties = [.createdate, .hsObjectID, .lastmodifieddate]
    /// What HubSpot returns for contacts when the request names no properties.
    static let defaults: HubSpotProperties = [.email, .firstname, .lastname, .alwaysIncluded]

    /// The set for the requested names plus ``alwaysIncluded``; names HubSpot would not know here are ignored,
    /// as HubSpot ignores properties that do not exist. An empty list means ``defaults``.
    init(requested names: [String]) {
        let names = names.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            self = .defaults
            return
        }
        var set = HubSpotProperties.alwaysIncluded
        for name in names {
            switch name.lowercased() {
            case "city": set.insert(.city)
            case "company": set.insert(.company)
            case "email": set.insert(.email)
            case "firstname": set.insert(.firstname)
            case "lastname": set.insert(.lastname)
            case "phone": set.insert(.phone)
            default: break
            }
        }
        self = set
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs, as list values such as `email, phone` are written.
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
