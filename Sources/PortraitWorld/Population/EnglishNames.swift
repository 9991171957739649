/// English given and family names weighted roughly by US frequency, so that John Smith is many people, with the
/// short forms people sign up with (Bill, Liz) and a few names that are not plain ASCII (Chloé, O'Brien).
enum EnglishNames {
    static let families = WeightedTable<String>(
        [
            ("Smith", 8.3), ("Johnson", 6.6), ("Williams", 5.5), ("Brown", 4.9), ("Jones", 4.8), ("Garcia", 3.9),
            ("Miller", 3.9), ("Davis", 3.8), ("Rodriguez", 3.6), ("Martinez", 3.5), ("Hernandez", 3.4), ("Lopez", 2.8),
            ("Gonzalez", 2.7), ("Wilson", 2.7), ("Anderson", 2.6), ("Thomas", 2.6), ("Taylor", 2.5), ("Moore", 2.4),
            ("Jackson", 2.4), ("Martin", 2.4), ("Lee", 2.3), ("Perez", 2.0), ("Thompson", 2.0), ("White", 2.0),
            ("Harris", 1.8), ("Sanchez", 1.8), ("Clark", 1.7), ("Ramirez", 1.7), ("Lewis", 1.6), ("Robinson", 1.6),
            ("Walker", 1.6), ("Young", 1.5), ("Allen", 1.5), ("King", 1.5), ("Wright", 1.5), ("Scott", 1.4),
            ("Torres", 1.3), ("Nguyen", 1.3), ("Hill", 1.3), ("Flores", 1.3), ("Green", 1.3), ("Adams", 1.3),
            ("Nelson", 1.3), ("Baker", 1.2), ("Hall", 1.2), ("Rivera", 1.2), ("Campbell", 1.2), ("Mitchell", 1.2),
            ("Carter", 1.2), ("Roberts", 1.2), ("Phillips", 1.0), ("Evans", 1.0), ("Turner", 1.0), ("Parker", 0.9),
            ("Collins", 0.9), ("Edwards", 0.9), ("Stewart", 0.9), ("Morris", 0.9), ("Murphy", 0.9), ("Cook", 0.8),
            ("Rogers", 0.8), ("Morgan", 0.8), ("Cooper", 0.8), ("Peterson", 0.8), ("Bailey", 0.8), ("Reed", 0.8),
            ("Kelly", 0.8), ("Howard", 0.7), ("Cox", 0.7), ("Ward", 0.7), ("Richardson", 0.7), ("Watson", 0.7),
            ("Brooks", 0.7), ("Wood", 0.7), ("James", 0.7), ("Bennett", 0.7), ("Gray", 0.7), ("Hughes", 0.6),
            ("Price", 0.6), ("Myers", 0.6), ("Long", 0.6), ("Foster", 0.6), ("Sanders", 0.6), ("Ross", 0.6),
            ("O'Brien", 0.4), ("O'Connor", 0.3), ("McDonald", 0.4), ("MacLeod", 0.1), ("Van der Berg", 0.05),
        ])

    struct Given: Sendable {
        let name: String
        let nicknames: [String]
    }

