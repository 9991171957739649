/// One record as a connector read it, before mapping: raw fields plus where it came from.
///
/// A tabular source (a CSV file) gives its rows as `SourceRecord(…, columns:values:…)`: the values by column,
/// with the file's column names shared by every row. `fields` is then built only when asked for; the sync reads
/// the row's raw text and the values a mapping needs straight from the columns, which is most of what makes a
/// CSV import fast.
public struct SourceRecord: Sendable, Hashable {
    /// The stream within the source (`contacts`, `orders`, a file glob's name).
    public var stream: String
    /// The source's own id for the record; with the connector name and stream it is the record's key in the store.
    public var sourceID: String
    /// Where the record was read: `file:line`, a URL and page, an element path and line.
    public var location: String
    /// True when the source reports the record deleted or archived; it is recorded as a deletion, not ignored.
    public var isDeletion: Bool
    /// The record as the source wrote it (a CSV line), when that differs from `fields`: a record that fails
    /// mapping is quarantined with it, so an operator sees the line they know from the file.
    public var sourceText: String?
    /// The fields: a JSON object, or a row of a tabular source.
    private var payload: Payload

    private enum Payload: Sendable {
        case fields(JSONValue)
        case row(SourceColumns, [String])
        /// `lists` is empty, or has one entry per column (nil where the column is a plain value).
        case slots(SourceColumns, [JSONValue?], [SlotList?])
    }

    public init(
        stream: String, sourceID: String, fields: JSONValue, location: String, isDeletion: Bool = false,
        sourceText: String? = nil
    ) {
        self.stream = stream
        self.sourceID = sourceID
        self.payload = .fields(fields)
        self.location = location
        self.isDeletion = isDeletion
        self.sourceText = sourceText
    }

    /// A row of a tabular source: `values[i]` is the text of column `columns.names[i]`.
    public init(
        stream: String, sourceID: String, columns: SourceColumns, values: [String], location: String,
        isDeletion: Bool = false, sourceText: String? = nil
    ) {
        precondition(values.count == columns.names.count, "a row has one value per column")
        self.stream = stream
        self.sourceID = sourceID
        self.payload = .row(columns, values)
        self.location = location
        self.isDeletion = isDeletion
        self.sourceText = sourceText
    }

    /// A record whose fields a connector holds by position, such as an XML feed's record by its field plan:
    /// `values[i]` is the value of field `columns.names[i]`, nil where the record has none, and `lists[i]`
    /// (when given) a list of objects held by slot in the same way (an order's lines). Its raw text and mapping
    /// then read the values in place, with no object built and no key sorted per record or per line.
    public init(
        stream: String, sourceID: String, columns: SourceColumns, slots values: [JSONValue?],
        lists: [SlotList?] = [], location: String, isDeletion: Bool = false, sourceText: String? = nil
    ) {
        precondition(values.count == columns.names.count, "a record has one slot per column")
        precondition(lists.isEmpty || lists.count == columns.names.count, "lists has one entry per column, or none")
        precondition(columns.areDistinct, "slotted fields have distinct names")
        self.stream = stream
        self.sourceID = sourceID
        self.payload = .slots(columns, values, lists)
        self.location = location
        self.isDeletion = isDeletion
        self.sourceText = sourceText
    }

    /// The fields as received (a JSON object; a row's columns as strings).
    public var fields: JSONValue {
        get {
            switch payload {
            case .fields(let fields): return fields
            case .row(let columns, let values): return columns.object(values)
            case .slots(let columns, let values, let lists): return columns.object(slots: values, lists: lists)
            }
        }
        set { payload = .fields(newValue) }
    }

    /// The columns, values and lists of a record made with `init(stream:sourceID:columns:slots:…)`.
    public var slots: (columns: SourceColumns, values: [JSONValue?], lists: [SlotList?])? {
        if case .slots(let columns, let values, let lists) = payload { return (columns, values, lists) }
        return nil
    }

    /// The row's columns and values, when the record is a row of a tabular source.
    public var row: (columns: SourceColumns, values: [String])? {
        if case .row(let columns, let values) = payload { return (columns, values) }
        return nil
    }

    /// `fields.canonicalText`, written straight from the values for a row.
    public var rawText: String {
        switch payload {
        case .fields(let fields): return fields.canonicalText
        case .row(let columns, let values): return columns.canonicalText(values)
        case .slots(let columns, let values, let lists): return columns.canonicalText(slots: values, lists: lists)
        }
    }

