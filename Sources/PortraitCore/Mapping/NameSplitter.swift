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
        if let name = splitHanWord(text) { return name }
        if case .some(.some(let name)) = TextTransforms.withASCII(text, { splitASCII(text, $0) }) { return name }
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

    /// The rules above for one word of Han characters (`王小明`, `欧阳娜娜`), or nil for any other text.
    ///
    /// Hand-written for speed, as is `splitASCII`: in perf profiles of `MappingBenchmark`, splitting into words and
    /// `Character`s took about 1,400 ns per name; the whole step now takes about 350. Han ideographs never combine with
    /// a neighbour into one `Character`, so scalars are characters here.
    private static func splitHanWord(_ text: String) -> JSONValue? {
        let scalars = text.unicodeScalars
        var count = 0
        var second = scalars.startIndex
        var third = scalars.startIndex
        var index = scalars.startIndex
        while index != scalars.endIndex {
            guard isHan(scalars[index]) else { return nil }
            count += 1
            index = scalars.index(after: index)
            if count == 1 { second = index } else if count == 2 { third = index }
        }
        guard count > 1 else { return count == 1 ? name(given: text, family: nil, full: text) : nil }
        let familyEnd = count > 2 && compoundSurnames.contains(String(text[..<third])) ? third : second
        return name(given: String(text[familyEnd...]), family: String(text[..<familyEnd]), full: text)
    }

    /// The rules above for ASCII text without a comma: words at whitespace, the last one the family name.
    private static func splitASCII(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var words: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: ",") { return nil }
            let isSpace = byte == 0x20 || (0x09...0x0D).contains(byte)
            if isSpace, let wordStart = start {
                words.append(wordStart..<index)
                start = nil
            } else if !isSpace, start == nil {
                start = index
            }
        }
        if let start { words.append(start..<bytes.count) }
        func join(_ ranges: ArraySlice<Range<Int>>) -> String {
            if ranges.count == 1 {
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[ranges.first!]), as: UTF8.self)
            }
            var joined: [UInt8] = []
            for range in ranges {
                if !joined.isEmpty { joined.append(0x20) }
                joined.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            }
            return String(decoding: joined, as: UTF8.self)
        }
        guard let last = words.last else { return nil }
        let full = words.count == 1 && last == 0..<bytes.count ? text : join(words[...])
        guard words.count > 1 else { return name(given: full, family: nil, full: full) }
        return name(given: join(words.dropLast()), family: join([last]), full: full)
    }

    private static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF: return true  // CJK Unified Ideographs, all ideographic.
        case ..<0x3005: return false  // Nothing ideographic below the iteration mark.
        default: return scalar.properties.isIdeographic || scalar == "々"
        }
    }

    /// Han ideographs (and the iteration mark 々), the script of Chinese names written family-first.
    static func isHan(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.isIdeographic || $0 == "々" }
    }

    private static func name(given: String?, family: String?, full: String) -> JSONValue {
        var object = [String: JSONValue](minimumCapacity: 3)
        object["full"] = .string(full)
        if let given, !given.isEmpty { object["given"] = .string(given) }
        if let family, !family.isEmpty { object["family"] = .string(family) }
        return .object(object)
    }
}
