import Foundation
public import Logging
import PortraitConfig
import PortraitConnectors
import PortraitCore
public import PortraitIntake
import PortraitStore

/// The survey intake of `portrait run`: every enabled `survey` connector's forms behind one HTTP endpoint,
/// `POST /v1/forms/{form}/responses`, each accepted response durably committed before its 2xx.
public struct SurveyIntake: Sendable {
    public let server: IntakeServer
    /// The forms served, by id, with the connector each belongs to.
    public let forms: [String: String]
    /// Forms with no `secret`: imported from exports only, never served (nobody could sign a post).
    public let formsWithoutSecret: [String]

    /// - Throws: `PortraitError.configuration` when two survey connectors define the same form id.
    public init(
        workspace: Workspace, host: String? = nil, port: Int? = nil, probes: (any ServiceProbes)? = nil, logger: Logger
    ) throws {
        var routes: [String: SurveySink.Route] = [:]
        var intakeForms: [IntakeForm] = []
        var owners: [String: String] = [:]
        var unserved: [String] = []
        for connector in workspace.config.enabledConnectors where connector.kind == SurveyConnector.kind {
            guard
                let survey = try workspace.registry.instance(of: connector, config: workspace.config, logger: logger)
                    as? SurveyConnector
            else { continue }
            let committer = GroupCommitter(store: workspace.store, connector: connector.name)
            for (formID, _) in survey.options.forms {
                let place = "connector '\(connector.name)': options.forms.\(formID)"
                if let other = owners[formID] {
                    throw PortraitError.configuration(
                        "\(place): form '\(formID)' is also defined by connector '\(other)'; form ids are the URL path, so each must be unique")
                }
                let formOptions = connector.options["forms"]?[formID]
                guard let secret = formOptions?["secret"]?.stringValue, !secret.isEmpty else {
                    // A form only imported from exports: nobody could sign a post for it, so it is not served.
                    logger.notice(
                        "form not served: it has no secret",
                        metadata: ["form": .string(formID), "connector": .string(connector.name), "fix": .string("\(place).secret: \"${FORM_SECRET}\"")])
                    unserved.append(formID)
                    continue
                }
                let rate = formOptions?["rate_limit_per_minute"]?.intValue
                owners[formID] = connector.name
                intakeForms.append(IntakeForm(id: formID, secret: secret, ratePerMinute: rate))
                routes[formID] = SurveySink.Route(connector: connector, survey: survey, committer: committer)
            }
        }
        let service = workspace.config.service
        let configuration = IntakeConfiguration(
            host: host ?? service.host, port: port ?? service.port, maxBodyBytes: service.maxBodyBytes, forms: intakeForms)
        server = IntakeServer(configuration: configuration, sink: SurveySink(routes: routes), logger: logger, probes: probes)
        forms = owners
        formsWithoutSecret = unserved.sorted()
    }
}

/// Scores each submission with its form's definition and commits the feedback record through the group
/// committer: the sink returns, and the server answers 2xx, only once the record is in the store.
struct SurveySink: SubmissionSink {
    struct Route: Sendable {
        var connector: ConnectorConfig
        var survey: SurveyConnector
        var committer: GroupCommitter
    }

    let routes: [String: Route]

    func accept(_ submission: FormSubmission) async throws -> SubmissionOutcome {
        guard let route = routes[submission.formID] else { return .unknownForm }
        var answers = submission.fields
        let submittedAt =
            answers.removeValue(forKey: "submitted_at")?.textValue
            ?? submission.receivedAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let evaluation = route.survey.evaluator.evaluate(
            SurveySubmission(
                formID: submission.formID, responseID: submission.responseID, answers: answers, submittedAt: submittedAt))
        switch evaluation {
        case .rejected(let errors):
            return .rejected(errors.map { IntakeFieldError(field: $0.field, message: $0.message) })
        case .accepted(let feedback, _):
            let record = SourceRecord(
                stream: route.survey.stream, sourceID: submission.responseID, fields: feedback,
                location: "POST /v1/forms/\(submission.formID)/responses")
            switch route.connector.route(record) {
            case .store(let write):
                let isNew = try await route.committer.commit(write)
                return .stored(duplicate: !isNew)
            case .quarantine(let entry):
                // The form's own mapping refused it (a config that maps responses differently): say why.
                return .rejected(entry.reasons.map { IntakeFieldError(field: "(record)", message: $0) })
            }
        }
    }
}
