/// Draws how one record sees a person: which optional fields it keeps, and each field as that record writes it.
///
/// Every draw comes from the observation stream, separate from the population's, and each record draws afresh,
/// so two records of one person are distorted independently and the rates of `WorldConfig.Noise` hold per record.
struct Observer {
    let noise: WorldConfig.Noise
    var random: WorldRandom

    init(config: WorldConfig) {
        noise = config.noise
        random = WorldRandom(seed: config.seed, stream: 2)
    }

    /// Whether a record keeps an optional field (`missingFieldRate` leaves it empty).
    mutating func keeps() -> Bool {
        !random.chance(noise.missingFieldRate)
    }

    mutating func name(_ person: Person) -> ObservedName {
        ObservedName.draw(person, noise: noise, random: &random)
    }

    /// One of the person's addresses (the work one about half the time for people who have one), with the
    /// typo and case noise.
    mutating func email(_ person: Person) -> String {
        var email = person.alternateEmail.map { random.chance(0.5) ? $0 : person.email } ?? person.email
        guard let at = email.firstIndex(of: "@") else { return email }
        if random.chance(noise.typoRate) {
            let local = Typos.latin(
                String(email[..<at]), random: &random, isEditable: { $0.isLetter || $0.isNumber },
                canDelete: { characters, index in
                    // Never empty a part between dots or underscores, so the address stays well formed.
                    let separators: Set<Character> = [".", "_"]
                    let before = index > 0 && !separators.contains(characters[index - 1])
                    let after = index + 1 < characters.count && !separators.contains(characters[index + 1])
                    return characters.count >= 3 && (before || after)
                })
            email = local + email[at...]
        }
        if random.chance(noise.caseRate) {
            email = random.chance(0.3) ? email.uppercased() : Self.capitalizingParts(email)
        }
        return email
    }

    /// The phone as a silo whose home country is `home` writes it: national forms only for that country's
    /// numbers (the silo's mapping reads national numbers as `home`), international forms for any.
    mutating func phone(_ person: Person, home: PhoneNumber.Country) -> String {
        let phone = person.phone
        let national = phone.country == home && random.chance(0.75)
        let n = Array(phone.national)
        switch (phone.country, national) {
        case (.cn, true):
            let (a, b, c) = (String(n[0..<3]), String(n[3..<7]), String(n[7...]))
            return random.pick(["\(a)\(b)\(c)", "\(a) \(b) \(c)", "\(a)-\(b)-\(c)", "86\(a)\(b)\(c)"])
        case (.cn, false):
            let (a, b, c) = (String(n[0..<3]), String(n[3..<7]), String(n[7...]))
            return random.pick(["+86 \(a) \(b) \(c)", "+86\(a)\(b)\(c)", "+86-\(a)-\(b)-\(c)", "0086 \(a) \(b) \(c)"])
        case (.us, true):
            let (a, b, c) = (String(n[0..<3]), String(n[3..<6]), String(n[6...]))
            return random.pick(["(\(a)) \(b)-\(c)", "\(a)-\(b)-\(c)", "\(a).\(b).\(c)", "\(a)\(b)\(c)"])
        case (.us, false):
            let (a, b, c) = (String(n[0..<3]), String(n[3..<6]), String(n[6...]))
            return random.pick(["+1 \(a)-\(b)-\(c)", "+1 (\(a)) \(b)-\(c)", "+1\(a)\(b)\(c)", "001 \(a) \(b) \(c)"])
        }
    }

    /// The birth date, day and month swapped at `birthDateSwapRate` where that still makes a date.
    mutating func birthDate(_ person: Person) -> CivilDate {
        guard let swapped = person.birthDate.swappedDayAndMonth, random.chance(noise.birthDateSwapRate) else {
            return person.birthDate
        }
        return swapped
    }

    /// An instant in `lower..<upper` (milliseconds).
    mutating func time(from lower: Int64 = WorldCalendar.start, to upper: Int64 = WorldCalendar.end) -> Int64 {
        random.between(lower, max(upper, lower + 1))
    }

    /// `John.Smith@Gmail.com`: the first letter of each part upper-cased, as some people type their address.
    private static func capitalizingParts(_ email: String) -> String {
        var result = ""
        var startOfPart = true
        for character in email {
            result.append(startOfPart ? Character(character.uppercased()) : character)
            startOfPart = !(character.isLetter || character.isNumber)
        }
        return result
    }
}
