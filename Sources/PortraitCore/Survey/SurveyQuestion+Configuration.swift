extension SurveyQuestion {
    /// Keys every question accepts; `label` is the operator's note of the question's wording.
    static let commonKeys = ["id", "type", "required", "label"]

    /// The keys each type adds to `commonKeys`.
    static func extraKeys(for kind: Kind) -> [String] {
        switch kind {
        case .nps, .csat, .freeText: return []
        case .likert: return ["scale"]
        case .singleChoice, .multipleChoice: return ["choices", "profile"]
        case .text: return ["identity", "country", "profile"]
        case .date: return ["profile"]
        case .consent: return ["channel", "purpose"]
        }
    }

    /// Answer keys that are not questions: the form post and the export files carry them beside the answers.
    static let reservedKeys = ["response_id", "submitted_at"]

    /// Reads one entry of a form's `questions` list, adding every problem to `reader`.
    ///
    /// - Returns: The question, or nil when the entry has problems.
    static func read(_ value: JSONValue, at path: JSONPath, reader: inout SurveyConfigReader) -> SurveyQuestion? {
        guard let object = reader.object(value, at: path, example: "{ id: nps, type: nps }") else { return nil }
        let before = reader.problems.violations.count
        let id = reader.string(object, "id", at: path)
        if object["id"] == nil { reader.add(path.appending("id"), "required: the question's key in form posts") }
        if let id, reservedKeys.contains(id) {
            reader.add(path.appending("id"), "'\(id)' is reserved for the response itself; choose another id")
        }
        guard let typeName = reader.string(object, "type", at: path) else {
            if object["type"] == nil {
                reader.add(path.appending("type"), "required: one of \(Self.kindList)")
            }
            return nil
        }
        guard let kind = Kind(rawValue: typeName) else {
            var message = "'\(typeName)' is not one of \(Self.kindList)"
            if let suggestion = Suggestions.closest(to: typeName, among: Kind.allCases.map(\.rawValue)) {
                message += "; did you mean '\(suggestion)'?"
            }
            reader.add(path.appending("type"), message)
            return nil
        }
        checkKeys(object, kind: kind, at: path, reader: &reader)
        let isRequired = reader.bool(object, "required", at: path) ?? false

        var scale = 0
        if kind == .likert { scale = reader.integer(object, "scale", in: 2...10, at: path) ?? 5 }
        let choices = kind == .singleChoice || kind == .multipleChoice ? readChoices(object, kind, path, &reader) : []
        let identity = kind == .text ? readIdentity(object, at: path, reader: &reader) : nil
        let phoneNormalizer = kind == .text ? readCountry(object, identity: identity, at: path, reader: &reader) : nil
        let profile =
            extraKeys(for: kind).contains("profile")
            ? readProfile(object, kind: kind, identity: identity, at: path, reader: &reader) : nil
        var channel: String?
        var purpose: String?
        if kind == .consent {
            channel = reader.string(object, "channel", at: path)
            purpose = reader.string(object, "purpose", at: path)
            if object["channel"] == nil {
                reader.add(
                    path.appending("channel"), "required: the channel consented to, such as email, sms or wechat")
            }
            if object["purpose"] == nil {
                reader.add(path.appending("purpose"), "required: what the consent is for, such as marketing")
            }
        }
        guard let id, reader.problems.violations.count == before else { return nil }
        return SurveyQuestion(
            id: id, kind: kind, isRequired: isRequired, scale: scale, choices: choices, identity: identity,
            profile: profile, consentChannel: channel, consentPurpose: purpose, phoneNormalizer: phoneNormalizer)
    }

    static var kindList: String { Kind.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Unknown keys, and keys of another question type (`choices` on an nps question) named as such.
    private static func checkKeys(
        _ object: [String: JSONValue], kind: Kind, at path: JSONPath, reader: inout SurveyConfigReader
    ) {
        let allowed = commonKeys + extraKeys(for: kind)
        let everyKey = Set(Kind.allCases.flatMap(extraKeys(for:)))
        for key in object.keys.sorted() where !allowed.contains(key) {
            if everyKey.contains(key) {
                reader.add(
                    path.appending(key),
                    "'\(key)' does not apply to a \(kind.rawValue) question; "
                        + "its keys are \(allowed.joined(separator: ", "))"
                )
            } else {
                reader.add(path.appending(key), ConfigurationProblems.unknown("key", key, among: allowed))
            }
        }
    }

    private static func readChoices(
        _ object: [String: JSONValue], _ kind: Kind, _ path: JSONPath, _ reader: inout SurveyConfigReader
    ) -> [String] {
        let choicesPath = path.appending("choices")
        guard let value = object["choices"] else {
            reader.add(
                choicesPath, "required for a \(kind.rawValue) question: the allowed answers, such as [sports, home]")
            return []
        }
        guard let choices = reader.stringList(value, at: choicesPath, example: "[sports, home]") else { return [] }
        if choices.isEmpty { reader.add(choicesPath, "must list at least one choice") }
        var seen: Set<String> = []
        for (index, choice) in choices.enumerated() {
            if !seen.insert(choice.lowercased()).inserted {
                reader.add(choicesPath.appending(index), "'\(choice)' is listed twice")
            }
            if kind == .multipleChoice, choice.contains(",") {
                reader.add(
                    choicesPath.appending(index),
                    "'\(choice)' contains a comma, which separates the choices of a form post; remove it")
            }
        }
        return choices
    }

    /// `identity:` must be an identifier type as the customer schema writes them (lower_snake).
    private static func readIdentity(_ object: [String: JSONValue], at path: JSONPath, reader: inout SurveyConfigReader)
        -> String?
    {
        guard let type = reader.string(object, "identity", at: path) else { return nil }
        let isLowerSnake =
            type.first.map { $0.isASCII && $0.isLowercase } == true
            && type.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        guard isLowerSnake else {
            var message = "identifier type '\(type)' must be lower case letters, digits and underscores"
            if let suggestion = Suggestions.closest(to: type, among: Identifier.wellKnownTypes) {
                message += "; did you mean '\(suggestion)'?"
            }
            reader.add(path.appending("identity"), message)
            return nil
        }
        return type
    }

    /// `country:` is the default country of a phone identity; other questions have no use for it.
    private static func readCountry(
        _ object: [String: JSONValue], identity: String?, at path: JSONPath, reader: inout SurveyConfigReader
    ) -> PhoneNumberNormalizer? {
        let code = reader.string(object, "country", at: path)
        guard identity == Identifier.phone else {
            if code != nil {
                reader.add(path.appending("country"), "'country' is for questions with identity: phone; remove it")
            }
            return nil
        }
        guard let code else { return PhoneNumberNormalizer() }
        guard let country = PhoneNumberNormalizer.Country(rawValue: code.uppercased()) else {
            let supported = PhoneNumberNormalizer.Country.allCases.map(\.rawValue).joined(separator: ", ")
            reader.add(
                path.appending("country"),
                "unsupported phone country '\(code)'; supported: \(supported) "
                    + "(numbers written with a + country code are kept for any country)"
            )
            return nil
        }
        return PhoneNumberNormalizer(country: country)
    }

    private static func readProfile(
        _ object: [String: JSONValue], kind: Kind, identity: String?, at path: JSONPath,
        reader: inout SurveyConfigReader
    ) -> ProfileTarget? {
        guard let name = reader.string(object, "profile", at: path) else { return nil }
        let profilePath = path.appending("profile")
        guard let target = ProfileTarget(rawValue: name) else {
            reader.add(
                profilePath,
                ConfigurationProblems.unknown("profile target", name, among: ProfileTarget.allCases.map(\.rawValue)))
            return nil
        }
        guard target.kinds.contains(kind) else {
            let kinds = target.kinds.map(\.rawValue).joined(separator: " or ")
            reader.add(profilePath, "profile '\(name)' needs a \(kinds) question, not \(kind.rawValue)")
            return nil
        }
        if identity != nil {
            reader.add(profilePath, "a question is either an identity or a profile field, not both; remove one")
            return nil
        }
        return target
    }
}
