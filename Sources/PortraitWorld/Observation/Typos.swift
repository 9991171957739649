/// One typo in a word, as people make them: a character substituted, two adjacent ones transposed, or one
/// deleted. The result always differs from the input.
enum Typos {
    /// Keys next to each letter on a QWERTY keyboard: a substitution hits one of them.
    static let neighbours: [Character: [Character]] = {
        let rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"].map(Array.init)
        var map: [Character: [Character]] = [:]
        for (row, keys) in rows.enumerated() {
            for (column, key) in keys.enumerated() {
                var near: [Character] = []
                if column > 0 { near.append(keys[column - 1]) }
                if column + 1 < keys.count { near.append(keys[column + 1]) }
                for other in [row - 1, row + 1] where rows.indices.contains(other) {
                    for offset in [column - 1, column, column + 1] where rows[other].indices.contains(offset) {
                        near.append(rows[other][offset])
                    }
                }
                map[key] = near
            }
        }
        return map
    }()

    /// `word` with one typo among the characters `isEditable` accepts (letters of a name, or the alphanumerics of
    /// an email's local part); deletions only where `canDelete` allows. Returns `word` unchanged only if no
    /// character is editable.
    static func latin(
        _ word: String, random: inout WorldRandom, isEditable: (Character) -> Bool = { $0.isLetter },
        canDelete: ([Character], Int) -> Bool = { characters, _ in characters.count >= 4 }
    ) -> String {
        var characters = Array(word)
        let editable = characters.indices.filter { isEditable(characters[$0]) }
        guard !editable.isEmpty else { return word }
        let choice = random.below(10)
        if choice < 3 {
            let pairs = editable.filter {
                $0 + 1 < characters.count && isEditable(characters[$0 + 1])
                    && characters[$0].lowercased() != characters[$0 + 1].lowercased()
            }
            if !pairs.isEmpty {
                let at = random.pick(pairs)
                characters.swapAt(at, at + 1)
                return String(characters)
            }
        } else if choice < 6 {
            let deletable = editable.filter { canDelete(characters, $0) }
            if !deletable.isEmpty {
                characters.remove(at: random.pick(deletable))
                return String(characters)
            }
        }
        let at = random.pick(editable)
        characters[at] = substitute(for: characters[at], random: &random)
        return String(characters)
    }

    /// A Han given name with one typo: a homophone substituted (what a pinyin input method gives), or, in a
    /// two-character name, the characters transposed or one deleted. The family name is left alone, so a typo never
    /// looks like the name written in the other order.
    static func han(given: String, random: inout WorldRandom) -> String {
        var characters = Array(given)
        let choice = random.below(10)
        if characters.count >= 2 && choice < 2 && characters[0] != characters[1] {
            characters.swapAt(0, 1)
        } else if characters.count >= 2 && choice < 4 {
            characters.remove(at: random.below(characters.count))
        } else {
            let at = random.below(characters.count)
            characters[at] = ChineseNames.homophone(of: characters[at], random: &random)
        }
        return String(characters)
    }

    /// A different character a hurried finger would hit instead: a neighbouring key (case kept), another digit,
    /// or, for letters with no key of their own (é), another letter.
    private static func substitute(for character: Character, random: inout WorldRandom) -> Character {
        if character.isNumber {
            var digit = Character(String(random.below(10)))
            while digit == character { digit = Character(String(random.below(10))) }
            return digit
        }
        let lower = Character(character.lowercased())
        let near = neighbours[lower] ?? Array("etaoinshrdlu").filter { $0 != lower }
        let replacement = random.pick(near)
        return character.isUppercase ? Character(replacement.uppercased()) : replacement
    }
}
