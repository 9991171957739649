import CLibXML2

/// Why a document stopped being read: malformed XML (libxml2's message), a refused construct (entity
/// declarations), or input that failed. Records before it were read normally.
struct XMLDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The document as operators know it (`drop/orders.xml`, a URL without its query).
    var document: String
    var line: Int
    var column: Int
    var message: String

    /// `drop/orders.xml:12:7: Opening and ending tag mismatch: order line 3 and feed`.
    var description: String {
        let place = line > 0 ? "\(document):\(line)\(column > 0 ? ":\(column)" : "")" : document
        return "\(place): \(message)"
    }
}

/// Collects what libxml2 reports for one reader, through the reader's own structured error handler: never the
/// process-wide handler, so two feeds parsed at once never see each other's errors.
final class XMLErrorCollector {
    /// One error as libxml2 reported it.
    struct Report {
        var line: Int
        var column: Int
        var message: String
        /// libxml2's `xmlParserErrors` code.
        var code: Int
        /// Elements the parser had open (started, not ended) when it reported the error.
        var openElements: Int
    }

    /// The first error or fatal error: the one that explains why the document stopped.
    private(set) var firstError: Report?
    /// Warnings, the first few only.
    private(set) var warnings: [String] = []

    func add(_ error: xmlError) {
        var message = error.message.map { String(cString: $0) } ?? "libxml2 error \(error.code)"
        while message.last?.isNewline == true || message.last == " " { message.removeLast() }
        if error.level.rawValue >= XML_ERR_ERROR.rawValue {
            if firstError == nil {
                // A parser's error carries its parser context, whose stack of open element names is public; what
                // another part of libxml2 reports may carry none, or another kind of context.
                let fromParser = [XML_FROM_PARSER, XML_FROM_NAMESPACE].contains { error.domain == Int32($0.rawValue) }
                let parser = fromParser ? error.ctxt?.assumingMemoryBound(to: xmlParserCtxt.self) : nil
                firstError = Report(
                    line: Int(error.line), column: Int(error.int2), message: message, code: Int(error.code),
                    openElements: Int(parser?.pointee.nameNr ?? 0))
            }
        } else if warnings.count < 20 {
            warnings.append("\(error.line > 0 ? "line \(error.line): " : "")\(message)")
        }
    }
}

/// The C function libxml2 calls for each error of a reader; `context` is the reader's `XMLErrorCollector`.
let xmlFeedErrorHandler: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue().add(error.pointee)
}
