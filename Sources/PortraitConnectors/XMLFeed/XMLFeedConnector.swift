public import PortraitCore
import Foundation
import Logging
import PortraitHTTP
import Synchronization

/// Imports XML feeds of orders and customers (e-commerce platforms, partners): one file, a drop folder of
/// files, or an http(s) URL parsed as it streams in.
///
/// Records are the elements at `options.record`; their fields are paths relative to them (`@id`,
/// `shop:customer/shop:email`, `{ each: shop:line, fields: … }` for order lines), matched by namespace URI.
/// Parsing streams through libxml2's `xmlTextReader` (see `XMLRecordReader`), hardened against hostile XML.
///
/// A malformed document stops with its file, line, column and libxml2's message, after the records before the
/// error are committed with a checkpoint naming the document's SHA-256 and the record count: a rerun of the
/// same bytes resumes there, and a corrected file is read whole, its earlier records found unchanged.
/// A record that cannot be read (too large, nested too deep, no id) goes to quarantine with its element path
/// and line, and the document goes on.
public struct XMLFeedConnector: Connector {
    public static let kind = "xml_feed"
    public static let summary =
        "XML feeds (orders, customers) from a file, a drop folder or an http(s) URL, streamed and namespace-aware"
    public static var configSpec: JSONValue {
        SchemaRegistry.canonical.schema(named: "connectors/xml_feed.schema.json") ?? [:]
    }

    let name: String
    let options: XMLFeedOptions
    let logger: Logger

    public var watchedFolder: WatchedFolder? {
        if case .folder(let folder) = options.source { return folder.watched }
        return nil
    }

    public init(context: ConnectorContext) throws {
        name = context.name
        options = try XMLFeedOptions(context: context)
        logger = context.logger
    }

    public var streamNames: [String] { [options.stream] }

