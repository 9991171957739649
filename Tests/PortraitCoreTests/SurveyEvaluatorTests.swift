@testable import PortraitCore
import Testing

/// Whole submissions to feedback records: the respondent, consents, NPS classes, and records the canonical
/// schema accepts.
struct SurveyEvaluatorTests {
    static func validate(_ feedback: JSONValue) -> [String] {
        SchemaRegistry.canonical.validate(feedback, against: "feedback.schema.json").map(\.description)
    }

    @Test func aFullSubmissionBecomesAValidFeedbackRecord() throws {
        let (feedback, explanation) = try #require(
            SurveyFixtures.feedback([
                "nps": "10", "csat": 5, "ease": "6", "email": "  Ana.Garcia@Example.COM ", "phone": "138 0013 8000",
                "card": "M0042", "favourite": "sports", "channels": "sms,email", "birthday": "1988/4/12", "news": "on",
                "comment": "Fast delivery, friendly staff.",
            ]))
        #expect(Self.validate(feedback) == [])
        #expect(
            feedback == [
                "id": "resp-1",
                "form_id": "post-purchase",
                "submitted_at": "2024-05-03T12:00:00Z",
                "respondent": [
                    "identifiers": [
                        ["type": "email", "value": "ana.garcia@example.com"],
                        ["type": "phone", "value": "+8613800138000"],
                        ["type": "member_card", "value": "M0042"],
                    ],
                    "birth_date": "1988-04-12",
                    "interests": ["sports"],
                    "consents": [
                        [
                            "channel": "email", "purpose": "marketing", "granted": true,
                            "timestamp": "2024-05-03T12:00:00Z", "source": "survey:post-purchase",
                        ]
                    ],
                ],
                "scores": ["nps": 10, "csat": 5],
                "answers": [
                    "ease": 6, "favourite": "sports", "channels": ["sms", "email"], "birthday": "1988-04-12",
                    "news": true,
                    "comment": "Fast delivery, friendly staff.",
                ],
                "text": "Fast delivery, friendly staff.",
                "derived": [
                    "nps_class": "promoter",
                    "topics": [
                        ["tag": "delivery", "words": ["delivery"]], ["tag": "staff", "words": ["friendly", "staff"]],
                    ],
                    "sentiment": [
                        "score": 1, "words": [["word": "fast", "weight": 1], ["word": "friendly", "weight": 1]],
                    ],
                ],
            ])
        #expect(explanation.isAnonymous == false)
        #expect(explanation.npsClass == .promoter)
    }

    @Test func aResponseWithoutIdentityIsAcceptedAsAnonymous() throws {
        let (feedback, explanation) = try #require(SurveyFixtures.feedback(["nps": 3]))
        #expect(feedback["respondent"] == nil)
        #expect(feedback["scores"] == ["nps": 3])
        #expect(feedback["derived"] == ["nps_class": "detractor"])
        #expect(explanation.isAnonymous)
        #expect(Self.validate(feedback) == [])
    }

    @Test func aSubmissionWithoutATimeIsStampedNowInUTC() throws {
        let (feedback, _) = try #require(SurveyFixtures.feedback(["nps": 3]))
        #expect(feedback["submitted_at"] == "2024-05-03T12:00:00Z")
    }

    @Test(arguments: [
        (0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter"),
    ])
    func npsClassesAtTheBoundaries(score: Int, npsClass: String) throws {
        let (feedback, explanation) = try #require(SurveyFixtures.feedback(["nps": .number(score)]))
        #expect(feedback["derived"]?["nps_class"] == .string(npsClass))
        #expect(explanation.npsClass?.rawValue == npsClass)
    }

    @Test func identityAnswersAreNormalisedAndKeptOnlyOnTheRespondent() throws {
        let (feedback, _) = try #require(
            SurveyFixtures.feedback([
                "email": "BOB@EXAMPLE.ORG", "phone": "+86 138-0013-8000",
            ]))
        #expect(
            feedback["respondent"]?["identifiers"] == [
                ["type": "email", "value": "bob@example.org"], ["type": "phone", "value": "+8613800138000"],
            ])
        #expect(feedback["answers"] == nil)
    }

    @Test func aUSPhoneQuestionReadsNationalNumbers() throws {
        let form = try FormDefinition.parse(
            SurveyFixtures.form(["id": "mobile", "type": "text", "identity": "phone", "country": "us"]),
            formID: "us-form", at: "options.forms.us-form")
        let result = SurveyEvaluator(form: form).evaluate(
            SurveySubmission(formID: "us-form", answers: ["mobile": "(415) 555-0123"]))
        guard case .accepted(let feedback, _) = result else {
            Issue.record("rejected: \(result)")
            return
        }
        #expect(feedback["respondent"]?["identifiers"] == [["type": "phone", "value": "+14155550123"]])
    }

    @Test func aDeclinedConsentIsRecordedWithTheSubmissionsTime() throws {
        let submission = SurveySubmission(
            formID: "post-purchase", answers: ["news": "0", "email": "a@b.co"], submittedAt: "2024-06-01T08:00:00+08:00"
        )
        guard case .accepted(let feedback, _) = SurveyFixtures.evaluator.evaluate(submission) else {
            Issue.record("rejected")
            return
        }
        #expect(
            feedback["respondent"]?["consents"] == [
                [
                    "channel": "email", "purpose": "marketing", "granted": false,
                    "timestamp": "2024-06-01T08:00:00+08:00",
                    "source": "survey:post-purchase",
                ]
            ])
        #expect(Self.validate(feedback) == [])
    }

    @Test func interestsGatherFromChoiceQuestions() throws {
        let form = try FormDefinition.parse(
            SurveyFixtures.form(
                ["id": "favourite", "type": "single_choice", "choices": ["sports", "home"], "profile": "interest"],
                ["id": "hobbies", "type": "multiple_choice", "choices": ["sports", "music"], "profile": "interest"],
                ["id": "sex", "type": "single_choice", "choices": ["女", "男", "rather not"], "profile": "gender"]
            ), formID: "profile", at: "options.forms.profile")
        let evaluator = SurveyEvaluator(form: form)
        let result = evaluator.evaluate(
            SurveySubmission(
                formID: "profile", answers: ["favourite": "sports", "hobbies": ["music", "sports"], "sex": "女"]))
        guard case .accepted(let feedback, let explanation) = result else {
            Issue.record("rejected: \(result)")
            return
        }
        #expect(feedback["respondent"] == ["interests": ["sports", "music"], "gender": "female"])
        #expect(explanation.isAnonymous)
        #expect(Self.validate(feedback) == [])

        let undisclosed = evaluator.evaluate(SurveySubmission(formID: "profile", answers: ["sex": "rather not"]))
        guard case .accepted(let other, _) = undisclosed else {
            Issue.record("rejected: \(undisclosed)")
            return
        }
        #expect(other["respondent"] == nil)
        #expect(other["answers"] == ["sex": "rather not"])
    }

    @Test func aNameQuestionFillsTheRespondentsFullName() throws {
        let form = try FormDefinition.parse(
            SurveyFixtures.form(
                ["id": "name", "type": "text", "profile": "name"],
                ["id": "email", "type": "text", "identity": "email"]
            ), formID: "named", at: "options.forms.named")
        let result = SurveyEvaluator(form: form).evaluate(
            SurveySubmission(formID: "named", answers: ["name": "  王小明 ", "email": "wang@example.cn"]))
        guard case .accepted(let feedback, _) = result else {
            Issue.record("rejected: \(result)")
            return
        }
        #expect(feedback["respondent"]?["name"] == ["full": "王小明"])
        #expect(Self.validate(feedback) == [])
        #expect(SurveyFixtures.formError(SurveyFixtures.form(["id": "born", "type": "date", "profile": "name"])) != nil)
    }

    @Test func messagesNeverRepeatSubmittedPersonalData() {
        let personal = ["ana.garcia@example", "138 0013 800", "Ana Garcia 1988"]
        let errors = SurveyFixtures.errors([
            "email": .string(personal[0]), "phone": .string(personal[1]), "birthday": .string(personal[2]),
            "nps": "ana.garcia@example.com", "favourite": "13800138000",
        ])
        #expect(
            errors == [
                "nps: must be a whole number from 0 to 10",
                "email: must be an email address, such as name@example.com",
                "phone: must be a phone number: a CN number, or + and the country code",
                "favourite: must be one of sports, beauty, home",
                "birthday: must be a real date written YYYY-MM-DD",
            ])
        for message in errors {
            for value in personal + ["ana.garcia@example.com", "13800138000", "0013"] {
                #expect(!message.contains(value), "\(message) repeats a submitted value")
            }
        }
    }

    @Test func multipleFreeTextAnswersAreJoinedByNewlines() throws {
        let form = try FormDefinition.parse(
            SurveyFixtures.form(["id": "liked", "type": "free_text"], ["id": "improve", "type": "free_text"]),
            formID: "f", at: "options.forms.f")
        let result = SurveyEvaluator(form: form).evaluate(
            SurveySubmission(formID: "f", answers: ["liked": "店员很热情", "improve": "价格太贵"]))
        guard case .accepted(let feedback, let explanation) = result else {
            Issue.record("rejected: \(result)")
            return
        }
        #expect(feedback["text"] == "店员很热情\n价格太贵")
        #expect(explanation.topics.map(\.tag) == ["price", "staff"])
        #expect(explanation.sentiment?.words.map(\.word) == ["很热情", "太贵"])
        #expect(explanation.sentiment?.score == 0)
        #expect(Self.validate(feedback) == [])
    }
}
