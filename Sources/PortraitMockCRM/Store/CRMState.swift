import Foundation
import Synchronization

/// Everything a running mock shares between its connections and the test: the contacts, queued faults, issued
/// tokens, open Salesforce query cursors and the request log.
///
/// Requests arrive on NIO threads while the test reads and edits from its own task, so one `Mutex` guards it all.
/// Work under the lock is limited to picking records; pages are formatted after it is released.
final class CRMState: Sendable {
    /// A Salesforce query's result, kept so later pages read the same records even if the data changes.
    struct QueryCursor {
        /// The store's records when the query ran; an array shares its storage until the store next changes.
        var records: [ContactRecord]
        /// Indices into `records`, filtered and ordered, with `LIMIT` applied.
        var order: [Int]
        var fields: [SOQLQuery.Field]
        var batchSize: Int
    }

    /// One page of a Salesforce query.
    struct QueryPage {
        var totalSize: Int
        var records: [ContactRecord]
        var fields: [SOQLQuery.Field]
        /// The locator and offset of the next page, if any.
        var next: (locator: String, offset: Int)?
    }

    fileprivate struct Contents {
        /// Ordered by number: the HubSpot list order, found by binary search.
        var records: [ContactRecord] = []
        var positions: [UInt64: Int] = [:]
        /// Indices of all records by (updatedMillis, number), built on first use after a change.
        var modifiedOrder: [Int]?
        /// The same without archived records: the HubSpot search view.
        var activeModifiedOrder: [Int]?
        var faults: [(prefix: String?, fault: MockCRM.Fault)] = []
        var tokens: [String: ContinuousClock.Instant] = [:]
        var requests: [MockCRM.RequestRecord] = []
        var cursors: [String: QueryCursor] = [:]
        /// Cursor locators, oldest first, to close the oldest when too many are open.
        var cursorAges: [String] = []
        var queryCount = 0
        var baseURL = ""
    }

    /// Open Salesforce cursors kept; real orgs cap open cursors per user too.
    static let maximumOpenCursors = 32

    private let contents = Mutex(Contents())

    init(contacts: [MockCRM.Contact]) {
        contents.withLock { contents in
            contents.records = contacts.map(ContactRecord.init).sorted { $0.number < $1.number }
            contents.reindex()
        }
    }

    var baseURL: String {
        get { contents.withLock { $0.baseURL } }
        set { contents.withLock { $0.baseURL = newValue } }
    }

    // MARK: Data as the test sees it

    var contacts: [MockCRM.Contact] {
        contents.withLock { $0.records.map(\.contact) }
    }

    func update(ids: [String], at date: Date) {
        contents.withLock { contents in
            contents.modify(ids) { record in
                record.edit()
                record.setUpdated(date)
            }
        }
    }

    func archive(ids: [String], at date: Date) {
        contents.withLock { contents in
            contents.modify(ids) { record in
                record.contact.archived = true
                record.setUpdated(date)
            }
        }
    }

    /// Adds contacts, replacing any with the same id.
    func add(_ contacts: [MockCRM.Contact]) {
        let added = contacts.map(ContactRecord.init)
        contents.withLock { contents in
            for record in added {
                if let position = contents.positions[record.number] {
                    contents.records[position] = record
                } else {
                    contents.records.append(record)
                    contents.positions[record.number] = contents.records.count - 1
                }
            }
            contents.records.sort { $0.number < $1.number }
            contents.reindex()
        }
    }

    // MARK: Requests and faults

    func record(_ request: MockCRM.RequestRecord) {
        contents.withLock { $0.requests.append(request) }
    }

    var requests: [MockCRM.RequestRecord] {
        contents.withLock { $0.requests }
    }

    func inject(_ faults: [MockCRM.Fault], matching prefix: String?) {
        contents.withLock { $0.faults.append(contentsOf: faults.map { (prefix, $0) }) }
    }

    /// Removes and returns the first queued fault whose prefix matches `path`.
    func takeFault(for path: String) -> MockCRM.Fault? {
        contents.withLock { contents in
            guard let index = contents.faults.firstIndex(where: { $0.prefix.map(path.hasPrefix) ?? true }) else {
                return nil
            }
            return contents.faults.remove(at: index).fault
        }
    }

    // MARK: OAuth2 tokens

