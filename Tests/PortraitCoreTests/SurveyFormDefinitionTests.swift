@testable import PortraitCore
import Testing

/// Form definitions from config: what each question type reads, and errors that name the path and the fix.
struct SurveyFormDefinitionTests {
    @Test func theDocumentedFormParses() throws {
        let form = SurveyFixtures.form
        #expect(form.id == "post-purchase")
        #expect(
            form.questions.map(\.id) == [
                "nps", "csat", "ease", "email", "phone", "card", "favourite", "channels", "birthday", "news", "comment",
            ])
        #expect(form.question(withID: "ease")?.scale == 7)
        #expect(form.question(withID: "phone")?.identity == "phone")
        #expect(form.question(withID: "phone")?.phoneNormalizer?.country == .cn)
        #expect(form.question(withID: "favourite")?.profile == .interest)
        #expect(form.question(withID: "news")?.consentChannel == "email")
        #expect(form.question(withID: "news")?.consentPurpose == "marketing")
        #expect(form.question(withID: "channels")?.choices == ["email", "sms", "wechat"])
    }

    @Test func likertScaleDefaultsToFive() throws {
        let form = try FormDefinition.parse(
            SurveyFixtures.form(["id": "ease", "type": "likert"]), formID: "f", at: "options.forms.f")
        #expect(form.questions[0].scale == 5)
        #expect(form.questions[0].isRequired == false)
    }

    /// Messages are written relative to the form's path, `options.forms.post-purchase`.
    @Test(
        arguments: [
            (
                SurveyFixtures.form(
                    ["id": "nps", "type": "nps"], ["id": "csat", "type": "csat"], ["id": "x", "type": "csta"]),
                "questions[2].type: 'csta' is not one of nps, csat, likert, single_choice, "
                    + "multiple_choice, text, free_text, date, consent; did you mean 'csat'?"
            ),
            (
                SurveyFixtures.form(["id": "x", "type": "score"]),
                "questions[0].type: 'score' is not one of nps, csat, likert, single_choice, "
                    + "multiple_choice, text, free_text, date, consent"
            ),
            (
                SurveyFixtures.form(["id": "nps", "type": "nps"], ["id": "nps", "type": "csat"]),
                "questions[1].id: duplicate question id 'nps' (also questions[0])"
            ),
            (
                SurveyFixtures.form(["id": "fav", "type": "single_choice"]),
                "questions[0].choices: required for a single_choice question: "
                    + "the allowed answers, such as [sports, home]"
            ),
            (
                SurveyFixtures.form(["id": "fav", "type": "multiple_choice", "choices": []]),
                "questions[0].choices: must list at least one choice"
            ),
            (
                SurveyFixtures.form(["id": "nps", "type": "nps", "requird": true]),
                "questions[0].requird: unknown key 'requird'; did you mean 'required'?"
            ),
            (
                SurveyFixtures.form(["id": "nps", "type": "nps", "choices": ["a"]]),
                "questions[0].choices: 'choices' does not apply to a nps question; "
                    + "its keys are id, type, required, label"
            ),
            (
                SurveyFixtures.form(["id": "fav", "type": "single_choice", "choices": ["a"], "profile": "interests"]),
                "questions[0].profile: unknown profile target 'interests'; did you mean 'interest'?"
            ),
            (
                SurveyFixtures.form(["id": "fav", "type": "free_text", "profile": "interest"]),
                "questions[0].profile: 'profile' does not apply to a free_text question; "
                    + "its keys are id, type, required, label"
            ),
            (
                SurveyFixtures.form(["id": "bday", "type": "text", "profile": "birth_date"]),
                "questions[0].profile: profile 'birth_date' needs a date question, not text"
            ),
            (
                SurveyFixtures.form(["id": "ease", "type": "likert", "scale": 20]),
                "questions[0].scale: must be a whole number from 2 to 10"
            ),
            (
                SurveyFixtures.form(["id": "phone", "type": "text", "identity": "phone", "country": "GB"]),
                "questions[0].country: unsupported phone country 'GB'; supported: CN, US "
                    + "(numbers written with a + country code are kept for any country)"
            ),
            (
                SurveyFixtures.form(["id": "mail", "type": "text", "identity": "Email"]),
                "questions[0].identity: identifier type 'Email' must be lower case letters, "
                    + "digits and underscores; did you mean 'email'?"
            ),
            (
                SurveyFixtures.form(["id": "news", "type": "consent", "channel": "email"]),
                "questions[0].purpose: required: what the consent is for, such as marketing"
            ),
            (
                SurveyFixtures.form(["id": "a", "type": "nps"], ["id": "b", "type": "nps"]),
                "questions[1].type: a form has at most one nps question ('a' is one already)"
            ),
            (
                SurveyFixtures.form(["id": "submitted_at", "type": "date"]),
                "questions[0].id: 'submitted_at' is reserved for the response itself; "
                    + "choose another id"
            ),
            (
                ["questions": [["id": "nps", "type": "nps"]], "secrets": "x"],
                "secrets: unknown key 'secrets'; did you mean 'secret'?"
            ),
            (
                ["questions": []],
                "questions: required: a list of at least one question, "
                    + "such as [{ id: nps, type: nps }]"
            ),
        ] as [(JSONValue, String)])
    func configurationErrorsNameThePathAndTheFix(form: JSONValue, message: String) {
        #expect(SurveyFixtures.formError(form) == "options.forms.post-purchase." + message)
    }

    @Test func everyProblemOfAFormIsReportedAtOnce() {
        let message = SurveyFixtures.formError(
            SurveyFixtures.form(["id": "a", "type": "scor"], ["id": "b", "type": "single_choice"]))
        #expect(message?.hasPrefix("the survey options have 2 problems:\n") == true)
        #expect(message?.contains("questions[0].type") == true)
        #expect(message?.contains("questions[1].choices") == true)
    }

    @Test func surveyOptionsReadFormsTopicsAndSentimentAndAllowTheConnectorsKeys() throws {
        let options = try SurveyOptions.parse(
            [
                "forms": ["post-purchase": SurveyFixtures.postPurchase],
                "topics": ["price": ["价位"], "parking": ["parking", "停车"], "app": []],
                "sentiment": ["positive": ["wonderful"], "negative": ["meh"]],
                "path": "x", "form": "post-purchase",
                "stream": "responses",
            ], at: "connectors[2].options")
        #expect(options.forms.keys.sorted() == ["post-purchase"])
        #expect(options.tagger.tags == ["delivery", "parking", "price", "quality", "staff"])
        #expect(options.tagger.tags(for: "停车难，价位高").map(\.tag) == ["parking", "price"])
        #expect(options.tagger.tags(for: "too expensive").isEmpty)
        #expect(options.lexicon.score("wonderful").score == 1)
        #expect(options.lexicon.score("meh").score == -1)
        #expect(options.lexicon.score("good").score == 1)
    }

    @Test func surveyOptionsErrorsNameThePath() {
        #expect(
            throws: PortraitError.configuration(
                "connectors[2].options.froms: unknown key 'froms'; did you mean 'forms'?")
        ) {
            try SurveyOptions.parse(
                ["forms": ["f": SurveyFixtures.postPurchase], "froms": [:]], at: "connectors[2].options")
        }
        #expect(
            throws: PortraitError.configuration(
                "connectors[2].options.sentiment.positive[1]: must be non-empty text")
        ) {
            try SurveyOptions.parse(
                ["forms": ["f": SurveyFixtures.postPurchase], "sentiment": ["positive": ["ok", ""]]],
                at: "connectors[2].options")
        }
        #expect(
            throws: PortraitError.configuration(
                "connectors[2].options.forms.f.questions[0].type: required: one of nps, csat, likert, single_choice, "
                    + "multiple_choice, text, free_text, date, consent")
        ) {
            try SurveyOptions.parse(["forms": ["f": ["questions": [["id": "q"]]]]], at: "connectors[2].options")
        }
    }
}
