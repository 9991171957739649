import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The request context: Hummingbird's basic one plus the connection's channel, which the connection faults need.
struct MockCRMRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}

/// Answers every request: logs it, applies the next matching fault, checks credentials and routes it to the
/// HubSpot, Salesforce or token endpoints.
///
/// One responder rather than a `Router`: faults and the request log must see every request, including ones to
/// unknown paths, before any routing or authentication happens.
struct MockCRMResponder: HTTPResponder {
    typealias Context = MockCRMRequestContext

    /// Request bodies are small JSON or form documents; anything larger is a client bug.
    static let maximumBodyBytes = 1 << 20

    let state: CRMState
    let configuration: MockCRM.Configuration

    private var authenticator: Authenticator { Authenticator(auth: configuration.auth, state: state) }

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        let received = MockCRM.RequestRecord(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
            body: Array(buffer: body),
            receivedAt: .now
        )
        state.record(received)

        let fault = state.takeFault(for: received.path)
        switch fault {
        case .status(let status, let retryAfter, let text)?:
            var answer =
                text.map { Self.custom($0, status: status) }
                ?? APIShape(path: received.path).error(status: status, message: "Mock fault: HTTP \(status)")
            if let retryAfter { answer.headers.append(("Retry-After", retryAfter)) }
            return answer.response
        case .delay(let duration)?:
            try await Task.sleep(for: duration)
        case .dropConnection?:
            try await ConnectionFaults.drop(context.channel)
        case .hang?:
            try await ConnectionFaults.hang(context.channel)
        case .truncatedBody?, .invalidJSON?, nil:
            break
        }

        var answer = route(received)
        if answer.isPage, configuration.pageLatency > .zero {
            try await Task.sleep(for: configuration.pageLatency)
        }
        switch fault {
        case .truncatedBody?:
            return ConnectionFaults.truncated(answer, channel: context.channel)
        case .invalidJSON?:
            answer.status = 200
            answer.body = Array(answer.body.prefix(answer.body.count / 2))
            return answer.response
        default:
            return answer.response
        }
    }

    /// The normal answer to `request`.
    func route(_ request: MockCRM.RequestRecord) -> Answer {
        let path = request.path
        let shape = APIShape(path: path)
        switch path {
        case Authenticator.hubSpotTokenPath:
            return authenticator.token(request, shape: .hubSpot)
        case Authenticator.salesforceTokenPath:
            return authenticator.token(request, shape: .salesforce)
        case HubSpotAPI.listPath:
            let hubSpot = HubSpotAPI(state: state, maxPageSize: configuration.maxPageSize)
            return authorized(request, method: "GET", shape: shape) { hubSpot.list(request) }
        case HubSpotAPI.searchPath:
            let hubSpot = HubSpotAPI(state: state, maxPageSize: configuration.maxPageSize)
            return authorized(request, method: "POST", shape: shape) { hubSpot.search(request) }
        default:
            if let route = SalesforceAPI.Route(path: path) {
                return authorized(request, method: "GET", shape: shape) {
                    SalesforceAPI(state: state).answer(route, request)
                }
            }
            return shape.error(status: 404, message: "No mock CRM endpoint at \(path)", code: nil)
        }
    }

    private func authorized(
        _ request: MockCRM.RequestRecord, method: String, shape: APIShape, _ answer: () -> Answer
    ) -> Answer {
        guard request.method == method else {
            var refusal = shape.error(status: 405, message: "\(request.method) is not supported here; use \(method)")
            refusal.headers.append(("Allow", method))
            return refusal
        }
        guard authenticator.accepts(request) else { return shape.unauthorized }
        return answer()
    }

    /// A fault's own body, typed as JSON when it looks like JSON.
    private static func custom(_ text: String, status: Int) -> Answer {
        if text.first == "{" || text.first == "[" { return .json(text, status: status) }
        return Answer(status: status, headers: [("Content-Type", "text/plain;charset=utf-8")], body: Array(text.utf8))
    }
}

extension Answer {
    var fields: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }

    var response: Response {
        Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
