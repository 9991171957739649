/// A person's name as one record writes it: script, order, spacing, case and typos drawn for that record.
struct ObservedName {
    var family: String
    var given: String
    /// Han characters (no case, no word spacing of their own) or Latin letters.
    var isHan: Bool
    var givenFirst: Bool
    /// Between the two parts in a full name: `""` (张伟), `" "`, `"  "`.
    var separator: String
    /// Spaces around the full name (or after a CRM field), from the spacing noise.
    var padding: String

    /// The name in one field: `张伟`, `伟 张`, `Wei Zhang`, ` JOHN SMITH `.
    var full: String {
        padding + (givenFirst ? given + separator + family : family + separator + given) + padding
    }

    /// The name as a CRM's two fields take it: first name the given name, unless the record writes the name
    /// in the other order, which puts it in the wrong fields (a reversed Han name, or pinyin family-first, as
    /// when someone types `Zhang` into First name).
    var fields: (first: String, last: String) {
        let swapped = isHan ? givenFirst : !givenFirst
        return swapped ? (family + padding, given) : (given + padding, family)
    }

    /// Draws how a record writes `person`'s name.
    static func draw(_ person: Person, noise: WorldConfig.Noise, random: inout WorldRandom) -> ObservedName {
        let name = person.name
        var observed: ObservedName
        switch person.culture {
        case .chinese where !random.chance(noise.romanizedChineseNameRate):
            observed = ObservedName(
                family: name.family, given: name.given, isHan: true,
                givenFirst: random.chance(noise.chineseNameReversedRate),
                separator: random.chance(noise.chineseNameSpaceRate) ? " " : "", padding: "")
        case .chinese:
            observed = ObservedName(
                family: name.familyLatin, given: name.givenLatin, isHan: false, givenFirst: random.chance(0.5),
                separator: " ", padding: "")
        case .english:
            let given = name.nickname.map { random.chance(noise.nicknameRate) ? $0 : name.given } ?? name.given
            observed = ObservedName(
                family: name.family, given: given, isHan: false, givenFirst: true, separator: " ", padding: "")
        }
        if random.chance(noise.typoRate) {
            if observed.isHan {
                observed.given = Typos.han(given: observed.given, random: &random)
            } else if random.chance(0.5) {
                observed.given = Typos.latin(observed.given, random: &random)
            } else {
                observed.family = Typos.latin(observed.family, random: &random)
            }
        }
        guard !observed.isHan else { return observed }
        if random.chance(noise.caseRate) {
            let upper = random.chance(0.5)
            observed.given = upper ? observed.given.uppercased() : observed.given.lowercased()
            observed.family = upper ? observed.family.uppercased() : observed.family.lowercased()
        }
        if random.chance(noise.spacingRate) {
            switch random.below(3) {
            case 0: observed.separator = "  "
            case 1: observed.padding = " "
            default: observed.separator = ""
            }
        }
        return observed
    }
}
