import Foundation

extension SurveyQuestion {
    /// An answer after coercion, shaped for where the evaluator puts it.
    enum Answer: Sendable, Hashable {
        case score(Int)
        case choice(String)
        case choices([String])
        /// Text: trimmed, and normalised when the question is an identity (lower-case email, E.164 phone).
        case text(String)
        /// `YYYY-MM-DD`.
        case date(String)
        case consent(Bool)

        var json: JSONValue {
            switch self {
            case .score(let value): return .number(value)
            case .choice(let text), .text(let text), .date(let text): return .string(text)
            case .choices(let list): return .array(list.map(JSONValue.string))
            case .consent(let flag): return .bool(flag)
            }
        }
    }

    /// The dates a date question reads: ISO first, then the spellings Chinese forms and spreadsheets use.
    static let dateTransform = DateTransform(
        patterns: ["yyyy-MM-dd", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日"].map { try! DatePattern.compile($0).get() },
        acceptsTimestamps: true, formatNames: ["YYYY-MM-DD"])

    static let checkedWords: Set<String> = ["true", "on", "1", "yes", "y", "checked", "是", "同意"]
    static let uncheckedWords: Set<String> = ["false", "off", "0", "no", "n", "unchecked", "否", "不同意"]

    /// Coerces one submitted value.
    ///
    /// - Returns: nil for a blank answer (null, empty text, an empty list), which the caller may accept or,
    ///   for a required question, reject. A failure's message never repeats the value.
    func coerce(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        if Self.isBlank(value) { return .success(nil) }
        if kind != .multipleChoice, case .array(let items) = value {
            // A key repeated in a form post arrives as a list; one non-blank value is still one answer.
            let given = items.filter { !Self.isBlank($0) }
            guard given.count == 1 else { return failure("must be a single answer, not a list") }
            return coerce(given[0])
        }
        switch kind {
        case .nps, .csat, .likert: return coerceScore(value)
        case .singleChoice: return coerceChoice(value)
        case .multipleChoice: return coerceChoices(value)
        case .text: return coerceText(value)
        case .freeText:
            guard let text = Self.text(value) else { return failure("must be text") }
            return .success(.text(text))
        case .date: return coerceDate(value)
        case .consent: return coerceConsent(value)
        }
    }

    static func isBlank(_ value: JSONValue) -> Bool {
        if case .array(let items) = value { return items.allSatisfy(isBlank) }
        return TextTransforms.isBlank(value)
    }

    /// Text or a number as text, trimmed; nil for booleans, lists and mappings.
    private static func text(_ value: JSONValue) -> String? {
        guard value.boolValue == nil, let text = value.textValue else { return nil }
        return TextTransforms.trimmed(text)
    }

    private func failure(_ message: String) -> Result<Answer?, SurveyFieldError> {
        .failure(SurveyFieldError(field: id, message: message))
    }

    private func coerceScore(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        let range = scoreRange!
        let whole: Int?
        switch value {
        case .number(let number): whole = SurveyNumbers.wholeNumber(number)
        case .string(let text): whole = SurveyNumbers.wholeNumber(text)
        default: whole = nil
        }
        guard let whole, range.contains(whole) else {
            return failure("must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return .success(.score(whole))
    }

    /// The form's spelling of a choice, matched exactly or, failing that, ignoring case and full-width forms.
    private func choice(matching text: String) -> String? {
        if let exact = choices.first(where: { $0 == text }) { return exact }
        let folded = SurveyText.fold(text)
        return choices.first { SurveyText.fold($0) == folded }
    }

    private var choiceList: String { choices.joined(separator: ", ") }

    private func coerceChoice(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        guard let text = Self.text(value), let choice = choice(matching: text) else {
            return failure("must be one of \(choiceList)")
        }
        return .success(.choice(choice))
    }

    /// A list, or text with the choices separated by commas (`sms,email`, `短信，邮件`, `a、b`).
    private func coerceChoices(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        var parts: [String] = []
        switch value {
        case .array(let items):
            for item in items where !Self.isBlank(item) {
                guard let text = Self.text(item) else { return failure("must be chosen from \(choiceList)") }
                parts.append(text)
            }
        default:
            guard let text = Self.text(value) else { return failure("must be chosen from \(choiceList)") }
            parts = text.split(whereSeparator: { ",，、".contains($0) }).map { TextTransforms.trimmed(String($0)) }
                .filter { !$0.isEmpty }
        }
        var chosen: [String] = []
        for part in parts {
            guard let choice = choice(matching: part) else { return failure("must be chosen from \(choiceList)") }
            if !chosen.contains(choice) { chosen.append(choice) }
        }
        return .success(chosen.isEmpty ? nil : .choices(chosen))
    }

    /// Identity answers go through the mapping's own `email` and `phone` transforms, so a respondent's address
    /// is the same identifier whether it came from a survey or from the CRM.
    private func coerceText(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        guard let text = Self.text(value) else { return failure("must be text") }
        switch identity {
        case Identifier.email?:
            guard case .string(let email)? = try? Transform.email.apply(.string(text)), Formats.isEmail(email) else {
                return failure("must be an email address, such as name@example.com")
            }
            return .success(.text(email))
        case Identifier.phone?:
            let normalizer = phoneNormalizer ?? PhoneNumberNormalizer()
            guard case .string(let phone)? = try? Transform.phone(normalizer).apply(.string(text)) else {
                return failure(
                    "must be a phone number: a \(normalizer.country.rawValue) number, or + and the country code")
            }
            return .success(.text(phone))
        default:
            break
        }
        if profile == .gender {
            guard case .string(let gender)? = try? Transform.gender.apply(.string(text)) else {
                let allowed = Gender.allCases.map(\.rawValue).joined(separator: ", ")
                return failure("must be a gender: \(allowed) (or F, M, 女, 男)")
            }
            return .success(.text(gender))
        }
        return .success(.text(text))
    }

    private func coerceDate(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        guard let text = Self.text(value), let date = try? Self.dateTransform.convert(text, original: value) else {
            return failure("must be a real date written YYYY-MM-DD")
        }
        return .success(.date(date))
    }

    /// A checkbox: HTML posts `on`, spreadsheets `1` or `yes`, JSON `true`.
    private func coerceConsent(_ value: JSONValue) -> Result<Answer?, SurveyFieldError> {
        if let flag = value.boolValue { return .success(.consent(flag)) }
        guard let text = Self.text(value) else { return failure("must be a checkbox value: true or false") }
        let folded = SurveyText.fold(text)
        if Self.checkedWords.contains(folded) { return .success(.consent(true)) }
        if Self.uncheckedWords.contains(folded) { return .success(.consent(false)) }
        return failure("must be a checkbox value: true or false, on or off, yes or no, 1 or 0")
    }
}