    static let given: [Gender: WeightedTable<Given>] = [
        .male: table([
            ("James", "Jim Jimmy", 3.3), ("John", "Jack Johnny", 3.2), ("Robert", "Bob Rob", 3.1),
            ("Michael", "Mike", 2.6),
            ("William", "Bill Will", 2.4), ("David", "Dave", 2.4), ("Richard", "Rick", 1.5),
            ("Charles", "Charlie", 1.4),
            ("Joseph", "Joe", 1.3), ("Thomas", "Tom", 1.3), ("Christopher", "Chris", 1.0), ("Daniel", "Dan Danny", 1.0),
            ("Paul", "", 0.9), ("Mark", "", 0.9), ("Donald", "Don", 0.9), ("George", "", 0.9), ("Kenneth", "Ken", 0.8),
            ("Steven", "Steve", 0.8), ("Edward", "Ed Ted", 0.8), ("Brian", "", 0.7), ("Ronald", "Ron", 0.7),
            ("Anthony", "Tony", 0.7), ("Kevin", "", 0.6), ("Jason", "", 0.6), ("Matthew", "Matt", 0.6),
            ("Gary", "", 0.6),
            ("Timothy", "Tim", 0.5), ("Jose", "", 0.5), ("Larry", "", 0.5), ("Jeffrey", "Jeff", 0.5),
            ("Frank", "", 0.5),
            ("Scott", "", 0.5), ("Eric", "", 0.5), ("Stephen", "Steve", 0.5), ("Andrew", "Andy", 0.5),
            ("Raymond", "Ray", 0.4),
            ("Gregory", "Greg", 0.4), ("Joshua", "Josh", 0.4), ("Patrick", "Pat", 0.4), ("Peter", "Pete", 0.4),
            ("Samuel", "Sam", 0.3), ("Benjamin", "Ben", 0.3), ("Alexander", "Alex", 0.3), ("Nicholas", "Nick", 0.3),
            ("Jonathan", "Jon", 0.3), ("Ryan", "", 0.3), ("Liam", "", 0.2), ("Noah", "", 0.2), ("Oliver", "Ollie", 0.2),
            ("Ethan", "", 0.2), ("Seán", "", 0.05),
        ]),
        .female: table([
            ("Mary", "", 2.6), ("Patricia", "Pat Patty", 1.1), ("Linda", "", 1.0), ("Barbara", "Barb", 1.0),
            ("Elizabeth", "Liz Beth", 0.9), ("Jennifer", "Jen Jenny", 0.9), ("Maria", "", 0.8), ("Susan", "Sue", 0.8),
            ("Margaret", "Maggie Peggy", 0.8), ("Dorothy", "Dot", 0.7), ("Lisa", "", 0.7), ("Nancy", "", 0.7),
            ("Karen", "", 0.7), ("Betty", "", 0.7), ("Helen", "", 0.6), ("Sandra", "Sandy", 0.6), ("Donna", "", 0.6),
            ("Carol", "", 0.6), ("Ruth", "", 0.5), ("Sharon", "", 0.5), ("Michelle", "Shelly", 0.5), ("Laura", "", 0.5),
            ("Sarah", "", 0.5), ("Kimberly", "Kim", 0.5), ("Deborah", "Debbie", 0.5), ("Jessica", "Jess", 0.5),
            ("Shirley", "", 0.4), ("Cynthia", "Cindy", 0.4), ("Angela", "Angie", 0.4), ("Melissa", "Mel", 0.4),
            ("Emily", "Em", 0.4), ("Emma", "", 0.3), ("Olivia", "Liv", 0.3), ("Ava", "", 0.3),
            ("Sophia", "Sophie", 0.3),
            ("Rebecca", "Becky", 0.3), ("Katherine", "Kate Kathy", 0.3), ("Stephanie", "Steph", 0.3),
            ("Victoria", "Vicky", 0.2), ("Samantha", "Sam", 0.2), ("Chloé", "", 0.05), ("Zoë", "", 0.05),
        ]),
    ]

    /// An English name for a person of `gender`; `family` when the household gives it.
    static func name(gender: Gender, family: String?, random: inout WorldRandom) -> PersonName {
        let family = family ?? families.pick(&random)
        let given = self.given[gender]!.pick(&random)
        let nickname = given.nicknames.isEmpty ? nil : random.pick(given.nicknames)
        return PersonName(
            family: family, given: given.name, familyLatin: family, givenLatin: given.name, nickname: nickname)
    }

    private static func table(_ entries: [(String, String, Double)]) -> WeightedTable<Given> {
        WeightedTable(
            entries.map { (Given(name: $0.0, nicknames: $0.1.split(separator: " ").map(String.init)), $0.2) })
    }
}
