/// Chinese family and given names with their pinyin, weighted roughly as they occur, so that 张伟 and 王芳 belong to
/// many different people, and compound surnames (欧阳, 司马, 诸葛, …) appear often enough to be met.
enum ChineseNames {
    struct Syllables: Sendable {
        let han: String
        let pinyin: String
    }

    /// Family names with their share of the population in percent (after the 2020 census tables), and the
    /// compound surnames that `split_name` knows, weighted up from their real rarity so a 5,000-person world has
    /// some.
    static let families = WeightedTable<Syllables>(
        [
            ("王", "wang", 7.12), ("李", "li", 7.19), ("张", "zhang", 6.83), ("刘", "liu", 5.38), ("陈", "chen", 4.53),
            ("杨", "yang", 3.08), ("黄", "huang", 2.23), ("赵", "zhao", 2.29), ("吴", "wu", 2.05), ("周", "zhou", 1.89),
            ("徐", "xu", 1.48), ("孙", "sun", 1.48), ("马", "ma", 1.32), ("朱", "zhu", 1.24), ("胡", "hu", 1.16),
            ("郭", "guo", 1.14), ("何", "he", 1.06), ("林", "lin", 1.03), ("高", "gao", 1.04), ("罗", "luo", 0.86),
            ("郑", "zheng", 0.78), ("梁", "liang", 0.78), ("谢", "xie", 0.68), ("宋", "song", 0.62), ("唐", "tang", 0.61),
            ("许", "xu", 0.56), ("韩", "han", 0.56), ("冯", "feng", 0.55), ("邓", "deng", 0.53), ("曹", "cao", 0.51),
            ("彭", "peng", 0.5), ("曾", "zeng", 0.48), ("肖", "xiao", 0.47), ("田", "tian", 0.45), ("董", "dong", 0.44),
            ("袁", "yuan", 0.43), ("潘", "pan", 0.41), ("于", "yu", 0.41), ("蒋", "jiang", 0.4), ("蔡", "cai", 0.39),
            ("余", "yu", 0.38), ("杜", "du", 0.38), ("叶", "ye", 0.38), ("程", "cheng", 0.37), ("苏", "su", 0.36),
            ("魏", "wei", 0.36), ("吕", "lv", 0.35), ("丁", "ding", 0.34), ("任", "ren", 0.34), ("沈", "shen", 0.33),
            ("姚", "yao", 0.32), ("卢", "lu", 0.31), ("姜", "jiang", 0.3), ("崔", "cui", 0.29), ("钟", "zhong", 0.28),
            ("谭", "tan", 0.27), ("陆", "lu", 0.26), ("汪", "wang", 0.25), ("范", "fan", 0.25), ("金", "jin", 0.24),
            ("石", "shi", 0.24), ("廖", "liao", 0.23), ("贾", "jia", 0.22), ("夏", "xia", 0.22), ("韦", "wei", 0.21),
            ("付", "fu", 0.21), ("方", "fang", 0.2), ("白", "bai", 0.2), ("邹", "zou", 0.2), ("孟", "meng", 0.19),
            ("熊", "xiong", 0.19), ("秦", "qin", 0.18), ("邱", "qiu", 0.18), ("江", "jiang", 0.18), ("尹", "yin", 0.17),
            ("薛", "xue", 0.16), ("闫", "yan", 0.16), ("段", "duan", 0.15), ("雷", "lei", 0.15), ("侯", "hou", 0.15),
            ("龙", "long", 0.14), ("史", "shi", 0.14), ("陶", "tao", 0.13), ("黎", "li", 0.13), ("贺", "he", 0.13),
            ("顾", "gu", 0.12), ("毛", "mao", 0.12), ("郝", "hao", 0.12), ("龚", "gong", 0.12), ("邵", "shao", 0.11),
            ("万", "wan", 0.11), ("钱", "qian", 0.11), ("严", "yan", 0.11), ("覃", "qin", 0.1), ("武", "wu", 0.1),
            ("戴", "dai", 0.1), ("莫", "mo", 0.1), ("孔", "kong", 0.1), ("向", "xiang", 0.1), ("汤", "tang", 0.1),
            ("欧阳", "ouyang", 0.3), ("司马", "sima", 0.12), ("诸葛", "zhuge", 0.08), ("上官", "shangguan", 0.08),
            ("东方", "dongfang", 0.06), ("司徒", "situ", 0.1), ("慕容", "murong", 0.05), ("夏侯", "xiahou", 0.05),
            ("皇甫", "huangfu", 0.05), ("令狐", "linghu", 0.04),
        ].map { (Syllables(han: $0.0, pinyin: $0.1), $0.2) })

