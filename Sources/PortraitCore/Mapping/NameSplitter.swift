/// The `split_name` step: one full-name field to `{given, family, full}`.
///
/// The rules, in order:
/// - `Family, Given` (ASCII or full-width comma): as written; `full` becomes `Given Family`.
/// - Han characters only (spaces allowed): family name first. The family is the first character, or the
///   first two for a compound surname (欧阳, 司马, …) when a given name remains: `王小明` is 王 + 小明,
///   `欧阳娜娜` is 欧阳 + 娜娜. With a space (`王 小明`) the space decides.
/// - A transliterated name with a middle dot (`迈克尔·杰克逊`): given first, family last, as the dot separates.
/// - Otherwise Western order: the last word is the family, the words before it the given name
///   (`Mary Ann Smith` is Mary Ann + Smith).
/// - A single word is taken as the given name only, with no family: one word more often is what people call
///   themselves (a nickname, a WeChat name) than a surname, and a wrong family name is worse for identity
///   matching than a missing one.
enum NameSplitter {
    /// Two-character Chinese surnames; a name starting with one of these keeps both characters as family.
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
        "轩辕", "令狐", "钟离", "端木", "西门", "南宫", "独孤", "百里", "呼延", "澹台", "太史", "申屠", "闻人",
        "赫连", "万俟", "濮阳", "淳于", "单于", "仲孙", "东郭", "拓跋", "歐陽", "司馬", "諸葛", "東方", "長孫",
        "鍾離", "獨孤",
    ]

    static func split(_ text: String, original: JSONValue) throws(TransformFailure) -> JSONValue {
        let words = TextTransforms.trimmed(text).split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { throw TransformFailure(original, "is not a name") }
        let collapsed = words.joined(separator: " ")

        if let comma = collapsed.firstIndex(where: { $0 == "," || $0 == "，" }) {
            let family = TextTransforms.trimmed(String(collapsed[..<comma]))
            let given = TextTransforms.trimmed(String(collapsed[collapsed.index(after: comma)...]))
            guard !family.isEmpty, !given.isEmpty, !given.contains(where: { $0 == "," || $0 == "，" }) else {
                throw TransformFailure(original, "is not a name in 'Family, Given' form")
            }
            let full = isHan(family + given) ? family + given : "\(given) \(family)"
            return name(given: given, family: family, full: full)
        }
        if isHan(words.joined()) {
            if words.count == 2 { return name(given: words[1], family: words[0], full: words.joined()) }
            let joined = words.joined()
            let characters = Array(joined)
            guard characters.count > 1 else { return name(given: joined, family: nil, full: joined) }
            let familyLength = characters.count > 2 && compoundSurnames.contains(String(characters[0..<2])) ? 2 : 1
            return name(
                given: String(characters[familyLength...]), family: String(characters[..<familyLength]), full: joined)
        }
        if words.count == 1, words[0].contains("·") || words[0].contains("•") {
            let parts = words[0].split(whereSeparator: { $0 == "·" || $0 == "•" }).map(String.init)
            if parts.count >= 2 {
                return name(given: parts.dropLast().joined(separator: "·"), family: parts.last, full: words[0])
            }
        }
        guard words.count > 1 else { return name(given: words[0], family: nil, full: words[0]) }
        return name(given: words.dropLast().joined(separator: " "), family: words.last, full: collapsed)
    }

    /// Han ideographs (and the iteration mark 々), the script of Chinese names written family-first.
    static func isHan(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.isIdeographic || $0 == "々" }
    }

    private static func name(given: String?, family: String?, full: String) -> JSONValue {
        var object: [String: JSONValue] = ["full": .string(full)]
        if let given, !given.isEmpty { object["given"] = .string(given) }
        if let family, !family.isEmpty { object["family"] = .string(family) }
        return .object(object)
    }
}
