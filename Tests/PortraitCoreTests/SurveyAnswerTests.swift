@testable import PortraitCore
import Testing

/// Each question type's coercion of typed JSON and form text, and the errors for what it cannot read.
struct SurveyAnswerTests {
    static func answers(_ answers: [String: JSONValue]) -> JSONValue? {
        SurveyFixtures.feedback(answers)?.0["answers"]
    }

    static func scores(_ answers: [String: JSONValue]) -> JSONValue? {
        SurveyFixtures.feedback(answers)?.0["scores"]
    }

    @Test(
        arguments: [
            ("nps", 9 as JSONValue, 9), ("nps", "9", 9), ("nps", " 10 ", 10), ("nps", "０", 0), ("nps", 7.0, 7),
            ("nps", ["8"], 8), ("csat", "5", 5), ("csat", 1, 1),
        ] as [(String, JSONValue, Int)])
    func scoresAreCoercedToWholeNumbers(question: String, value: JSONValue, expected: Int) {
        #expect(Self.scores([question: value])?[question] == .number(expected))
    }

    @Test(
        arguments: [
            ("nps", 11 as JSONValue, "nps: must be a whole number from 0 to 10"),
            ("nps", -1, "nps: must be a whole number from 0 to 10"),
            ("nps", "9.5", "nps: must be a whole number from 0 to 10"),
            ("nps", "nine", "nps: must be a whole number from 0 to 10"),
            ("nps", true, "nps: must be a whole number from 0 to 10"),
            ("nps", ["8", "9"], "nps: must be a single answer, not a list"),
            ("csat", 0, "csat: must be a whole number from 1 to 5"),
            ("csat", "6", "csat: must be a whole number from 1 to 5"),
            ("ease", 8, "ease: must be a whole number from 1 to 7"),
            ("ease", "0", "ease: must be a whole number from 1 to 7"),
            ("favourite", "cars", "favourite: must be one of sports, beauty, home"),
            ("channels", "sms,fax", "channels: must be chosen from email, sms, wechat"),
            ("channels", ["sms", 3], "channels: must be chosen from email, sms, wechat"),
            ("birthday", "1990-02-30", "birthday: must be a real date written YYYY-MM-DD"),
            ("birthday", "yesterday", "birthday: must be a real date written YYYY-MM-DD"),
            ("news", "maybe", "news: must be a checkbox value: true or false, on or off, yes or no, 1 or 0"),
            ("comment", ["a": 1], "comment: must be text"),
        ] as [(String, JSONValue, String)])
    func valuesOutOfRangeAreRejectedWithTheFix(question: String, value: JSONValue, message: String) {
        #expect(SurveyFixtures.errors([question: value]) == [message])
    }

    @Test func likertAnswersGoToAnswersNotScores() {
        let feedback = SurveyFixtures.feedback(["ease": "6", "nps": 9])?.0
        #expect(feedback?["answers"]?["ease"] == 6)
        #expect(feedback?["scores"] == ["nps": 9])
    }

    @Test func choicesKeepTheFormsSpelling() {
        #expect(Self.answers(["favourite": "SPORTS"])?["favourite"] == "sports")
        #expect(Self.answers(["favourite": "ｂｅａｕｔｙ"])?["favourite"] == "beauty")
        #expect(Self.answers(["favourite": ["home"]])?["favourite"] == "home")
    }

    @Test(
        arguments: [
            (["sms", "email"] as JSONValue, ["sms", "email"] as JSONValue),
            ("sms,email", ["sms", "email"]),
            ("wechat， SMS", ["wechat", "sms"]),
            ("sms,sms", ["sms"]),
            (["sms", ""], ["sms"]),
        ] as [(JSONValue, JSONValue)])
    func multipleChoicesAreReadFromListsAndCommaText(value: JSONValue, expected: JSONValue) {
        #expect(Self.answers(["channels": value])?["channels"] == expected)
    }

