import CLibXML2
import PortraitCore

#if canImport(Glibc)
    import Glibc
#endif

/// Limits that keep a hostile or broken feed from costing unbounded memory or time.
struct XMLLimits: Sendable, Equatable {
    /// Deepest element nesting read (the root element is depth 1). libxml2's own limit (256) still applies
    /// to anything skipped.
    var maxDepth = 64
    /// Largest record, in bytes of XML; a larger one is quarantined and the feed goes on.
    var maxRecordBytes = 4 << 20
}

/// How element text is normalised.
enum XMLWhitespace: String, Sendable {
    /// Trimmed, each run of white space inside as one space (the default: feeds indent freely).
    case collapse
    /// Trimmed only.
    case trim
    /// As written.
    case preserve
}

/// One record element, read into fields.
struct XMLRecord: Sendable {
    /// The record's number in its document, from 1.
    var index: Int
    /// The line of its start tag (approximate past line 65,535, where libxml2 stops keeping element lines).
    var line: Int
    var fields: XMLRecordFields
}

/// A record's fields: by the field plan's slots when every field name is one key (the record is then never
/// built as an object, see `SourceRecord.slots`), its `each` lists by slot too when their field names are
/// (`lists`: empty otherwise); or as an object when a name nests (`customer.email`).
enum XMLRecordFields: Sendable {
    case slots(SourceColumns, [JSONValue?], lists: [SlotList?])
    case object([String: JSONValue])

    subscript(name: String) -> JSONValue? {
        switch self {
        case .slots(let columns, let values, let lists):
            guard let position = columns.position(of: name) else { return nil }
            return values[position] ?? (lists.isEmpty ? nil : lists[position]?.jsonValue)
        case .object(let object): return object[name]
        }
    }

    var object: [String: JSONValue] {
        switch self {
        case .slots(let columns, let values, let lists):
            return columns.object(slots: values, lists: lists).objectValue ?? [:]
        case .object(let object): return object
        }
    }
}

/// A record element that could not be read into fields (too large, nested too deep); the document goes on.
struct XMLInvalidRecord: Sendable {
    var index: Int
    var line: Int
    var reasons: [String]
}

/// Reads the records of one XML document with libxml2's streaming reader (`xmlTextReader`), one at a time.
///
/// Memory holds one record: the reader frees nodes behind it, and elements outside the record path are skipped
/// without being looked at. The parser is hardened: no entity substitution, no DTD loading, no network, and a
/// document that declares entities (the root of XXE and entity-expansion bombs) is refused as a whole.
/// Element names are compared as pointers interned in the reader's dictionary, namespaces by URI.
///
/// Not thread-safe: one reader, one task.
final class XMLRecordReader {
    enum Item {
        case record(XMLRecord)
        case invalid(XMLInvalidRecord)
    }

    let selection: XMLSelection
    let limits: XMLLimits
    let whitespace: XMLWhitespace
    let document: String
    /// Record elements passed so far (read, invalid or skipped).
    private(set) var recordCount = 0
    /// The root element as `local` or `{namespace URI}local`, once read: for saying why no record matched.
    private(set) var rootElement: String?
    /// libxml2's warnings so far (the first 20).
    var warnings: [String] { errors.warnings }

    private let input: XMLDecompressingInput
    private let closesInput: Bool
    private let context: ReaderContext
    private let errors: XMLErrorCollector
    private let reader: xmlTextReaderPtr
    /// `selection.localNames` interned in this reader's dictionary.
    private let interned: [UnsafePointer<xmlChar>?]
    /// The field tree as flat arrays.
    private let plan: XMLFieldPlan
    /// `plan.namespaces`, NUL-terminated, for `strcmp`.
    private let namespaceBytes: [[CChar]]
    /// The record's field names, when none nests: records are then handed over by slot.
    private let columns: SourceColumns?
    /// Per spec: the field names of an `each` list's element, when every list's are single keys and no list
    /// nests another (only then are lists handed over by slot); empty otherwise.
    private let listColumns: [SourceColumns?]
    /// Ancestors of the current node that are on the record path.
    private var pathMatched = 0
    /// The reader already stands on the next node (after `xmlTextReaderNext` skipped a subtree).
    private var positioned = false
    private var finished = false