    public func check() async throws {
        switch options.source {
        case .file(let url, let display):
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw PortraitError.connector(
                    "\(display): file not found or not readable; check options.path (relative paths start at portrait.yml's folder)"
                )
            }
        case .folder(let folder):
            try folder.check()
        case .url(let url, let headers, let http, _, _):
            let stream = try await HTTPClient(configuration: http).stream(url, headers: headers)
            stream.close()
        }
    }

    public func discover() async throws -> [StreamDescription] {
        try await check()
        let input: any XMLInput
        let document: String
        switch options.source {
        case .file(let url, let display):
            input = try XMLFileInput(url: url, display: display)
            document = display
        case .folder(let folder):
            guard let sample = try folder.candidates().last else {
                return [StreamDescription(name: options.stream, fields: [])]
            }
            input = try XMLFileInput(url: sample.url, display: "\(folder.displayPath)/\(sample.name)")
            document = "\(folder.displayPath)/\(sample.name)"
        case .url(let url, let headers, let http, _, _):
            input = XMLStreamInput(try await HTTPClient(configuration: http).stream(url, headers: headers))
            document = HTTPClient.redacted(url)
        }
        let reader = try XMLRecordReader(
            input: input, document: document, selection: options.selection, limits: options.limits,
            whitespace: options.whitespace)
        var sample = StreamDescription.FieldSample()
        var count = 0
        var note: String?
        do {
            while count < 200, case .record(let record)? = try reader.next() {
                sample.add(.object(record.fields.object))
                count += 1
            }
        } catch {
            // The records before a malformed part still show the fields: the sample is what a mapping is written
            // from, and the error is said beside it.
            guard count > 0 else { throw error }
            note = "from the first \(count) record(s) only: \(error.description)"
        }
        let entity: Entity = options.stream.lowercased().contains("order") ? .order : .customer
        return [
            StreamDescription(
                name: options.stream, fields: sample.fields, suggestedEntity: entity,
                note: note)
        ]
    }

    public func read(from state: ConnectorState?, into output: ConnectorOutput) async throws {
        // A URL is checked by fetching it, which reading does anyway: checking first would fetch it twice.
        if case .url = options.source {} else { try await check() }
        var state = XMLFeedState(state)
        // Every document of this run is compared with the watermark committed before it: the watermark only
        // moves once a document is read to its end, so a killed or stopped run never skips what it did not reach.
        let since = state.watermark
        switch options.source {
        case .file(let url, let display):
            let name = url.lastPathComponent
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            let documentHash: DocumentHash
            if let size, state.isNewBySize(size) {
                // No file of this size was imported, so this one is new: it is read at once, and hashed beside
                // the parse for its checkpoints and import record (hashing first kept one core idle for 0.1 s
                // per 100 MB).
                documentHash = .pending(PendingHash { try Self.hash(url, display: display) }, size: size)
            } else {
                let sha256 = try Self.hash(url, display: display)
                if let earlier = state.imported[sha256] {
                    try await output.part(name, note: "unchanged since it was imported at \(earlier.at)")
                    return
                }
                documentHash = .known(sha256, size: size)
            }
            let input = try XMLFileInput(url: url, display: display)
            if let stop = try await importDocument(
                input, name: name, display: display, hash: documentHash, since: since, state: &state, output: output)
            {
                throw PortraitError.connector(stopMessage(stop))
            }
        case .folder(let folder):
            try await readFolder(folder, since: since, state: &state, output: output)
        case .url(let url, let headers, let http, let conditional, let retry):
            try await readURL(
                url, headers: headers, http: http, conditional: conditional, retry: retry, since: since, state: &state,
                output: output)
        }
    }

    /// The feed at `url`, streamed into the parser; asked with the validators of its last complete read, so an
    /// unchanged feed is not sent again.
    private func readURL(
        _ url: String, headers: [(String, String)], http: HTTPClient.Configuration, conditional: Bool,
        retry: RetryPolicy, since: String?, state: inout XMLFeedState, output: ConnectorOutput
    ) async throws {
        let display = HTTPClient.redacted(url)
        let urlHash = ContentHash.sha256(Array(url.utf8))
        let known = conditional ? state.validators.flatMap { $0.url == urlHash ? $0 : nil } : nil
        let stream = try await HTTPClient(configuration: http).stream(
            url, headers: headers + (known?.requestHeaders ?? []), retry: retry,
            onRetry: logger.retryLogger(connector: name, url: url))
        if let known, stream.isNotModified {
            try await output.part(
                display, note: "unchanged since it was read whole at \(known.at) (the server answered 304 Not Modified)")
            return
        }
        // The validators stand for a complete read: from here until this one completes they are gone, so a feed
        // stopped part-way is asked for in full next time, whatever the server's version by then.
        state.validators = nil
        if let stop = try await importDocument(
            XMLStreamInput(stream), name: display, display: display, hash: .none, since: since, state: &state,
            output: output)
        {
            throw PortraitError.connector(stopMessage(stop))
        }
        // Read whole: what the server said of this version is kept for the next request. (Known once the transfer
        // ended; a server that gave no validator is asked in full each time.)
        let etag = stream.finalHeader("ETag")
        let lastModified = stream.finalHeader("Last-Modified")
        state.validators =
            conditional && (etag != nil || lastModified != nil)
            ? .init(
                url: urlHash, etag: etag, lastModified: lastModified, at: ISO8601DateFormatter().string(from: Date()))
            : nil
        try await output.checkpoint(state.connectorState)
    }

    private static func hash(_ url: URL, display: String) throws -> String {
        do {
            return try ContentHash.sha256(fileAt: url)
        } catch {
            throw PortraitError.connector(
                "\(display): cannot read the file (\((error as NSError).localizedDescription)); check its permissions")
        }
    }

    /// Why a document stopped, and what was kept.
    struct Stop {
        var error: XMLDocumentError
        /// Records handled before the error (committed or quarantined).
        var records: Int
    }

    private func stopMessage(_ stop: Stop) -> String {
        let kept =
            stop.records == 0
            ? "no record was read from it"
            : "the \(stop.records) record\(stop.records == 1 ? "" : "s") before it \(stop.records == 1 ? "is" : "are") imported"
        return
            "\(stop.error.description); \(kept). Fix the document and sync again: records already imported stay unchanged, none is imported twice"
    }

    /// Each complete file of the drop folder, once; a malformed one moves to `rejected/` after its readable
    /// records are committed. A large file of a size no imported file has is new: it is hashed beside its parse
    /// (as a `path:` file is); any other is hashed first, to recognise one already imported under any name.
    private func readFolder(
        _ folder: DropFolder, since: String?, state: inout XMLFeedState, output: ConnectorOutput
    ) async throws {
        let files = try folder.candidates()
        if files.isEmpty, let advice = try folder.globAdvice(suffixes: [".xml", ".xml.gz", ".zip"]) {
            try await output.warning(advice, location: folder.displayPath)
        }
        for file in files {
            try Task.checkCancellation()
            let display = "\(folder.displayPath)/\(file.name)"
            let hash: DocumentHash
            if state.isNewBySize(Int(file.size)), folder.incompleteReason(file) == nil,
                FileManager.default.isReadableFile(atPath: file.url.path)
            {
                // As for a `path:` file: it is read at once and hashed beside the parse. Whether it changed
                // while read is asked once both are done.
                hash = .pending(PendingHash { try Self.hash(file.url, display: display) }, size: Int(file.size))
            } else {
                guard let sha256 = try await folder.pickUp(file, imported: state.imported, output: output) else {
                    continue
                }
                hash = .known(sha256, size: Int(file.size))
            }
            let input = try XMLFileInput(url: file.url, display: display)
            let stop = try await importDocument(
                input, name: file.name, display: display, hash: hash, since: since, state: &state, output: output)
            // A pending hash is worked out by now: the import's checkpoints and its record waited for it.
            let sha256: String
            switch hash {
            case .known(let known, _): sha256 = known
            case .pending(let pending, _): sha256 = try await pending.value
            case .none: preconditionFailure("a file always has a hash")
            }
            if let stop {
                let error = stop.error
                try folder.reject(file, sha256: sha256, reason: stopMessage(stop))
                try await output.warning(
                    "\(error.message); the \(stop.records) record(s) before it are imported, and the file moved to \(folder.rejectedName)/ with a .reason file. Drop the corrected file again: records already imported stay unchanged",
                    location: "\(error.document):\(error.line):\(error.column)")
                state.position = nil
                try await output.checkpoint(state.connectorState)
            } else if case .pending = hash, !folder.isUnchanged(file) {
                // Written to while it was read (a file hashed first is checked before it is read): its records
                // are imported, but it is neither archived nor known as imported, so it is read again once
                // complete, and what did not change comes out unchanged.
                state.imported.forget(sha256: sha256)
                try await output.warning(
                    "the file changed while it was read; the records read are imported, and the file stays in the folder to be read again once it stops changing",
                    location: display)
                try await output.checkpoint(state.connectorState)
            } else {
                try folder.archive(file, sha256: sha256)
            }
        }
    }

    /// Files from this size on are hashed beside the parse when they are new; a smaller one is hashed first
    /// (a few milliseconds), so its checkpoints come exactly every `checkpoint_records`.
    static let hashBesideBytes = 4 << 20

    /// A document's SHA-256 as `importDocument` has it.
    enum DocumentHash {
        /// A URL's body: no resume position, no import record.
        case none
        case known(String, size: Int?)
        /// Being worked out beside the parse, for a file known to be new: only checkpoints and the import
        /// record need it (they wait for it), and the run left no position to resume from.
        case pending(PendingHash, size: Int)
    }

    /// Reads one document's records into `output`, checkpointing as it goes: a file's or a URL's, each feed of
    /// a zip archive in turn.
    ///
    /// - Parameter since: The watermark committed when the run started; `state.watermark` moves past it only
    ///   once the document is read to its end.
    /// - Returns: nil when the document was read to its end; the error that stopped it otherwise, after the
    ///   records before it and a checkpoint are committed.
    private func importDocument(
        _ source: any XMLInput, name: String, display: String, hash: DocumentHash, since: String?,
        state: inout XMLFeedState, output: ConnectorOutput
    ) async throws -> Stop? {
        try await output.part(name)
        var sha256: String?
        var pending: PendingHash?
        var size: Int?
        switch hash {
        case .none: break
        case .known(let known, let knownSize): (sha256, size) = (known, knownSize)
        case .pending(let task, let knownSize): (pending, size) = (task, knownSize)
        }
        defer { pending?.cancel() }
        /// The document's hash, once it is needed: waits for a pending one.
        func documentHash() async throws -> String? {
            if let hash = pending {
                pending = nil
                sha256 = try await hash.value
            }
            return sha256
        }
        let resumeAt = sha256.flatMap { sha in state.position.flatMap { $0.sha256 == sha ? $0.records : nil } } ?? 0
        // A zip archive may hold several feeds: they are read in turn from one input, and their records counted on
        // from one to the next, so the position to resume from counts the archive's records.
        let input = XMLDecompressingInput(source)
        defer { input.close() }
        var watermark = XMLWatermark(committed: since)
        var handled = resumeAt
        var sinceCheckpoint = 0
        var skippedOld = 0
        var undated = 0

        /// A checkpoint after an error is waited for (the run reports the error once it is committed); the periodic
        /// ones inside a document are not: nothing here acts on them.
        func checkpoint(error: XMLDocumentError?) async throws {
            if let sha256 = try await documentHash() {
                state.position = .init(name: name, sha256: sha256, records: handled, error: error?.description)
            }
            if error == nil {
                try await output.checkpointWithoutWaiting(state.connectorState)
            } else {
                try await output.checkpoint(state.connectorState)
            }
            sinceCheckpoint = 0
        }

        /// The document stops here: the records before `error` and a checkpoint naming it are committed.
        func stop(_ error: XMLDocumentError) async throws -> Stop {
            try await checkpoint(error: error)
            try await report(skippedOld: skippedOld, undated: undated, display: display, output: output)
            return Stop(error: error, records: handled)
        }

        // The first feed goes by the document's name; a later one of the same archive by `archive/entry`.
        var feed = (display: display, id: name)
        /// Records of the archive's feeds before this one.
        var earlierRecords = 0
        while true {
            let reader = try XMLRecordReader(
                input: input, document: feed.display, selection: options.selection, limits: options.limits,
                whitespace: options.whitespace)
            let locationFormat = RecordLocationFormat(
                document: feed.display, recordPath: options.selection.recordPathText)
            let skipTo = max(resumeAt - earlierRecords, 0)
            while true {
                try Task.checkCancellation()
                await input.prefetch()
                let item: XMLRecordReader.Item?
                do {
                    item = try reader.next(skippingUntil: skipTo)
                } catch {
                    return try await stop(error)
                }
                guard let item else { break }
                // A periodic checkpoint waits for no pending hash: it is taken a little later instead.
                if sinceCheckpoint >= options.checkpointRecords, pending?.isFinished != false {
                    try await checkpoint(error: nil)
                }
                sinceCheckpoint += 1
                switch item {
                case .record(let record):
                    let location = locationFormat.text(line: record.line, index: record.index)
                    if let updatedField = options.updatedField {
                        switch watermark.decide(record.fields[updatedField]?.stringValue) {
                        case .keep: break
                        case .skip:
                            skippedOld += 1
                            handled = earlierRecords + record.index
                            continue
                        case .unreadable: undated += 1
                        }
                    }
                    try await output.send(message(for: record, document: feed.id, location: location))
                    handled = earlierRecords + record.index
                case .invalid(let invalid):
                    let location = locationFormat.text(line: invalid.line, index: invalid.index)
                    try await output.unreadable(
                        UnreadableRecord(stream: options.stream, location: location, raw: "", reasons: invalid.reasons))
                    handled = earlierRecords + invalid.index
                }
            }
            for warning in reader.warnings { try await output.warning(warning, location: feed.display) }
            if reader.recordCount == 0 {
                let root =
                    reader.rootElement.map { "the document's root element is \($0)" }
                    ?? "the document has no root element"
                try await output.warning(
                    "no element matched options.record (\(options.selection.recordPathText)); \(root). Check options.record and options.namespaces: names match by namespace URI ({URI}name), not by prefix",
                    location: feed.display)
            }
            guard let entry = input.nextDocument() else { break }
            earlierRecords += reader.recordCount
            feed = (display: "\(display)/\(entry)", id: "\(name)/\(entry)")
        }
        if let failure = input.failure {
            // The archive failed between two feeds (the reader reports a failure inside one itself).
            return try await stop(XMLDocumentError(document: feed.display, line: 0, column: 0, message: failure))
        }
        try await report(skippedOld: skippedOld, undated: undated, display: display, output: output)
        watermark.consider(state.watermark)
        if let newest = watermark.newest { state.watermark = newest.text }
        if let sha256 = try await documentHash() {
            state.recordImport(sha256: sha256, name: name, size: size, at: Date())
        }
        try await output.checkpoint(state.connectorState)
        return nil
    }

    /// Records left out by the watermark are said, not silently dropped.
    private func report(skippedOld: Int, undated: Int, display: String, output: ConnectorOutput) async throws {
        guard let field = options.updatedField else { return }
        if skippedOld > 0 {
            try await output.warning(
                "\(skippedOld) record\(skippedOld == 1 ? "" : "s") not updated since the last sync skipped (\(field) older than the watermark)",
                location: display)
        }
        if undated > 0 {
            try await output.warning(
                "\(undated) record\(undated == 1 ? " has" : "s have") no readable date-time in '\(field)' (options.updated_field); imported anyway",
                location: display)
        }
    }

    private func message(for record: XMLRecord, document: String, location: String) -> ConnectorMessage {
        let sourceID: String
        if let idField = options.idField {
            guard let id = record.fields[idField]?.stringValue, !id.isEmpty else {
                let found =
                    record.fields[idField].map { $0.arrayValue != nil ? "has several values" : "is empty" }
                    ?? "is missing"
                return .unreadable(
                    UnreadableRecord(
                        stream: options.stream, location: location,
                        raw: JSONValue.object(record.fields.object).canonicalText,
                        reasons: ["the id field '\(idField)' (options.id_field) \(found)"]))
            }
            sourceID = id
        } else {
            sourceID = "\(document)#\(record.index)"
        }
        // A record the feed marks deleted is stored as a deletion, so profiles and segments let it go.
        let isDeletion =
            options.deletion.map { deletion in
                record.fields[deletion.field]?.stringValue.map { deletion.values.contains($0.lowercased()) } ?? false
            } ?? false
        switch record.fields {
        case .slots(let columns, let values, let lists):
            return .record(
                SourceRecord(
                    stream: options.stream, sourceID: sourceID, columns: columns, slots: values, lists: lists,
                    location: location, isDeletion: isDeletion))
        case .object(let object):
            return .record(
                SourceRecord(
                    stream: options.stream, sourceID: sourceID, fields: .object(object), location: location,
                    isDeletion: isDeletion))
        }
    }
}