    /// The most common whole given names, by gender (伟, 芳, 秀英 …), which make the namesakes.
    static let commonGiven: [Gender: WeightedTable<Syllables>] = [
        .male: table([
            ("伟", "wei", 9), ("强", "qiang", 5), ("磊", "lei", 5), ("军", "jun", 5), ("洋", "yang", 4), ("勇", "yong", 4),
            ("杰", "jie", 4), ("涛", "tao", 4), ("明", "ming", 4), ("超", "chao", 4), ("刚", "gang", 3), ("平", "ping", 3),
            ("辉", "hui", 3), ("鹏", "peng", 3), ("斌", "bin", 3), ("宇", "yu", 3), ("浩", "hao", 3), ("凯", "kai", 2),
            ("建华", "jianhua", 3), ("建国", "jianguo", 2), ("志强", "zhiqiang", 2), ("晓明", "xiaoming", 2),
            ("小明", "xiaoming", 2), ("浩然", "haoran", 2), ("宇轩", "yuxuan", 2), ("子轩", "zixuan", 2), ("俊杰", "junjie", 2),
        ]),
        .female: table([
            ("芳", "fang", 9), ("娜", "na", 7), ("秀英", "xiuying", 6), ("敏", "min", 6), ("静", "jing", 6), ("丽", "li", 6),
            ("艳", "yan", 5), ("娟", "juan", 4), ("霞", "xia", 4), ("秀兰", "xiulan", 4), ("桂英", "guiying", 4),
            ("玲", "ling", 3), ("婷", "ting", 3), ("丹", "dan", 3), ("欣", "xin", 2), ("雪", "xue", 2), ("琳", "lin", 2),
            ("颖", "ying", 2), ("倩", "qian", 2), ("红", "hong", 3), ("子涵", "zihan", 2), ("梓萱", "zixuan", 2),
            ("欣怡", "xinyi", 2), ("娜娜", "nana", 1), ("诗涵", "shihan", 1), ("雨桐", "yutong", 1),
        ]),
    ]

    /// Characters that make up the rarer two-character given names, by gender.
    static let givenCharacters: [Gender: [Syllables]] = [
        .male: syllables(
            "志zhi 建jian 国guo 文wen 明ming 永yong 海hai 晓xiao 家jia 俊jun 子zi 宇yu 浩hao 天tian 博bo 嘉jia 思si 泽ze 睿rui 晨chen 鹏peng 伟wei 峰feng 杰jie 涛tao 军jun 强qiang 德de 成cheng 华hua 东dong 林lin 毅yi 凯kai 逸yi 轩xuan 然ran 航hang 鑫xin 磊lei"
        ),
        .female: syllables(
            "丽li 秀xiu 美mei 婷ting 雅ya 欣xin 怡yi 雪xue 静jing 晓xiao 佳jia 梓zi 诗shi 雨yu 梦meng 慧hui 玉yu 芳fang 琳lin 萱xuan 涵han 颖ying 娜na 倩qian 燕yan 思si 语yu 嘉jia 悦yue 彤tong 璐lu 婉wan 晴qing 瑶yao 月yue 兰lan 桂gui 红hong 霞xia 莉li"
        ),
    ]

    /// Same-sounding characters, as a pinyin input method offers them: the substitution typo of a Han name.
    /// Built by key lookups only (never by iterating a dictionary, whose order changes from run to run).
    static let homophones: [Character: [Character]] = {
        let groups =
            "伟玮炜维薇巍 芳方放仿 娜纳那 敏民闽珉 静晶京精婧 丽莉立力俐 强墙蔷 磊垒蕾 军君均俊骏 洋阳杨扬 勇永涌泳 艳燕彦妍 杰洁捷婕 涛韬陶桃 明鸣铭名 超潮朝 华桦骅 玲灵铃 琳林霖 红鸿宏虹 婷庭亭 鹏朋蓬 辉晖慧惠 斌彬滨 丹单 宇雨语羽玉 浩昊皓豪 凯恺楷 欣新心馨鑫 雪学 晨辰臣 颖莹英 倩茜 佳家嘉 子紫梓 涵寒晗 萱轩宣 怡宜仪依毅逸 秀修 兰岚蓝 桂贵 建健剑 国果 志智芝 文雯闻 晓小 天田 博波 思斯 泽则 睿瑞 峰锋枫 成城诚 东冬 然冉 航杭 美梅媚 雅亚 诗施 梦萌 悦月越 彤桐童 璐露路 婉琬 晴青清 瑶遥 霞夏 刚钢 平萍苹 娟涓"
        var map: [Character: [Character]] = [:]
        for group in groups.split(separator: " ") {
            for character in group {
                map[character, default: []] += group.filter { $0 != character && !(map[character] ?? []).contains($0) }
            }
        }
        return map
    }()

    /// A Chinese name for a person of `gender`; `family` when the household gives it.
    static func name(gender: Gender, family: Syllables?, random: inout WorldRandom) -> PersonName {
        let family = family ?? families.pick(&random)
        let given: Syllables
        if random.chance(0.55) {
            given = commonGiven[gender]!.pick(&random)
        } else {
            let characters = givenCharacters[gender]!
            let first = random.pick(characters)
            var second = random.pick(characters)
            while second.han == first.han { second = random.pick(characters) }
            given = Syllables(han: first.han + second.han, pinyin: first.pinyin + second.pinyin)
        }
        return PersonName(
            family: family.han, given: given.han, familyLatin: capitalized(family.pinyin),
            givenLatin: capitalized(given.pinyin), nickname: nil)
    }

    /// A homophone of `character` other than itself, or any given-name character when it has none.
    static func homophone(of character: Character, random: inout WorldRandom) -> Character {
        if let candidates = homophones[character], !candidates.isEmpty { return random.pick(candidates) }
        var other = Character(random.pick(givenCharacters[.female]! + givenCharacters[.male]!).han)
        while other == character { other = Character(random.pick(givenCharacters[.male]!).han) }
        return other
    }

    static func capitalized(_ pinyin: String) -> String {
        pinyin.prefix(1).uppercased() + pinyin.dropFirst()
    }

    private static func table(_ entries: [(String, String, Double)]) -> WeightedTable<Syllables> {
        WeightedTable(entries.map { (Syllables(han: $0.0, pinyin: $0.1), $0.2) })
    }

    /// `"志zhi 建jian"` as syllables: one Han character followed by its pinyin.
    private static func syllables(_ text: String) -> [Syllables] {
        text.split(separator: " ").map { Syllables(han: String($0.prefix(1)), pinyin: String($0.dropFirst())) }
    }
}
