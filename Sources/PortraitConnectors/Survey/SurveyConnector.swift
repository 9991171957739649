public import PortraitCore
import Foundation

/// Survey and feedback forms. Submissions arrive two ways and are scored the same way (`SurveyEvaluator`):
/// signed HTTP posts to `portrait run`'s intake endpoint, and exports of a form tool (CSV or JSON Lines, one
/// response per row), which `portrait sync` imports from `options.path`.
///
/// Records are canonical feedback already (the form definitions are the mapping), so the kind's default mapping
/// stores them as they are: `responses: { entity: feedback, as_is: true }`.
public struct SurveyConnector: Connector {
    public static let kind = "survey"
    public static let summary = "Survey and feedback forms: signed posts to `portrait run`, and CSV or JSONL exports"
    public static var configSpec: JSONValue { SchemaRegistry.canonical.schema(named: "connectors/survey.schema.json") ?? [:] }
    public static var defaultMapping: JSONValue { ["responses": ["entity": "feedback", "as_is": true]] }

    /// Lines between checkpoints of an export import.
    static let checkpointInterval = 1_000

    let name: String
    public let options: SurveyOptions
    public let evaluator: SurveyEvaluator
    let export: SurveyExport?
    /// The form of export rows that have no `form_id` column: `options.form`, or the only form.
    let defaultForm: String?
    public let stream: String

    public init(context: ConnectorContext) throws {
        name = context.name
        let prefix = "connector '\(context.name)': options"
        options = try SurveyOptions.parse(context.options, at: "options")
        evaluator = SurveyEvaluator(options: options)
        stream = context.options["stream"]?.stringValue ?? "responses"
        export = context.options["path"]?.stringValue.map {
            SurveyExport(url: context.url(forPath: $0), displayPath: $0)
        }
        if let form = context.options["form"]?.stringValue {
            guard options.forms[form] != nil else {
                throw PortraitError.configuration(
                    "\(prefix).form '\(form)' is not one of options.forms (\(options.forms.keys.sorted().joined(separator: ", ")))")
            }
            defaultForm = form
        } else {
            defaultForm = options.forms.count == 1 ? options.forms.keys.first : nil
        }
    }

    public var streamNames: [String] { [stream] }

    public func check() async throws {
        guard let export else { return }
        guard FileManager.default.isReadableFile(atPath: export.url.path) else {
            throw PortraitError.connector(
                "\(export.url.path): file not found or not readable; check options.path (relative paths start at portrait.yml's folder)")
        }
    }

    public func discover() async throws -> [StreamDescription] {
        var fields: [StreamDescription.Field] = []
        for form in options.forms.values.sorted(by: { $0.id < $1.id }) {
            for question in form.questions {
                fields.append(.init(path: "answers.\(question.id)", type: question.kind.rawValue, example: form.id))
            }
        }
        return [StreamDescription(name: stream, fields: fields)]
    }

    public func read(from state: ConnectorState?, into output: ConnectorOutput) async throws {
        guard let export else {
            try await output.warning(
                "connector '\(name)' has no options.path: its responses arrive through `portrait run` (POST /v1/forms/{form}/responses), not through sync")
            return
        }
        try await check()
        let size = (try? FileManager.default.attributesOfItem(atPath: export.url.path)[.size] as? Int) ?? 0
        var skip = state?.value["line"]?.intValue ?? 0
        let committedSize = state?.value["size"]?.intValue ?? 0
        if size < committedSize { skip = 0 }  // Replaced by a shorter export: read it all again.

        // Rows without submitted_at are dated by the export file, so importing it again changes nothing.
        let modified = (try? FileManager.default.attributesOfItem(atPath: export.url.path)[.modificationDate] as? Date) ?? Date()
        let fileDate = modified.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let reader = try export.open()
        var lastLine = skip
        var sinceCheckpoint = 0
        while let row = try reader.next() {
            guard row.line > skip else { continue }
            lastLine = row.line
            try await output.send(message(for: row, in: export, fileDate: fileDate))
            sinceCheckpoint += 1
            if sinceCheckpoint == Self.checkpointInterval {
                sinceCheckpoint = 0
                try await output.send(.checkpoint(ConnectorState(["line": .number(row.line), "size": .number(size)])))
            }
        }
        try await output.checkpoint(ConnectorState(["line": .number(lastLine), "size": .number(size)]))
    }

    /// One export row as a feedback record, or as an unreadable record with every reason.
    func message(for row: SurveyExport.Row, in export: SurveyExport, fileDate: String) -> ConnectorMessage {
        let location = "\(export.displayPath):\(row.line)"
        guard row.problems.isEmpty else {
            return .unreadable(UnreadableRecord(stream: stream, location: location, raw: row.raw, reasons: row.problems))
        }
        var answers = row.answers
        let formID = (answers.removeValue(forKey: "form_id") ?? answers.removeValue(forKey: "form"))?.textValue ?? defaultForm
        guard let formID else {
            return .unreadable(
                UnreadableRecord(
                    stream: stream, location: location, raw: row.raw,
                    reasons: ["no form: add a form_id column to the export, or set options.form"]))
        }
        let submittedAt = answers.removeValue(forKey: "submitted_at")?.textValue ?? fileDate
        // Without the tool's response id, the row's own text names it, so re-importing the export changes nothing.
        let responseID =
            answers.removeValue(forKey: "response_id")?.textValue
            ?? "sha256:" + String(ContentHash.sha256(Array("\(formID)\n\(row.raw)".utf8)).prefix(32))
        let submission = SurveySubmission(formID: formID, responseID: responseID, answers: answers, submittedAt: submittedAt)
        switch evaluator.evaluate(submission) {
        case .accepted(let feedback, _):
            return .record(SourceRecord(stream: stream, sourceID: responseID, fields: feedback, location: location, sourceText: row.raw))
        case .rejected(let errors):
            return .unreadable(
                UnreadableRecord(stream: stream, location: location, raw: row.raw, reasons: errors.map(\.description)))
        }
    }
}
