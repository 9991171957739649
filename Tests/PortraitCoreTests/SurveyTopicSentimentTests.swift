@testable import PortraitCore
import Testing

/// Topic tags and lexicon sentiment on Chinese and English comments, with the words that explain them.
struct SurveyTopicSentimentTests {
    typealias Word = SentimentLexicon.WeightedWord

    @Test(
        arguments: [
            ("价格太贵，物流慢", [("delivery", ["物流", "慢"]), ("price", ["价格", "贵"])]),
            ("店员很热情", [("staff", ["店员", "热情"])]),
            ("应用老是闪退", [("app", ["应用", "闪退"])]),
            ("Fast delivery, friendly staff.", [("delivery", ["delivery"]), ("staff", ["friendly", "staff"])]),
            ("The app is not good and too expensive", [("app", ["app"]), ("price", ["expensive"])]),
            ("ＡＰＰ crashes; Prices went up", [("app", ["app", "crash"]), ("price", ["price"])]),
            ("The apple was nice", []),
        ] as [(String, [(String, [String])])])
    func topicsListTheWordsThatEarnedThem(text: String, expected: [(String, [String])]) {
        let matches = TopicTagger.default.tags(for: text)
        #expect(matches == expected.map { TopicTagger.Match(tag: $0.0, words: $0.1) })
    }

    @Test(
        arguments: [
            ("价格太贵，物流慢", -1.0, [Word(word: "太贵", weight: -1.5), Word(word: "慢", weight: -1)]),
            ("店员很热情", 1.0, [Word(word: "很热情", weight: 1.5)]),
            ("应用老是闪退", -1.0, [Word(word: "闪退", weight: -1)]),
            (
                "Fast delivery, friendly staff.", 1.0,
                [Word(word: "fast", weight: 1), Word(word: "friendly", weight: 1)]
            ),
            (
                "The app is not good and too expensive", -1.0,
                [Word(word: "not good", weight: -1), Word(word: "too expensive", weight: -1.5)]
            ),
            ("服务不好，但是快", 0.0, [Word(word: "不好", weight: -1), Word(word: "快", weight: 1)]),
            ("不太满意", -1.0, [Word(word: "不太满意", weight: -1)]),
            ("我很不满意", -1.0, [Word(word: "很不满意", weight: -1.5)]),
            ("没有热情", -1.0, [Word(word: "没有热情", weight: -1)]),
            (
                "not very good, not bad", 0.0,
                [Word(word: "not very good", weight: -1), Word(word: "not bad", weight: 1)]
            ),
            ("Great app but slow", 0.0, [Word(word: "great", weight: 1), Word(word: "slow", weight: -1)]),
            (
                "good good bad", 0.33,
                [Word(word: "good", weight: 1), Word(word: "good", weight: 1), Word(word: "bad", weight: -1)]
            ),
            ("It is what it is", 0.0, []),
        ] as [(String, Double, [Word])])
    func sentimentScoresListTheirWords(text: String, score: Double, words: [Word]) {
        let result = SentimentLexicon.default.score(text)
        #expect(result.words == words)
        #expect(result.score == score)
    }

    @Test func feedbackCarriesTheExplanationInItsDerivedObject() throws {
        let (feedback, explanation) = try #require(
            SurveyFixtures.feedback(["nps": 8, "comment": "The app is not good and too expensive"]))
        #expect(
            feedback["derived"] == [
                "nps_class": "passive",
                "topics": [["tag": "app", "words": ["app"]], ["tag": "price", "words": ["expensive"]]],
                "sentiment": [
                    "score": -1,
                    "words": [["word": "not good", "weight": -1], ["word": "too expensive", "weight": -1.5]],
                ],
            ])
        #expect(explanation.topics.map(\.tag) == ["app", "price"])
        #expect(SchemaRegistry.canonical.validate(feedback, against: "feedback.schema.json").isEmpty)
    }

    @Test func aTextWithoutKeywordsHasNeutralSentimentAndNoTopics() throws {
        let (feedback, _) = try #require(SurveyFixtures.feedback(["comment": "ok"]))
        #expect(feedback["derived"] == ["topics": [], "sentiment": ["score": 0, "words": []]])
        #expect(SchemaRegistry.canonical.validate(feedback, against: "feedback.schema.json").isEmpty)
    }

    @Test func regularEnglishEndingsMatchTheirKeyword() {
        let tagger = TopicTagger.default
        #expect(tagger.tags(for: "The app keeps crashing").map(\.tag) == ["app"])
        #expect(tagger.tags(for: "it crashed twice").first?.words == ["crash"])
        #expect(SentimentLexicon.default.score("the app keeps crashing").words.map(\.word) == ["crashing"], "as written")
        #expect(SentimentLexicon.default.score("loved it").score == 1)
        #expect(tagger.tags(for: "crashworthy").isEmpty, "an ending is one of -s, -es, -ed, -d, -ing")
    }
}