    /// What libxml2's read callback needs: the input, and the prolog check; and what it saw of the input.
    final class ReaderContext {
        let input: any XMLInput
        var prolog = XMLPrologCheck()
        /// Bytes handed to libxml2 so far.
        var bytesRead = 0
        /// The input said it had no more bytes.
        var reachedEnd = false
        init(_ input: any XMLInput) { self.input = input }
    }

    /// libxml2 parse options: no network, big line numbers, compact text nodes. Never `XML_PARSE_NOENT`,
    /// `XML_PARSE_DTDLOAD`, `XML_PARSE_DTDATTR`, `XML_PARSE_DTDVALID` or `XML_PARSE_HUGE`.
    static let parseOptions = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue
            | XML_PARSE_NOXINCNODE.rawValue)

    /// - Parameters:
    ///   - input: The document's bytes; gzip files and zip archives are inflated as they are read
    ///     (`XMLDecompressingInput`). Given as an `XMLDecompressingInput`, it is the caller's to close (the next
    ///     feed of a zip archive is read from it after this one); otherwise the reader closes it when it goes.
    ///   - document: The document's name for messages (a path or a URL without its query).
    /// - Throws: `XMLDocumentError` when libxml2 cannot create a reader.
    init(input: any XMLInput, document: String, selection: XMLSelection, limits: XMLLimits, whitespace: XMLWhitespace)
        throws(XMLDocumentError)
    {
        let decompressing = input as? XMLDecompressingInput
        self.input = decompressing ?? XMLDecompressingInput(input)
        closesInput = decompressing == nil
        self.document = document
        self.selection = selection
        self.limits = limits
        self.whitespace = whitespace
        context = ReaderContext(self.input)
        errors = XMLErrorCollector()
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        guard
            let reader = xmlReaderForIO(
                xmlFeedRead, xmlFeedClose, contextPointer, document, nil, Self.parseOptions)
        else {
            throw XMLDocumentError(document: document, line: 0, column: 0, message: "libxml2 could not start a reader")
        }
        self.reader = reader
        xmlTextReaderSetStructuredErrorHandler(reader, xmlFeedErrorHandler, Unmanaged.passUnretained(errors).toOpaque())
        interned = selection.localNames.map { name in xmlTextReaderConstString(reader, name) }
        plan = XMLFieldPlan(selection)
        namespaceBytes = plan.namespaces.map { Array($0.utf8CString) }
        let keys = plan.specs[0].keys
        func flatColumns(_ keys: [[String]]) -> SourceColumns? {
            keys.allSatisfy({ $0.count == 1 }) && Set(keys.map { $0[0] }).count == keys.count
                ? SourceColumns(keys.map { $0[0] }) : nil
        }
        columns = flatColumns(keys)
        let listSpecs = plan.specs.dropFirst()
        let listsBySlot =
            columns != nil
            && listSpecs.allSatisfy { spec in
                !spec.kinds.contains { if case .each = $0 { true } else { false } } && flatColumns(spec.keys) != nil
            }
        listColumns = listsBySlot ? [nil] + listSpecs.map { flatColumns($0.keys) } : []
    }

    deinit {
        xmlFreeTextReader(reader)
        if closesInput { input.close() }
    }

    // MARK: Reading

    /// The next record, or nil at the end of the document.
    ///
    /// - Parameter skipping: Record elements to pass over without reading them (resuming after a checkpoint);
    ///   they still count in `recordCount`.
    /// - Throws: `XMLDocumentError` when the document is malformed or refused; records returned before stay valid.
    func next(skippingUntil skipTo: Int = 0) throws(XMLDocumentError) -> Item? {
        guard !finished else { return nil }
        let recordDepth = selection.recordPath.count - 1
        while try advance() {
            let type = xmlTextReaderNodeType(reader)
            switch type {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let depth = Int(xmlTextReaderDepth(reader))
                guard let node = xmlTextReaderCurrentNode(reader) else { continue }
                if depth + 1 > limits.maxDepth { throw tooDeep(depth: depth + 1) }
                if depth == 0 && rootElement == nil { rootElement = Self.describe(node) }
                guard depth == pathMatched, matches(node, step: depth) else {
                    try skipSubtree()
                    continue
                }
                if depth < recordDepth {
                    if xmlTextReaderIsEmptyElement(reader) == 0 { pathMatched += 1 }
                    continue
                }
                recordCount += 1
                if recordCount <= skipTo {
                    try skipSubtree()
                    continue
                }
                return try readRecord(node, depth: depth)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                pathMatched = min(pathMatched, Int(xmlTextReaderDepth(reader)))
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                try checkDoctype()
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue):
                throw refused("an entity reference; entities are not expanded in feeds")
            default:
                continue
            }
        }
        finished = true
        // An input may fail once libxml2 has the whole document (a gzip file whose trailer is missing, a zip
        // archive cut short after the feed's entry), which libxml2 does not report: said after the records.
        if let failure = input.failure {
            throw XMLDocumentError(
                document: document, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: failure)
        }
        return nil
    }

    /// Moves to the next node; false at the end of the document.
    private func advance() throws(XMLDocumentError) -> Bool {
        if positioned {
            positioned = false
            return true
        }
        let status = xmlTextReaderRead(reader)
        try checkErrors(status)
        return status == 1
    }

    /// Skips the current element's subtree; the reader then stands on the node after it.
    private func skipSubtree() throws(XMLDocumentError) {
        let status = xmlTextReaderNext(reader)
        try checkErrors(status)
        positioned = status == 1
        if status == 0 { finished = true }
    }

    /// Throws once libxml2 stops (-1), or at the end of a document that had errors. libxml2 parses ahead of the
    /// nodes it hands out, so an error is often reported while nodes before it are still to be read: those
    /// records are read first.
    @inline(__always)
    private func checkErrors(_ status: Int32) throws(XMLDocumentError) {
        // Once the root element is read the prolog check is over, and found no entity (it would have stopped the
        // input before the root): a node read without error needs no further look.
        if status == 1 && rootElement != nil { return }
        try checkErrorsAfterAnyNode(status)
    }

    private func checkErrorsAfterAnyNode(_ status: Int32) throws(XMLDocumentError) {
        if let line = context.prolog.entityDeclarationLine {
            finished = true
            throw XMLDocumentError(
                document: document, line: line, column: 0,
                message: "refused: \(Self.entityRefusal)")
        }
        if status != 1, let error = errors.firstError {
            finished = true
            if let damage = input.damageAfterParseError() {
                throw XMLDocumentError(
                    document: document, line: error.line, column: error.column,
                    message: "\(damage) (the parser had stopped there: \(error.message))")
            }
            throw XMLDocumentError(
                document: document, line: error.line, column: error.column,
                message: error.message + truncationHint(error))
        }
        if status < 0 {
            finished = true
            let reason = input.failure.map { "the input failed: \($0)" } ?? "libxml2 stopped reading the document"
            throw XMLDocumentError(
                document: document, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: reason)
        }
    }

    /// libxml2 names a document cut off inside its root element after whatever it was parsing ("Extra content at
    /// the end of the document" inside text, "Couldn't find end of Start Tag" inside a tag), which reads like
    /// another fault. So the likely cause is said as well when the parser still had elements open, the input had
    /// ended, and the error is at its very end: libxml2 consumed every byte (an error inside the document leaves
    /// the rest unconsumed), or it is the "end of document" error (which leaves a partial CDATA section
    /// unconsumed).
    private func truncationHint(_ error: XMLErrorCollector.Report) -> String {
        guard context.reachedEnd, error.openElements > 0,
            error.code == Int(XML_ERR_DOCUMENT_END.rawValue)
                || Int(xmlTextReaderByteConsumed(reader)) == context.bytesRead
        else { return "" }
        return
            " (the document ends there, inside its root element: it looks cut short, as a file still being written or an interrupted download is)"
    }

    /// Refuses a DOCTYPE that declares entities: external ones read files or URLs (XXE), internal ones nest into
    /// expansion bombs, and feeds have no use for either.
    private func checkDoctype() throws(XMLDocumentError) {
        guard let node = xmlTextReaderCurrentNode(reader) else { return }
        let dtd = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlDtd.self).pointee
        if dtd.entities != nil || dtd.pentities != nil {
            throw refused(Self.entityRefusal)
        }
    }

    static let entityRefusal =
        "the DOCTYPE declares entities, which feeds may not (they can read local files or expand without bound); remove the <!ENTITY …> declarations from the export"

    private func refused(_ reason: String) -> XMLDocumentError {
        finished = true
        return XMLDocumentError(
            document: document, line: Int(xmlTextReaderGetParserLineNumber(reader)),
            column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: "refused: \(reason)")
    }

    private func tooDeep(depth: Int) -> XMLDocumentError {
        refused(
            "elements are nested \(depth) deep, more than max_depth (\(limits.maxDepth)); raise options.max_depth if the feed really nests this deep"
        )
    }

    // MARK: Names

    private static func describe(_ node: xmlNodePtr) -> String {
        let local = node.pointee.name.map { String(cString: $0) } ?? ""
        guard let href = node.pointee.ns?.pointee.href else { return local }
        return "{\(String(cString: href))}\(local)"
    }

    /// True when `node` is step `step` of the record path: the local name by interned pointer, the namespace
    /// by URI.
    @inline(__always)
    private func matches(_ node: xmlNodePtr, step: Int) -> Bool {
        let (nameID, namespaceID) = plan.recordPath[step]
        guard node.pointee.name == interned[nameID] else { return false }
        return namespace(node.pointee.ns, is: namespaceID)
    }

    /// True when `ns` is the namespace `namespaceID` (0: no namespace). Compared by URI, never by prefix, and
    /// never by pointer: namespace declarations are freed with their elements, and their memory reused.
    @inline(__always)
    private func namespace(_ ns: xmlNsPtr?, is namespaceID: Int) -> Bool {
        guard let href = ns?.pointee.href else { return namespaceID == 0 }
        guard namespaceID != 0 else { return false }
        return namespaceBytes[namespaceID].withUnsafeBufferPointer {
            strcmp(UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self), $0.baseAddress!) == 0
        }
    }

    // MARK: One record

    /// What reading one record needs between elements. Kept in a local variable while a record is read (and
    /// in `spare` between records, for its buffers): helpers take it `inout`, so no access to it is checked
    /// at run time.
    private struct RecordState {
        /// An object being filled: the record, or one element of an `each` list.
        struct Builder {
            var spec: Int
            var values: [JSONValue?]
            /// Where the finished object goes: the enclosing builder and its slot (-1: none).
            var parentContext: Int
            var parentSlot: Int
        }

        /// Text being collected for one slot, from the element that opened it to its end.
        struct Capture {
            var context: Int
            var slot: Int
            /// The text so far, in `buffers`.
            var buffer: Int
        }

        /// One open element inside the record.
        struct Frame {
            /// Where this element's matched field nodes start in `matches`.
            var matchStart: Int
            /// Captures and builders this element opened, closed at its end.
            var captures = 0
            var builders = 0
        }

        var builders: [Builder] = []
        var captures: [Capture] = []
        var frames: [Frame] = []
        /// (builder, field node) pairs of every open element, in one array: no allocation per element.
        var matches: [(context: Int, node: Int)] = []
        /// Capture buffers, kept for reuse and filled in place: a field's text costs no allocation per record,
        /// and no retain of a buffer moved in and out of a capture.
        var buffers: [[UInt8]] = []
        /// Indices of `buffers` no capture uses.
        var freeBuffers: [Int] = []
        /// The record's `each` lists by slot, when lists are handed over by slot (`listColumns`).
        var lists: [SlotList?] = []

        mutating func reset() {
            lists = []
            builders.removeAll(keepingCapacity: true)
            // Captures still open when a record was given up on.
            for capture in captures { freeBuffers.append(capture.buffer) }
            captures.removeAll(keepingCapacity: true)
            frames.removeAll(keepingCapacity: true)
            matches.removeAll(keepingCapacity: true)
        }
    }

    private var spare = RecordState()

    private func readRecord(_ node: xmlNodePtr, depth recordDepth: Int) throws(XMLDocumentError) -> Item {
        var state = RecordState()
        swap(&state, &spare)
        defer { swap(&state, &spare) }
        state.reset()
        let index = recordCount
        let line = lineNumber(node)
        let start = xmlTextReaderByteConsumed(reader)
        let emptyRecord = [JSONValue?](repeating: nil, count: plan.slotCounts[0])
        state.builders.append(.init(spec: 0, values: emptyRecord, parentContext: -1, parentSlot: -1))
        var problem: String?

        state.matches.append((0, plan.roots[0]))
        var frame = RecordState.Frame(matchStart: 0)
        enterMatched(node, into: &frame, state: &state)
        if xmlTextReaderIsEmptyElement(reader) != 0 {
            close(frame, state: &state)
            let fields = fields(of: state.builders[0], lists: state.lists)
            return .record(XMLRecord(index: index, line: line, fields: fields))
        }
        state.frames.append(frame)

        while problem == nil, try advance() {
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                if Int(xmlTextReaderByteConsumed(reader) - start) > limits.maxRecordBytes {
                    problem = tooLarge
                    break
                }
                let depth = Int(xmlTextReaderDepth(reader))
                if depth + 1 > limits.maxDepth {
                    problem =
                        "elements are nested \(depth + 1) deep, more than max_depth (\(limits.maxDepth)); raise options.max_depth if the feed really nests this deep"
                    break
                }
                guard let child = xmlTextReaderCurrentNode(reader) else { continue }
                let parentEnd = state.matches.count
                var frame = RecordState.Frame(matchStart: parentEnd)
                for position in state.frames[state.frames.count - 1].matchStart..<parentEnd {
                    let (context, fieldNode) = state.matches[position]
                    for candidate in plan.nodes[fieldNode].children {
                        let childNode = plan.children[candidate]
                        let wanted = plan.nodes[childNode]
                        if child.pointee.name == interned[wanted.nameID],
                            namespace(child.pointee.ns, is: wanted.namespaceID)
                        {
                            state.matches.append((context, childNode))
                        }
                    }
                }
                if state.matches.count == parentEnd && state.captures.isEmpty {
                    try skipSubtree()
                    continue
                }
                enterMatched(child, into: &frame, state: &state)
                if xmlTextReaderIsEmptyElement(reader) != 0 {
                    close(frame, state: &state)
                } else {
                    state.frames.append(frame)
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                close(state.frames.removeLast(), state: &state)
                if state.frames.isEmpty {
                    let fields = fields(of: state.builders[0], lists: state.lists)
                    return .record(XMLRecord(index: index, line: line, fields: fields))
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                guard !state.captures.isEmpty, let value = xmlTextReaderConstValue(reader) else { continue }
                if Int(xmlTextReaderByteConsumed(reader) - start) > limits.maxRecordBytes {
                    problem = tooLarge
                    break
                }
                let text = UnsafeBufferPointer(start: value, count: Self.length(of: value))
                for position in state.captures.indices {
                    state.buffers[state.captures[position].buffer].append(contentsOf: text)
                }
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                throw refused("an entity reference; entities are not expanded in feeds")
            default:
                continue
            }
        }
        guard let problem else {
            // The document ended inside the record: libxml2 reports that as an error, checked above.
            throw XMLDocumentError(
                document: document, line: line, column: 0, message: "the document ends inside a record")
        }
        try skipRestOfRecord(depth: recordDepth)
        return .invalid(XMLInvalidRecord(index: index, line: line, reasons: [problem]))
    }

    private var tooLarge: String {
        "the record is larger than max_record_bytes (\(limits.maxRecordBytes) bytes); raise options.max_record_bytes if records really are this large"
    }

    /// Applies the matched field nodes to the element the reader stands on: attributes, text captures, lists.
    private func enterMatched(_ node: xmlNodePtr, into frame: inout RecordState.Frame, state: inout RecordState) {
        var position = frame.matchStart
        while position < state.matches.count {
            let (context, fieldNode) = state.matches[position]
            position += 1
            let field = plan.nodes[fieldNode]
            for attributeIndex in field.attributes {
                let attribute = plan.attributes[attributeIndex]
                if let value = attributeText(node, attribute.nameID, attribute.namespaceID) {
                    store(.string(value), context: context, slot: attribute.slot, state: &state)
                }
            }
            for slotIndex in field.textSlots {
                let buffer: Int
                if let free = state.freeBuffers.popLast() {
                    buffer = free
                    state.buffers[buffer].removeAll(keepingCapacity: true)
                } else {
                    buffer = state.buffers.count
                    state.buffers.append([])
                }
                state.captures.append(.init(context: context, slot: plan.textSlots[slotIndex], buffer: buffer))
                frame.captures += 1
            }
            for listIndex in field.lists {
                let list = plan.lists[listIndex]
                state.builders.append(
                    .init(
                        spec: list.spec, values: [JSONValue?](repeating: nil, count: plan.slotCounts[list.spec]),
                        parentContext: context, parentSlot: list.slot))
                frame.builders += 1
                // The list element is the root of its object's paths: its own attributes and children apply.
                state.matches.append((state.builders.count - 1, plan.roots[list.spec]))
            }
        }
    }

    /// Closes what an element opened: its text captures become values, its list objects are appended.
    private func close(_ frame: RecordState.Frame, state: inout RecordState) {
        state.matches.removeSubrange(frame.matchStart...)
        for _ in 0..<frame.captures {
            let capture = state.captures.removeLast()
            // Mutable access reads the buffer in place; a read copied it out (a retain and release per field).
            let text = state.buffers[capture.buffer].withUnsafeMutableBufferPointer {
                normalize(UnsafeBufferPointer($0))
            }
            store(.string(text), context: capture.context, slot: capture.slot, state: &state)
            state.freeBuffers.append(capture.buffer)
        }
        for _ in 0..<frame.builders {
            let builder = state.builders.removeLast()
            guard builder.parentContext >= 0 else { continue }
            if !listColumns.isEmpty, listColumns[builder.spec] != nil {
                // Lists do not nest here, so the parent is the record itself.
                if state.lists.isEmpty { state.lists = [SlotList?](repeating: nil, count: plan.slotCounts[0]) }
                if state.lists[builder.parentSlot] == nil {
                    state.lists[builder.parentSlot] = SlotList(columns: listColumns[builder.spec].unsafelyUnwrapped)
                }
                state.lists[builder.parentSlot]!.elements.append(builder.values)
            } else {
                store(.object(finish(builder)), context: builder.parentContext, slot: builder.parentSlot, state: &state)
            }
        }
    }

    private func store(_ value: JSONValue, context: Int, slot: Int, state: inout RecordState) {
        let kind = plan.kind(spec: state.builders[context].spec, slot: slot)
        let current = state.builders[context].values[slot]
        switch (kind, current) {
        case (.text, nil):
            state.builders[context].values[slot] = value
        case (_, .array(var list)?):
            state.builders[context].values[slot] = nil
            list.append(value)
            state.builders[context].values[slot] = .array(list)
        case (.text, let existing?):
            // A path that matches several elements: every value is kept, as a list.
            state.builders[context].values[slot] = .array([existing, value])
        case (.all, _), (.each, _):
            state.builders[context].values[slot] = .array([value])
        }
    }

    /// The record's fields: its slots as they are, or an object when field names nest.
    private func fields(of builder: RecordState.Builder, lists: [SlotList?]) -> XMLRecordFields {
        if let columns { return .slots(columns, builder.values, lists: lists) }
        return .object(finish(builder))
    }

    private func finish(_ builder: RecordState.Builder) -> [String: JSONValue] {
        let keys = plan.specs[builder.spec].keys
        var object: [String: JSONValue] = Dictionary(minimumCapacity: builder.values.count)
        for (slot, value) in builder.values.enumerated() {
            guard let value else { continue }
            if keys[slot].count == 1 {
                object[keys[slot][0]] = value
            } else {
                var nested = JSONValue.object(object)
                nested.setValue(value, atPath: keys[slot].joined(separator: "."))
                object = nested.objectValue ?? object
            }
        }
        return object
    }

    /// The normalised text of the attribute `nameID` in namespace `namespaceID` on `node`, if present.
    private func attributeText(_ node: xmlNodePtr, _ nameID: Int, _ namespaceID: Int) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard current.pointee.name == interned[nameID], namespace(current.pointee.ns, is: namespaceID) else {
                continue
            }
            // An attribute's value is its text children (predefined entities and character references are
            // already replaced; other entities are refused with the DOCTYPE). Mostly there is one: its text is
            // read in place, with no copy of its bytes.
            if let only = current.pointee.children, only.pointee.next == nil, let content = only.pointee.content {
                return normalize(UnsafeBufferPointer(start: content, count: Self.length(of: content)))
            }
            var value: [UInt8] = []
            var child = current.pointee.children
            while let text = child {
                child = text.pointee.next
                if let content = text.pointee.content {
                    value.append(contentsOf: UnsafeBufferPointer(start: content, count: Self.length(of: content)))
                }
            }
            return normalize(value)
        }
        return nil
    }

    /// Reads past the end of the record the reader is inside.
    private func skipRestOfRecord(depth recordDepth: Int) throws(XMLDocumentError) {
        while true {
            if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_END_ELEMENT.rawValue),
                Int(xmlTextReaderDepth(reader)) == recordDepth
            {
                return
            }
            let status = xmlTextReaderNext(reader)
            try checkErrors(status)
            if status != 1 {
                finished = true
                return
            }
        }
    }

    private func lineNumber(_ node: xmlNodePtr) -> Int {
        let line = Int(node.pointee.line)
        return line > 0 && line < 65_535 ? line : Int(xmlTextReaderGetParserLineNumber(reader))
    }

    // MARK: Text

    private func normalize(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { normalize($0) }
    }

    private func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        switch whitespace {
        case .preserve:
            return String(decoding: bytes, as: UTF8.self)
        case .trim:
            var start = bytes.startIndex
            var end = bytes.endIndex
            while start < end, Self.isSpace(bytes[start]) { start += 1 }
            while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        case .collapse:
            if !bytes.contains(where: Self.isSpace) { return String(decoding: bytes, as: UTF8.self) }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var pendingSpace = false
            for byte in bytes {
                if Self.isSpace(byte) {
                    pendingSpace = !result.isEmpty
                } else {
                    if pendingSpace { result.append(0x20) }
                    pendingSpace = false
                    result.append(byte)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    @inline(__always)
    private static func length(of text: UnsafePointer<xmlChar>) -> Int {
        strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// libxml2's read callback: fills its buffer from the reader's input.
private let xmlFeedRead: xmlInputReadCallback = { context, buffer, length in
    guard let context, let buffer, length > 0 else { return 0 }
    let box = Unmanaged<XMLRecordReader.ReaderContext>.fromOpaque(context).takeUnretainedValue()
    let count = box.input.read(into: buffer, count: Int(length))
    if count > 0 { box.bytesRead += count } else if count == 0 { box.reachedEnd = true }
    if count >= 0, box.prolog.isScanning {
        let bytes = UnsafeRawBufferPointer(start: buffer, count: count).bindMemory(to: UInt8.self)
        if !box.prolog.accept(bytes, atEnd: count == 0) { return -1 }
    }
    return Int32(count)
}

/// Looks at the bytes before the root element as they are read, before libxml2 parses them, and refuses an
/// entity declaration there: a bomb is stopped before a single entity is declared, let alone expanded.
///
/// Defence in depth, for ASCII-compatible encodings: the DOCTYPE node check in `XMLRecordReader` and libxml2's
/// own amplification limits still apply to anything this does not see (UTF-16 documents).
struct XMLPrologCheck {
    /// Until the root element's start tag.
    private(set) var isScanning = true
    /// Set when an entity declaration was found, with its line.
    private(set) var entityDeclarationLine: Int?
    private var line = 1
    /// The undecided end of the last chunk (a `<` too close to its end to tell what follows).
    private var pending: [UInt8] = []

    mutating func accept(_ chunk: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> Bool {
        let data = pending + chunk
        pending = []
        var index = 0
        let entity = Array("<!ENTITY".utf8)
        while index < data.count {
            let byte = data[index]
            if byte == 0x0A { line += 1 }
            if byte == UInt8(ascii: "<") {
                if index + entity.count > data.count && !atEnd {
                    pending = Array(data[index...])
                    return true
                }
                if data[index...].starts(with: entity) {
                    entityDeclarationLine = line
                    isScanning = false
                    return false
                }
                if index + 1 < data.count {
                    let next = data[index + 1]
                    if next != UInt8(ascii: "!") && next != UInt8(ascii: "?") {
                        isScanning = false  // The root element starts: the prolog is over.
                        return true
                    }
                }
            }
            index += 1
        }
        return true
    }
}

/// libxml2's close callback: the input is closed by the reader's owner, so nothing to do here.
private let xmlFeedClose: xmlInputCloseCallback = { _ in 0 }
