/// A person's name split into family and given name, normalised with `IdentityText` so that sources which
/// spell, order and space names differently produce equal values for the same name.
public struct PersonName: Hashable, Sendable, Codable {
    /// The family name, normalised; empty when the source gave none (`John`, or `伟` alone).
    public var family: String
    /// The given names, normalised, middle names kept (`mary ann`); empty when only a family name is known.
    public var given: String
    /// The name is written in Han characters: family name first, no space between the parts.
    public var isHan: Bool

    /// A name whose parts are already normalised (for tests and stored features); nothing is checked.
    public init(family: String, given: String, isHan: Bool) {
        self.family = family
        self.given = given
        self.isHan = isHan
    }

    /// The name from whatever parts a source has, or nil when nothing usable remains.
    ///
    /// - Separate `given` and `family` are trusted as the source split them (a Han part loses inner spaces:
    ///   `张 三丰` is `张三丰`). When one of them is missing and `full` splits into the same other part, the
    ///   missing part is taken from `full`.
    /// - Otherwise `full` is split:
    ///   - `Family, Given` (ASCII or full-width comma) as written.
    ///   - Han names family name first, whatever the spacing: `张伟`, `张 伟` and `伟 张` are all family 张, given 伟.
    ///     Without a space the family name is the first character, or the first two when they are a compound
    ///     surname (欧阳, 司马, 诸葛 …) and a given name remains (`欧阳娜娜` is 欧阳 + 娜娜). With spaces, the words
    ///     are swapped when the first is not a common surname but the last is (`伟 张`, `娜娜 欧阳`); `伟张`
    ///     without a space is never swapped, since 伟 might be a rare surname. A transliterated name with a middle
    ///     dot (`迈克尔·杰克逊`) is given names first, the family name after the last dot.
    ///   - Other names in Western order: the last word is the family name, the words before it the given name
    ///     (`Mary Ann Smith` is `mary ann` + `smith`); one word is a given name only.
    /// - Titles are dropped: `Mr`, `Mrs`, `Ms`, `Miss`, `Mx`, `Dr`, `Prof` in front and `Jr`, `Sr`, `II`, `III`,
    ///   `IV` behind a Western name; a Han given name that is only an honorific (`王先生`, `李女士`, `陈小姐`) is
    ///   dropped, leaving the family name.
    /// - Parts that are placeholders (`IdentityText.isPlaceholder`: `unknown`, `n/a`, `test`, `xxx`) count as
    ///   missing. Nil when neither a given nor a family name remains.
    public init?(given: String?, family: String?, full: String?) {
        let givenPart = PersonName.part(given)
        let familyPart = PersonName.part(family)
        if !givenPart.isEmpty || !familyPart.isEmpty {
            let isHan = IdentityText.isHan(familyPart + givenPart)
            var name = PersonName(
                family: isHan ? PersonName.withoutSpaces(familyPart) : familyPart,
                given: isHan ? PersonName.withoutSpaces(givenPart) : givenPart, isHan: isHan)
            if isHan { name.reorderHan() }
            if name.given.isEmpty || name.family.isEmpty, let parsed = PersonName.parse(full) {
                if name.given.isEmpty, parsed.family == name.family { name.given = parsed.given }
                if name.family.isEmpty, parsed.given == name.given { name.family = parsed.family }
            }
            name.dropHonorific()
            guard !name.given.isEmpty || !name.family.isEmpty else { return nil }
            self = name
            return
        }
        guard var parsed = PersonName.parse(full) else { return nil }
        parsed.dropHonorific()
        guard !parsed.given.isEmpty || !parsed.family.isEmpty else { return nil }
        self = parsed
    }

    /// The whole name: family then given with no space for a Han name (`张伟`), `given family` otherwise
    /// (`mary ann smith`).
    public var full: String {
        if isHan { return family + given }
        if given.isEmpty { return family }
        if family.isEmpty { return given }
        return given + " " + family
    }
}

// MARK: - Splitting

extension PersonName {
    /// A normalised part, empty when missing or a placeholder.
    private static func part(_ text: String?) -> String {
        guard let text else { return "" }
        let normalized = IdentityText.normalized(text)
        return IdentityText.isPlaceholder(normalized) ? "" : normalized
    }

    private static func withoutSpaces(_ text: String) -> String {
        text.contains(" ") ? text.split(separator: " ").joined() : text
    }

    /// `full` split by the rules of `init(given:family:full:)`, honorifics not yet dropped.
    private static func parse(_ full: String?) -> PersonName? {
        guard let full else { return nil }
        let text = part(full)
        guard !text.isEmpty else { return nil }

        let commas = full.indices.filter { full[$0] == "," || full[$0] == "，" }
        if commas.count == 1, let comma = commas.first {
            let family = part(String(full[..<comma]))
            let given = part(String(full[full.index(after: comma)...]))
            if !family.isEmpty, !given.isEmpty {
                let isHan = IdentityText.isHan(family + given)
                return isHan
                    ? PersonName(family: withoutSpaces(family), given: withoutSpaces(given), isHan: true)
                    : PersonName(family: family, given: given, isHan: false)
            }
        }

        let words = text.split(separator: " ").map(String.init)
        if IdentityText.isHan(text) {
            let transliterated = full.unicodeScalars.contains { "·・•･".unicodeScalars.contains($0) }
            if transliterated, words.count > 1 {
                return PersonName(family: words[words.count - 1], given: words.dropLast().joined(), isHan: true)
            }
            return splitHan(words)
        }

        var latin = words[...]
        while latin.count > 1, let first = latin.first, titles.contains(first) { latin.removeFirst() }
        while latin.count > 1, let last = latin.last, suffixes.contains(last) { latin.removeLast() }
        guard let family = latin.last else { return nil }
        if latin.count == 1 { return PersonName(family: "", given: family, isHan: false) }
        return PersonName(family: family, given: latin.dropLast().joined(separator: " "), isHan: false)
    }

