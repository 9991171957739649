import Foundation

/// The survey tool: `surveys/responses.csv`, an export in the `survey` connector's format (columns are question
/// ids, plus `response_id`, `form_id` and `submitted_at`), from two forms: `post-purchase` and, for store members,
/// `store-exit`.
///
/// Respondents identify themselves as they like: email, phone, member card, name and birthday are each optional
/// answers (missing at ``WorldConfig/Noise/missingFieldRate``). Chinese respondents write birthdays as
/// `1985-03-07`, `1985/3/7` or `1985年3月7日`; phones are read as Chinese unless they carry a country code.
final class SurveyResponses: SiloWriter {
    static let path = "surveys/responses.csv"
    static let columns = [
        "response_id", "form_id", "submitted_at", "nps", "csat", "name", "email", "phone", "member_card", "birthday",
        "comment",
    ]
    private let spool: TimeOrderedSpool
    private let url: URL

    init(directory: URL, spool: URL, slices: Int) {
        url = directory.appendingPathComponent(Self.path)
        self.spool = TimeOrderedSpool(directory: spool, name: "survey", slices: slices)
    }

    static let chineseComments = [
        "店员很热情，下次还来", "价格太贵，物流慢", "质量不错", "APP 老是闪退", "排队时间太长", "东西很好，包装也漂亮",
        "客服态度差", "性价比高", "",
    ]
    static let englishComments = [
        "Fast delivery, friendly staff.", "Too expensive for what it is", "The app keeps crashing",
        "Great quality, will buy again", "Long queue at the till", "Staff were rude", "Good value", "",
    ]

    func add(_ person: Person, observer: inout Observer) throws {
        for _ in 0..<person.footprint.surveyResponses {
            let time = observer.time()
            let chinese = person.culture == .chinese
            let cards = person.footprint.memberships
            let form = !cards.isEmpty && observer.random.chance(0.5) ? "store-exit" : "post-purchase"
            let row = [
                form,
                person.address.country == "CN" ? WorldCalendar.chinaOffset(time) : WorldCalendar.utc(time),
                String(observer.random.between(0...10)),
                String(observer.random.between(1...5)),
                observer.keeps() ? observer.name(person).full : "",
                observer.keeps() ? observer.email(person) : "",
                observer.keeps() ? observer.phone(person, home: .cn) : "",
                !cards.isEmpty && observer.keeps() ? observer.random.pick(cards).card : "",
                observer.keeps()
                    ? Self.birthday(observer.birthDate(person), chinese: chinese, random: &observer.random) : "",
                observer.random.pick(chinese ? Self.chineseComments : Self.englishComments),
            ]
            try spool.add(
                time: time, person: person.index, body: row.map { "," + TextEscaping.csv($0) }.joined() + "\n")
        }
    }

    func finish(truth: TruthFile) throws -> [WorldSummary.File] {
        let file = try OutputFile(url)
        try file.write(Self.columns.joined(separator: ",") + "\n")
        var count = 0
        try spool.drain { entry in
            count += 1
            let id = "SR-" + zeroPadded(count, width: 8)
            try file.write(id)
            try file.write(utf8: entry.body)
            try truth.record(WorldConnectors.survey, id: id, person: entry.person)
        }
        try file.close()
        return [WorldSummary.File(path: Self.path, records: count, bytes: file.bytesWritten, encoding: .utf8)]
    }

    /// The birthday as a respondent types it.
    private static func birthday(_ date: CivilDate, chinese: Bool, random: inout WorldRandom) -> String {
        guard chinese else { return date.iso }
        switch random.below(3) {
        case 0: return date.iso
        case 1: return "\(date.year)/\(date.month)/\(date.day)"
        default: return "\(date.year)年\(date.month)月\(date.day)日"
        }
    }
}
