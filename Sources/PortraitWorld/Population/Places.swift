/// Cities, streets and postcodes for household addresses: most people live in a city with one of the stores.
enum Places {
    struct City: Sendable {
        let name: String
        let country: String
        /// Postcode prefix: the first three digits of a Chinese postcode, or a ZIP prefix.
        let postcodePrefix: String
        let streets: [String]
    }

    static let chinese = WeightedTable<City>([
        (
            City(
                name: "上海", country: "CN", postcodePrefix: "200",
                streets: ["张杨路", "淮海中路", "南京西路", "漕溪北路", "长寿路", "世纪大道"]), 4
        ),
        (City(name: "北京", country: "CN", postcodePrefix: "100", streets: ["朝阳路", "建国路", "中关村大街", "西直门外大街", "望京街"]), 4),
        (City(name: "广州", country: "CN", postcodePrefix: "510", streets: ["天河路", "环市东路", "中山五路", "江南大道"]), 3),
        (City(name: "深圳", country: "CN", postcodePrefix: "518", streets: ["深南大道", "华强北路", "科技园路", "福华路"]), 3),
        (City(name: "杭州", country: "CN", postcodePrefix: "310", streets: ["文三路", "延安路", "西湖大道"]), 1),
        (City(name: "成都", country: "CN", postcodePrefix: "610", streets: ["春熙路", "人民南路", "蜀汉路"]), 1),
    ])

    static let american = WeightedTable<City>([
        (
            City(
                name: "New York", country: "US", postcodePrefix: "100",
                streets: ["Broadway", "Lexington Ave", "W 57th St", "Park Ave", "Amsterdam Ave"]), 4
        ),
        (
            City(
                name: "San Francisco", country: "US", postcodePrefix: "941",
                streets: ["Market St", "Mission St", "Valencia St", "Geary Blvd"]), 3
        ),
        (
            City(
                name: "Boston", country: "US", postcodePrefix: "021",
                streets: ["Beacon St", "Commonwealth Ave", "Boylston St"]), 1
        ),
        (
            City(
                name: "Chicago", country: "US", postcodePrefix: "606",
                streets: ["Michigan Ave", "State St", "Halsted St"]), 1
        ),
        (
            City(
                name: "Seattle", country: "US", postcodePrefix: "981",
                streets: ["Pine St", "Aurora Ave N", "Rainier Ave S"]), 1
        ),
    ])

    /// A household's address in a city of its culture (a few Chinese households live in the US and the other way
    /// round, as customers of both markets do).
    static func address(culture: Culture, random: inout WorldRandom) -> Address {
        let chineseCity = (culture == .chinese) != random.chance(0.08)
        let city = chineseCity ? chinese.pick(&random) : american.pick(&random)
        let street = random.pick(city.streets)
        let postcode = city.postcodePrefix + String(random.between(chineseCity ? 100...999 : 10...99))
        let line1 =
            chineseCity
            ? "\(street)\(random.between(1...2999))号\(random.between(1...30))栋\(random.between(1...32))0\(random.between(1...6))室"
            : "\(random.between(1...2999)) \(street)" + (random.chance(0.4) ? " Apt \(random.between(1...40))" : "")
        return Address(line1: line1, city: city.name, postcode: postcode, country: city.country)
    }
}