    public static func == (lhs: SourceRecord, rhs: SourceRecord) -> Bool {
        lhs.stream == rhs.stream && lhs.sourceID == rhs.sourceID && lhs.location == rhs.location
            && lhs.isDeletion == rhs.isDeletion && lhs.sourceText == rhs.sourceText && lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(stream)
        hasher.combine(sourceID)
        hasher.combine(location)
        hasher.combine(fields)
    }
}

/// The column names of a tabular source (one CSV file's header), shared by all its rows, with what writing a
/// row's raw text needs worked out once.
public final class SourceColumns: Sendable {
    public let names: [String]
    /// Column positions in the order `canonicalText` writes object keys.
    private let sortedOrder: [Int]
    /// `"name":` per column, as `canonicalText` writes it.
    private let memberPrefixes: PackedBytes
    /// Names are distinct: a row is then exactly the object of its columns. With a repeated name the object
    /// keeps the last value, and the row takes the general path.
    public let areDistinct: Bool
    private let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        sortedOrder = names.indices.sorted { names[$0] < names[$1] }
        memberPrefixes = PackedBytes(names.map(ByteSink.memberPrefix))
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() { positions[name] = index }
        self.positions = positions
        areDistinct = positions.count == names.count
    }

    /// The position of the column `name` (the last, if the name repeats).
    public func position(of name: String) -> Int? { positions[name] }

    /// The row as a JSON object of strings.
    func object(_ values: [String]) -> JSONValue {
        var object: [String: JSONValue] = Dictionary(minimumCapacity: names.count)
        for index in names.indices { object[names[index]] = .string(values[index]) }
        return .object(object)
    }

    /// The fields with a value as a JSON object (`lists`: empty, or one entry per column).
    public func object(slots values: [JSONValue?], lists: [SlotList?] = []) -> JSONValue {
        var object: [String: JSONValue] = Dictionary(minimumCapacity: names.count)
        for index in names.indices {
            if let value = values[index] {
                object[names[index]] = value
            } else if !lists.isEmpty, let list = lists[index] {
                object[names[index]] = list.jsonValue
            }
        }
        return .object(object)
    }

    /// `object(slots:lists:).canonicalText`, written in key order without building the object (names are
    /// distinct).
    func canonicalText(slots values: [JSONValue?], lists: [SlotList?]) -> String {
        ByteSink.string(capacity: 1024) { sink in write(slots: values, lists: lists, into: &sink) }
    }

    func write(slots values: [JSONValue?], lists: [SlotList?] = [], into sink: inout ByteSink) {
        sink.append(UInt8(ascii: "{"))
        var first = true
        for index in sortedOrder {
            let list = lists.isEmpty ? nil : lists[index]
            guard values[index] != nil || list != nil else { continue }
            if !first { sink.append(UInt8(ascii: ",")) }
            first = false
            sink.append(memberPrefixes[index])
            if let value = values[index] {
                sink.write(value)
            } else if let list {
                sink.append(UInt8(ascii: "["))
                for (position, element) in list.elements.enumerated() {
                    if position > 0 { sink.append(UInt8(ascii: ",")) }
                    list.columns.write(slots: element, into: &sink)
                }
                sink.append(UInt8(ascii: "]"))
            }
        }
        sink.append(UInt8(ascii: "}"))
    }

    /// `object(values).canonicalText`, written without building the object.
    func canonicalText(_ values: [String]) -> String {
        guard areDistinct else { return object(values).canonicalText }
        return ByteSink.string(capacity: 512) { sink in
            sink.append(UInt8(ascii: "{"))
            for (position, index) in sortedOrder.enumerated() {
                if position > 0 { sink.append(UInt8(ascii: ",")) }
                sink.append(memberPrefixes[index])
                sink.writeString(values[index])
            }
            sink.append(UInt8(ascii: "}"))
        }
    }
}

/// A list of objects held by slot, such as the lines of an order read from an XML feed: `elements[e][i]` is the
/// value of field `columns.names[i]` of element `e`, nil where the element has none. As a JSON value it is the
/// array of those objects.
public struct SlotList: Sendable {
    public let columns: SourceColumns
    public var elements: [[JSONValue?]]