/// A record's location, `FILE:LINE /record/path[INDEX]`, from the parts that do not change, in a string given its
/// room first: joining five strings grew the text three times per record (0.9% of an XML import's CPU).
struct RecordLocationFormat {
    private let prefix: String
    private let middle: String

    init(document: String, recordPath: String) {
        prefix = document + ":"
        middle = " " + recordPath + "["
    }

    func text(line: Int, index: Int) -> String {
        var text = prefix
        text.reserveCapacity(prefix.utf8.count + middle.utf8.count + 42)  // Two 20-digit numbers and "]".
        text += String(line)
        text += middle
        text += String(index)
        text += "]"
        return text
    }
}

/// A file's SHA-256, worked out on another thread while the file is already being read.
final class PendingHash: Sendable {
    private let finished = Atomic<Bool>(false)
    private let task = Mutex<Task<String, any Error>?>(nil)

    init(_ work: @escaping @Sendable () throws -> String) {
        let task = Task.detached {
            defer { self.finished.store(true, ordering: .releasing) }
            return try work()
        }
        self.task.withLock { $0 = task }
    }

    /// True once `value` returns without waiting.
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    var value: String {
        get async throws { try await task.withLock { $0! }.value }
    }

    func cancel() {
        task.withLock { $0?.cancel() }
    }
}
