/// The options of a `survey` connector that decide how submissions are scored: its forms, topic keywords and
/// sentiment lexicon.
///
/// The connector's other keys (`path`, `form`, `stream`) say where exports come from and what they are;
/// they are allowed here and left to the connector.
public struct SurveyOptions: Sendable, Hashable {
    /// By form id.
    public let forms: [String: FormDefinition]
    public let tagger: TopicTagger
    public let lexicon: SentimentLexicon

    static let keys = ["forms", "topics", "sentiment", "path", "form", "stream"]

    public init(forms: [String: FormDefinition], tagger: TopicTagger = .default, lexicon: SentimentLexicon = .default) {
        self.forms = forms
        self.tagger = tagger
        self.lexicon = lexicon
    }

    /// Reads a survey connector's options.
    ///
    /// - Parameters:
    ///   - options: The connector's `options` mapping.
    ///   - path: Where it sits in the config (`connectors[3].options`), for messages.
    /// - Throws: `PortraitError.configuration` listing every problem with its path.
    public static func parse(_ options: JSONValue, at path: String) throws -> SurveyOptions {
        var reader = SurveyConfigReader()
        let base = JSONPath(parsing: path)
        let example = "{ forms: { post-purchase: { questions: [{ id: nps, type: nps }] } } }"
        guard let object = reader.object(options, at: base, example: example) else { throw reader.error! }
        reader.checkKeys(object, allowed: keys, at: base)
        var forms: [String: FormDefinition] = [:]
        let formsPath = base.appending("forms")
        if let value = object["forms"] {
            if let entries = reader.object(value, at: formsPath, example: "{ post-purchase: { questions: [...] } }") {
                if entries.isEmpty { reader.add(formsPath, "must define at least one form") }
                for (formID, definition) in entries.sorted(by: { $0.key < $1.key }) {
                    let form = FormDefinition.read(
                        definition, formID: formID, at: formsPath.appending(formID), reader: &reader)
                    if let form { forms[formID] = form }
                }
            }
        } else {
            reader.add(formsPath, "required: the forms this connector accepts, such as \(example)")
        }
        let tagger = object["topics"].map { TopicTagger.read($0, at: base.appending("topics"), reader: &reader) }
        let lexicon = object["sentiment"].map {
            SentimentLexicon.read($0, at: base.appending("sentiment"), reader: &reader)
        }
        if let error = reader.error { throw error }
        return SurveyOptions(forms: forms, tagger: tagger ?? .default, lexicon: lexicon ?? .default)
    }
}