    /// A Han name from its words (one word when written without spaces).
    private static func splitHan(_ words: [String]) -> PersonName {
        let joined = words.joined()
        let characters = Array(joined.unicodeScalars)
        func name(familyLength: Int) -> PersonName {
            PersonName(
                family: String(String.UnicodeScalarView(characters[..<familyLength])),
                given: String(String.UnicodeScalarView(characters[familyLength...])), isHan: true)
        }
        // A compound surname at the front; with spaces only when they split it (`欧 阳娜娜`, `欧 阳 娜 娜`).
        let compound =
            characters.count > 2 && compoundSurnames.contains(String(String.UnicodeScalarView(characters[..<2])))
        if words.count == 1 {
            if characters.count == 1 { return PersonName(family: "", given: joined, isHan: true) }
            return name(familyLength: compound ? 2 : 1)
        }
        let first = words[0]
        let last = words[words.count - 1]
        if compound, first.unicodeScalars.count < 2 { return name(familyLength: 2) }
        if isSurname(first) { return PersonName(family: first, given: words.dropFirst().joined(), isHan: true) }
        if isSurname(last) { return PersonName(family: last, given: words.dropLast().joined(), isHan: true) }
        return PersonName(family: first, given: words.dropFirst().joined(), isHan: true)
    }

    /// Sources put Han names in the wrong fields (`firstname: 王`, `lastname: 斌`, or a reversed full name split
    /// by a Western splitter into `建` and `华吴`): when the family part is not a known surname, the surname is
    /// looked for in the given part, then at the end and the front of the whole name.
    private mutating func reorderHan() {
        guard !family.isEmpty, !PersonName.isSurname(family) else { return }
        if PersonName.isSurname(given) {
            swap(&family, &given)
            return
        }
        let characters = Array((family + given).unicodeScalars)
        guard characters.count >= 2 else { return }
        func text(_ slice: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(slice)) }
        for length in [2, 1] where characters.count > length {
            let tail = text(characters[(characters.count - length)...])
            if PersonName.isSurname(tail) {
                (family, given) = (tail, text(characters[..<(characters.count - length)]))
                return
            }
        }
        for length in [2, 1] where characters.count > length {
            let head = text(characters[..<length])
            if PersonName.isSurname(head) {
                (family, given) = (head, text(characters[length...]))
                return
            }
        }
    }

    private mutating func dropHonorific() {
        if isHan, !family.isEmpty, PersonName.honorifics.contains(given) { given = "" }
    }

    private static func isSurname(_ word: String) -> Bool {
        commonSurnames.contains(word) || compoundSurnames.contains(word)
    }

    /// Words in front of a Western name that are not part of it.
    private static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof"]
    /// Words behind a Western name that are not the family name.
    private static let suffixes: Set<String> = ["jr", "sr", "ii", "iii", "iv"]
    /// Forms of address written after a Chinese family name in place of the given name.
    private static let honorifics: Set<String> = ["先生", "女士", "小姐", "太太", "夫人", "老师", "师傅"]

    /// The 100 commonest Chinese single-character surnames (the 2020 household-register ranking), with the
    /// traditional forms that differ. Kept to the commonest on purpose: the list decides whether `X Y` is swapped,
    /// and a longer list would take in characters that are mostly given names (明, 华, 文, 平).
    static let commonSurnames: Set<String> = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗",
        "郑", "梁", "谢", "宋", "唐", "许", "韩", "邓", "冯", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余",
        "于", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "卢", "姚", "沈", "钟", "姜", "崔", "谭", "陆", "范", "汪", "廖",
        "石", "金", "韦", "贾", "夏", "付", "方", "邹", "熊", "白", "孟", "秦", "邱", "侯", "江", "尹", "薛", "闫", "段", "雷",
        "龙", "黎", "史", "陶", "贺", "毛", "郝", "顾", "龚", "邵", "万", "覃", "武", "钱", "戴", "严", "欧", "莫", "孔", "向",
        // Traditional forms.
        "張", "劉", "陳", "楊", "黃", "趙", "吳", "孫", "馬", "郭", "羅", "鄭", "謝", "許", "韓", "鄧", "馮", "蕭", "蔣", "葉",
        "蘇", "呂", "盧", "鍾", "譚", "陸", "韋", "賈", "鄒", "閆", "龍", "賀", "顧", "龔", "萬", "錢", "嚴", "歐",
    ]

    /// Two-character Chinese surnames, simplified and traditional.
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
        "轩辕", "钟离", "端木", "西门", "南宫", "独孤", "百里", "呼延", "澹台", "太史", "申屠", "闻人", "赫连", "万俟",
        "濮阳", "淳于", "单于", "仲孙", "东郭", "拓跋", "公羊", "左丘", "第五", "谷梁", "宰父", "梁丘", "段干", "亓官",
        "歐陽", "司馬", "諸葛", "東方", "尉遲", "公孫", "長孫", "軒轅", "鍾離", "西門", "南宮", "獨孤", "聞人", "赫連",
        "萬俟", "濮陽", "單于", "東郭",
    ]
}