    /// Issues a random bearer token valid for `lifetime`.
    func issueToken(lifetime: Duration) -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "")
        let expiry = ContinuousClock.now + lifetime
        contents.withLock { $0.tokens[token] = expiry }
        return token
    }

    func isValidToken(_ token: String) -> Bool {
        guard let expiry = contents.withLock({ $0.tokens[token] }) else { return false }
        return ContinuousClock.now < expiry
    }

    func expireTokens() {
        contents.withLock { $0.tokens.removeAll() }
    }

    // MARK: HubSpot

    /// Up to `limit` records with numbers from `after` on that are (or, with `archived`, are not) archived, and
    /// the cursor of the next page if more follow.
    func listPage(after: UInt64, limit: Int, archived: Bool) -> (records: [ContactRecord], next: UInt64?) {
        contents.withLock { contents in
            let records = contents.records
            var low = 0
            var high = records.count
            while low < high {
                let middle = (low + high) / 2
                if records[middle].number < after { low = middle + 1 } else { high = middle }
            }
            var page: [ContactRecord] = []
            page.reserveCapacity(limit)
            var index = low
            while index < records.count {
                if records[index].contact.archived == archived {
                    if page.count == limit { return (page, page[page.count - 1].number + 1) }
                    page.append(records[index])
                }
                index += 1
            }
            return (page, nil)
        }
    }

    /// A page of the non-archived records whose `updatedMillis` lies in any of `intervals` (all of them if nil),
    /// ordered by (updatedMillis, number), or the reverse.
    func searchPage(
        intervals: [ClosedRange<Int64>]?, descending: Bool, offset: Int, limit: Int
    ) -> (total: Int, records: [ContactRecord]) {
        contents.withLock { contents in
            let order = contents.activeModifiedOrderBuilt()
            let records = contents.records
            // Each interval is a run of `order`; overlapping runs merge so no record appears twice.
            var runs: [Range<Int>] = []
            if let intervals {
                for interval in intervals {
                    let start = lowerBound(order, records, interval.lowerBound)
                    let end =
                        interval.upperBound == .max ? order.count : lowerBound(order, records, interval.upperBound + 1)
                    if start < end { runs.append(start..<end) }
                }
                runs.sort { $0.lowerBound < $1.lowerBound }
                var merged: [Range<Int>] = []
                for run in runs {
                    if let last = merged.last, run.lowerBound <= last.upperBound {
                        merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, run.upperBound)
                    } else {
                        merged.append(run)
                    }
                }
                runs = merged
            } else {
                runs = [0..<order.count]
            }
            let total = runs.reduce(0) { $0 + $1.count }
            guard offset < total else { return (total, []) }
            var page: [ContactRecord] = []
            page.reserveCapacity(min(limit, total - offset))
            for rank in offset..<min(offset + limit, total) {
                var position = descending ? total - 1 - rank : rank
                for run in runs {
                    if position < run.count {
                        page.append(records[order[run.lowerBound + position]])
                        break
                    }
                    position -= run.count
                }
            }
            return (total, page)
        }
    }

    // MARK: Salesforce

    /// Runs `query` over a snapshot of the data and returns its first page; a cursor is kept when more follow.
    func startQuery(_ query: SOQLQuery, includeDeleted: Bool, batchSize: Int) -> QueryPage {
        contents.withLock { contents in
            let records = contents.records
            var order: [Int]
            if query.ordersByID {
                order = Array(records.indices)
            } else if query.ordersByModification {
                order = contents.modifiedOrderBuilt()
            } else {
                order = Array(records.indices)
                order.sort { query.orders(records[$0], before: records[$1]) }
            }
            order.removeAll { index in
                let record = records[index]
                return (record.contact.archived && !includeDeleted) || !query.matches(record)
            }
            if let limit = query.limit, order.count > limit { order.removeLast(order.count - limit) }
            let cursor = QueryCursor(records: records, order: order, fields: query.fields, batchSize: batchSize)
            guard order.count > batchSize else { return cursor.page(at: 0, batchSize: batchSize, locator: "") }
            contents.queryCount += 1
            let locator = "01gMOCK" + String(contents.queryCount)
            contents.cursors[locator] = cursor
            contents.cursorAges.append(locator)
            if contents.cursorAges.count > Self.maximumOpenCursors {
                contents.cursors[contents.cursorAges.removeFirst()] = nil
            }
            return cursor.page(at: 0, batchSize: batchSize, locator: locator)
        }
    }

    /// The page of an open cursor starting at `offset`, in `batchSize` (or the query's own) records; nil if the
    /// cursor is unknown, closed, or does not reach `offset`.
    func queryPage(locator: String, offset: Int, batchSize: Int?) -> QueryPage? {
        contents.withLock { contents in
            guard let cursor = contents.cursors[locator], offset >= 0, offset < cursor.order.count else { return nil }
            return cursor.page(at: offset, batchSize: batchSize ?? cursor.batchSize, locator: locator)
        }
    }
}

extension CRMState.QueryCursor {
    func page(at offset: Int, batchSize: Int, locator: String) -> CRMState.QueryPage {
        let end = min(offset + batchSize, order.count)
        let next = end < order.count ? (locator, end) : nil
        return .init(
            totalSize: order.count, records: order[offset..<end].map { records[$0] }, fields: fields, next: next)
    }
}

extension CRMState.Contents {
    mutating func reindex() {
        positions = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.number, $0) })
        modifiedOrder = nil
        activeModifiedOrder = nil
    }

    /// Applies `change` to each record of `ids` the store holds; ids it does not hold are skipped.
    mutating func modify(_ ids: [String], _ change: (inout ContactRecord) -> Void) {
        for id in ids {
            guard let number = UInt64(id), let position = positions[number] else { continue }
            change(&records[position])
        }
        modifiedOrder = nil
        activeModifiedOrder = nil
    }

    mutating func modifiedOrderBuilt() -> [Int] {
        if let modifiedOrder { return modifiedOrder }
        let records = self.records
        let order = records.indices.sorted {
            (records[$0].updatedMillis, records[$0].number) < (records[$1].updatedMillis, records[$1].number)
        }
        modifiedOrder = order
        return order
    }

    mutating func activeModifiedOrderBuilt() -> [Int] {
        if let activeModifiedOrder { return activeModifiedOrder }
        let records = self.records
        let order = modifiedOrderBuilt().filter { !records[$0].contact.archived }
        activeModifiedOrder = order
        return order
    }
}

/// The first position in `order` whose record was modified at or after `millis`.
private func lowerBound(_ order: [Int], _ records: [ContactRecord], _ millis: Int64) -> Int {
    var low = 0
    var high = order.count
    while low < high {
        let middle = (low + high) / 2
        if records[order[middle]].updatedMillis < millis { low = middle + 1 } else { high = middle }
    }
    return low
}
