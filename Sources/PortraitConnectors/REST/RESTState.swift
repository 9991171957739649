import Foundation
import PortraitCore

/// A `rest` connector's checkpoint: the incremental cursor of the run, the newest update seen so far, and the
/// page after the last committed one, so a killed run resumes there with nothing lost and nothing twice.
struct RESTState: Equatable {
    enum Phase: String {
        case records, deletions
    }

    /// The `{since}` of this run (milliseconds since 1970): every page of a run asks with the same value.
    var since: Int64
    /// The newest updated-at value among the records committed in this run; the next run's `since`.
    var newest: Int64?
    var phase: Phase
    /// The next page to read; nil: the phase starts from its first page.
    var page: RESTPageCursor?
    /// Pages of this phase committed so far, so a resumed run numbers its pages (in record locations) as an
    /// uninterrupted one would.
    var pagesRead: Int

    init(since: Int64, newest: Int64? = nil, phase: Phase = .records, page: RESTPageCursor? = nil, pagesRead: Int = 0) {
        self.since = since
        self.newest = newest
        self.phase = phase
        self.page = page
        self.pagesRead = pagesRead
    }

    /// The state committed by an earlier run; nil or unreadable state starts from `initialSince`.
    init(_ state: ConnectorState?, initialSince: Int64) {
        let value = state?.value
        since = value?["since"].flatMap(RESTTimestamp.milliseconds) ?? initialSince
        newest = value?["newest"].flatMap(RESTTimestamp.milliseconds)
        phase = value?["phase"]?.stringValue.flatMap(Phase.init) ?? .records
        page = RESTPageCursor(state: value?["page"])
        pagesRead = page == nil ? 0 : value?["pages_read"]?.intValue ?? 0
    }

    /// The state after a whole run: the next run asks for what changed since the newest record seen.
    func completed() -> RESTState {
        RESTState(since: max(newest ?? since, since))
    }

    mutating func consider(_ updated: Int64) {
        if newest == nil || updated > newest! { newest = updated }
    }

    var connectorState: ConnectorState {
        var object: [String: JSONValue] = [
            "since": .string(RESTTimestamp.text(since, as: .iso8601Millis)),
            "phase": .string(phase.rawValue),
        ]
        if let newest { object["newest"] = .string(RESTTimestamp.text(newest, as: .iso8601Millis)) }
        if let page {
            object["page"] = page.state
            object["pages_read"] = .number(pagesRead)
        }
        return ConnectorState(.object(object))
    }
}
