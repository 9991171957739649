/// The `gender` step: common spellings to the canonical `female`, `male`, `non_binary`, `other`, `unknown`.
///
/// The codes `0`, `1`, `2`, `9` follow ISO/IEC 5218 (not known, male, female, not applicable), which is also
/// what Chinese systems (GB/T 2261.1) use. `9` and "prefer not to say" (保密) map to `unknown`, since the
/// canonical set has no separate "declined". `x` is `non_binary`, as on the identity documents that use it.
/// Matching ignores case and surrounding spaces. Other spellings fail
/// with a pointer to the `map` transform rather than guessing.
///
/// An empty value maps to `unknown` here, but the mapping treats empty source values as absent before any
/// transform runs, so a blank cell gives no `gender` at all rather than `unknown`.
enum GenderMap {
    static let spellings: [String: Gender] = {
        var table: [String: Gender] = [:]
        let groups: [(Gender, [String])] = [
            (.male, ["m", "male", "man", "boy", "mr", "1", "男", "男性", "男士", "先生"]),
            (.female, ["f", "female", "woman", "girl", "mrs", "ms", "miss", "2", "女", "女性", "女士", "小姐"]),
            (
                .nonBinary,
                [
                    "non_binary", "non-binary", "nonbinary", "non binary", "nb", "enby", "genderqueer", "x",
                    "非二元", "非二元性别",
                ]
            ),
            (.other, ["other", "o", "diverse", "其他", "其它"]),
            (
                .unknown,
                [
                    "", "unknown", "u", "unk", "0", "9", "n/a", "na", "none", "not known", "not specified",
                    "unspecified", "prefer not to say", "prefer_not_to_say", "declined", "未知", "保密", "不详",
                ]
            ),
        ]
        for (gender, words) in groups {
            for word in words { table[word] = gender }
        }
        return table
    }()

    static func gender(for text: String, original: JSONValue) throws(TransformFailure) -> String {
        let key = TextTransforms.trimmed(text).lowercased()
        if let gender = spellings[key] { return gender.rawValue }
        throw TransformFailure(
            original,
            "is not a gender spelling the gender transform knows (use a map transform for this source's codes)")
    }
}
