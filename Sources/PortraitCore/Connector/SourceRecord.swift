/// One record as a connector read it, before mapping: raw fields plus where it came from.
public struct SourceRecord: Sendable, Hashable {
    /// The stream within the source (`contacts`, `orders`, a file glob's name).
    public var stream: String
    /// The source's own id for the record; with the connector name and stream it is the record's key in the store.
    public var sourceID: String
    /// The fields as received (a JSON object).
    public var fields: JSONValue
    /// Where the record was read: `file:line`, a URL and page, an element path and line.
    public var location: String
    /// True when the source reports the record deleted or archived; it is recorded as a deletion, not ignored.
    public var isDeletion: Bool
    /// The record as the source wrote it (a CSV line), when that differs from `fields`: a record that fails
    /// mapping is quarantined with it, so an operator sees the line they know from the file.
    public var sourceText: String?

    public init(
        stream: String, sourceID: String, fields: JSONValue, location: String, isDeletion: Bool = false,
        sourceText: String? = nil
    ) {
        self.stream = stream
        self.sourceID = sourceID
        self.fields = fields
        self.location = location
        self.isDeletion = isDeletion
        self.sourceText = sourceText
    }
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

    public init(name: String, fields: [Field], suggestedEntity: Entity? = nil) {
        self.name = name
        self.fields = fields
        self.suggestedEntity = suggestedEntity
    }
}
