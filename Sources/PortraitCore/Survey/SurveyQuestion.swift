/// One question of a survey form, as `options.forms.<form_id>.questions[n]` defines it.
///
/// The definition says how an answer is coerced and checked (`SurveyQuestion+Answer.swift`) and where it lands
/// in the feedback record: scores, answers, free text, or the respondent's profile.
public struct SurveyQuestion: Sendable, Hashable {
    /// The question types config can name.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Net Promoter Score: a whole number 0-10.
        case nps
        /// Customer satisfaction: a whole number 1-5.
        case csat
        /// Agreement on a scale: a whole number 1 to `scale`.
        case likert
        case singleChoice = "single_choice"
        case multipleChoice = "multiple_choice"
        /// Short text; with `identity` it becomes one of the respondent's identifiers.
        case text
        /// Comments: tagged with topics and scored for sentiment.
        case freeText = "free_text"
        /// A calendar date, `YYYY-MM-DD`.
        case date
        /// A checkbox recorded as the respondent's consent for one channel and purpose.
        case consent
    }

    /// The customer profile fields a question can fill (`profile:` in config).
    public enum ProfileTarget: String, Sendable, Hashable, CaseIterable {
        /// Appended to `interests`; from single or multiple choice questions.
        case interest
        /// `birth_date`; from date questions.
        case birthDate = "birth_date"
        /// `gender`, through the same spellings the mapping's `gender` transform reads (`F`, `女`, …).
        case gender
        case occupation
        case incomeBand = "income_band"
        /// `name.full`, from a text question: the respondent's name as written (identity resolution splits it).
        case name

        /// The question types whose answers fit this field.
        var kinds: [Kind] {
            switch self {
            case .interest: return [.singleChoice, .multipleChoice]
            case .birthDate: return [.date]
            case .gender, .occupation, .incomeBand: return [.singleChoice, .text]
            case .name: return [.text]
            }
        }
    }

    public let id: String
    public let kind: Kind
    /// A blank or missing answer is an error only when this is set.
    public let isRequired: Bool
    /// The highest likert answer (1 is the lowest); 0 for other types.
    public let scale: Int
    /// The allowed answers of a choice question, as the form spells them.
    public let choices: [String]
    /// The identifier type a text answer becomes (`email`, `phone`, `member_card`, or an operator's own type).
    public let identity: String?
    /// The profile field the answer fills.
    public let profile: ProfileTarget?
    /// The channel and purpose a consent checkbox records.
    public let consentChannel: String?
    public let consentPurpose: String?
    /// How a phone identity is read when it has no country code (`country:` in config, CN by default).
    let phoneNormalizer: PhoneNumberNormalizer?

    init(
        id: String, kind: Kind, isRequired: Bool = false, scale: Int = 0, choices: [String] = [],
        identity: String? = nil, profile: ProfileTarget? = nil, consentChannel: String? = nil,
        consentPurpose: String? = nil, phoneNormalizer: PhoneNumberNormalizer? = nil
    ) {
        self.id = id
        self.kind = kind
        self.isRequired = isRequired
        self.scale = scale
        self.choices = choices
        self.identity = identity
        self.profile = profile
        self.consentChannel = consentChannel
        self.consentPurpose = consentPurpose
        self.phoneNormalizer = phoneNormalizer
    }

    /// The answers' range for score questions (nps, csat, likert).
    var scoreRange: ClosedRange<Int>? {
        switch kind {
        case .nps: return 0...10
        case .csat: return 1...5
        case .likert: return 1...scale
        default: return nil
        }
    }
}