    @Test(
        arguments: [
            ("1990-02-03" as JSONValue, "1990-02-03"), ("1990/2/3", "1990-02-03"), ("1990年2月3日", "1990-02-03"),
            ("1990-02-03T00:00:00Z", "1990-02-03"),
        ] as [(JSONValue, String)])
    func datesAreWrittenAsISO(value: JSONValue, expected: String) {
        #expect(Self.answers(["birthday": value])?["birthday"] == .string(expected))
    }

    @Test(
        arguments: [
            (true as JSONValue, true), ("on", true), ("1", true), (1, true), ("yes", true), ("YES", true), ("是", true),
            (false, false), ("off", false), ("0", false), ("no", false),
        ] as [(JSONValue, Bool)])
    func consentCheckboxesReadEveryCommonSpelling(value: JSONValue, granted: Bool) {
        #expect(Self.answers(["news": value])?["news"] == .bool(granted))
    }

    @Test func blankAnswersAreAbsentUnlessRequired() throws {
        let feedback = try #require(SurveyFixtures.feedback(["nps": "", "comment": " ", "channels": [], "csat": nil]))
        #expect(feedback.0["scores"] == nil)
        #expect(feedback.0["answers"] == nil)
        #expect(feedback.0["text"] == nil)

        let form = try FormDefinition.parse(
            SurveyFixtures.form(["id": "nps", "type": "nps", "required": true], ["id": "why", "type": "free_text"]),
            formID: "f", at: "options.forms.f")
        let evaluator = SurveyEvaluator(form: form)
        let result = evaluator.evaluate(SurveySubmission(formID: "f", answers: ["nps": " ", "why": "ok"]))
        #expect(result == .rejected([SurveyFieldError(field: "nps", message: "is required")]))
    }

    @Test func unknownQuestionsAreRejectedWithASuggestion() {
        #expect(SurveyFixtures.errors(["npss": 9]) == ["npss: unknown question 'npss'; did you mean 'nps'?"])
        #expect(
            SurveyFixtures.errors(["zzz_other": 1]).first?.hasPrefix(
                "zzz_other: unknown question 'zzz_other'; form 'post-purchase' has nps, csat,") == true)
    }

    @Test func everyErrorIsReportedInQuestionOrder() {
        #expect(
            SurveyFixtures.errors(["csat": 9, "nps": 11, "npss": 1]) == [
                "nps: must be a whole number from 0 to 10", "csat: must be a whole number from 1 to 5",
                "npss: unknown question 'npss'; did you mean 'nps'?",
            ])
    }

    @Test func reservedKeysAmongTheAnswersAreUsed() throws {
        let submission = SurveySubmission(
            formID: "post-purchase",
            answers: ["response_id": "r-9", "submitted_at": "2024-05-03T18:20:00+08:00", "nps": 9])
        guard case .accepted(let feedback, _) = SurveyFixtures.evaluator.evaluate(submission) else {
            Issue.record("rejected")
            return
        }
        #expect(feedback["id"] == "r-9")
        #expect(feedback["submitted_at"] == "2024-05-03T18:20:00+08:00")
        #expect(feedback["answers"] == nil)
    }

    @Test func aMalformedTimeAndAnUnknownFormAreFieldErrors() {
        let late = SurveySubmission(formID: "post-purchase", answers: [:], submittedAt: "03/05/2024")
        #expect(
            SurveyFixtures.evaluator.evaluate(late)
                == .rejected([
                    SurveyFieldError(
                        field: "submitted_at", message: "must be an RFC 3339 time, such as 2024-05-03T12:00:00Z")
                ]))
        let wrongForm = SurveySubmission(formID: "post-purchse", answers: [:])
        #expect(
            SurveyFixtures.evaluator.evaluate(wrongForm)
                == .rejected([
                    SurveyFieldError(field: "form_id", message: "unknown form; did you mean 'post-purchase'?")
                ]))
    }
}