    public init(columns: SourceColumns, elements: [[JSONValue?]] = []) {
        precondition(columns.areDistinct, "slotted fields have distinct names")
        self.columns = columns
        self.elements = elements
    }

    /// The list as a JSON array of objects.
    public var jsonValue: JSONValue { .array(elements.map { columns.object(slots: $0) }) }
}

/// A connector's resume position: opaque JSON that only the connector interprets (a cursor, a file offset).
public struct ConnectorState: Codable, Sendable, Hashable {
    public var value: JSONValue

    public init(_ value: JSONValue) {
        self.value = value
    }
}

/// Something an operator should know about a read that did not stop it.
public struct ConnectorWarning: Sendable, Hashable {
    public var message: String
    public var location: String?

    public init(_ message: String, location: String? = nil) {
        self.message = message
        self.location = location
    }
}

/// What `Connector.read` yields, in order.
public enum ConnectorMessage: Sendable, Hashable {
    /// A record read from the source.
    case record(SourceRecord)
    /// Everything yielded before this is covered by this state: the hub persists it in the same transaction
    /// as those records, so a resumed run starts after them.
    case checkpoint(ConnectorState)
    /// A checkpoint the connector does not wait for: persisted with the records before it, in order, exactly like
    /// `checkpoint`, but taken as soon as it is buffered. For the periodic checkpoints of a long read, after which
    /// the connector does nothing that needs its input committed (waiting drained the pipeline each time: an XML
    /// feed read 30% slower with a checkpoint every 10,000 records).
    case checkpointWithoutWaiting(ConnectorState)
    case warning(ConnectorWarning)
    /// A record the connector could not turn into fields (a malformed line); it goes to quarantine with the reasons.
    case unreadable(UnreadableRecord)
    /// What follows belongs to this part of the source (one file of a drop folder) until the next part, so the
    /// run report counts per part. A part that yields no records (a file skipped or rejected) says why in its note.
    case part(ConnectorPart)
}

/// A named piece of one run's input, such as one file of a drop folder.
public struct ConnectorPart: Sendable, Hashable, Codable {
    /// The part's name as operators know it (`pos_0114.csv`).
    public var name: String
    /// What happened to the part as a whole, when not imported normally (`skipped: identical to …`).
    public var note: String?

    public init(_ name: String, note: String? = nil) {
        self.name = name
        self.note = note
    }
}

/// A piece of input the connector could not read as a record, kept so nothing is silently dropped.
public struct UnreadableRecord: Sendable, Hashable {
    public var stream: String
    public var location: String
    /// The raw input as text (the line, the element), as far as it could be read.
    public var raw: String
    public var reasons: [String]

    public init(stream: String, location: String, raw: String, reasons: [String]) {
        self.stream = stream
        self.location = location
        self.raw = raw
        self.reasons = reasons
    }
}

/// A stream a connector offers and the fields seen in it, used to write a mapping.
public struct StreamDescription: Sendable, Hashable, Codable {
    public struct Field: Sendable, Hashable, Codable {
        /// Dotted path of the field (`properties.email`).
        public var path: String
        /// JSON type seen (`string`, `number`, …).
        public var type: String
        /// One value seen, for the operator's orientation.
        public var example: String?

        public init(path: String, type: String, example: String? = nil) {
            self.path = path
            self.type = type
            self.example = example
        }
    }

    public var name: String
    public var fields: [Field]
    /// The canonical entity the stream most likely maps to, if the connector can tell.
    public var suggestedEntity: Entity?
    /// What the operator should know of the sample (the fields come from part of it only, and why).
    public var note: String?

    public init(name: String, fields: [Field], suggestedEntity: Entity? = nil, note: String? = nil) {
        self.name = name
        self.fields = fields
        self.suggestedEntity = suggestedEntity
        self.note = note
    }
}

extension StreamDescription {
    /// The fields of sample records as `discover` shows them to write a mapping from: each path once (a list as
    /// itself and its elements' fields as `lines[].sku`), with its type and the first value seen, sorted by path.
    public struct FieldSample: Sendable {
        private var byPath: [String: Field] = [:]

        public init() {}

        public mutating func add(_ record: JSONValue) {
            for (path, leaf) in record.leaves(listElements: true) where byPath[path] == nil {
                byPath[path] = Field(path: path, type: leaf.typeName, example: leaf.textValue)
            }
        }

        public var fields: [Field] { byPath.values.sorted { $0.path < $1.path } }
    }
}
