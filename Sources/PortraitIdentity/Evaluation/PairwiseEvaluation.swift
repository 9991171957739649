public import Foundation

/// A record as the store keys it: which connector read it, from which stream, under which source id.
public struct RecordRef: Hashable, Sendable {
    public var connector: String
    public var stream: String
    public var sourceID: String

    public init(connector: String, stream: String, sourceID: String) {
        self.connector = connector
        self.stream = stream
        self.sourceID = sourceID
    }
}

/// Pairwise precision and recall of a clustering against the truth: over all pairs of records, the pairs put in
/// one cluster that are one entity (true positives), that are not (false positives), and the pairs of one entity
/// left in different clusters (false negatives).
///
/// Pairs are counted from the contingency table of (predicted cluster, true entity) cells, never pair by pair:
/// a cell of `n` records holds `n(n-1)/2` true positive pairs, so a million records cost a few dictionary passes.
/// Counts are `Int` (64-bit), enough for the `5·10^11` pairs of one cluster of a million.
///
/// Only records present in both the truth and the prediction are counted; the others are reported.
public struct PairwiseEvaluation: Sendable, Hashable {
    public var truePositivePairs: Int
    public var falsePositivePairs: Int
    public var falseNegativePairs: Int
    /// True positives over predicted pairs; 1 when nothing is predicted together (no pair can be wrong).
    public var precision: Double
    /// True positives over true pairs; 1 when the truth has no pair (no pair can be missed).
    public var recall: Double
    /// The harmonic mean of precision and recall; 0 when both are 0.
    public var f1: Double
    /// Distinct predicted clusters among the records in both.
    public var predictedClusters: Int
    /// Distinct true entities among the records in both.
    public var trueClusters: Int
    public var recordsInBoth: Int
    public var recordsOnlyInTruth: Int
    public var recordsOnlyPredicted: Int

    /// Compares a predicted clustering (record → cluster id) with the truth (record → entity id).
    ///
    /// Cluster and entity ids are only compared for equality within their own side; they need not match each other.
    public static func evaluate(truth: [RecordRef: String], predicted: [RecordRef: String]) -> PairwiseEvaluation {
        var predictedIndex: [String: Int] = [:]
        var trueIndex: [String: Int] = [:]
        var predictedSizes: [Int] = []
        var trueSizes: [Int] = []
        var cells: [Cell: Int] = [:]
        var inBoth = 0
        for (record, entity) in truth {
            guard let cluster = predicted[record] else { continue }
            inBoth += 1
            let p = index(of: cluster, in: &predictedIndex, sizes: &predictedSizes)
            let t = index(of: entity, in: &trueIndex, sizes: &trueSizes)
            predictedSizes[p] += 1
            trueSizes[t] += 1
            cells[Cell(predicted: p, truth: t), default: 0] += 1
        }
        let truePositives = cells.values.reduce(0) { $0 + pairs($1) }
        let predictedPairs = predictedSizes.reduce(0) { $0 + pairs($1) }
        let truePairs = trueSizes.reduce(0) { $0 + pairs($1) }
        let precision = predictedPairs == 0 ? 1 : Double(truePositives) / Double(predictedPairs)
        let recall = truePairs == 0 ? 1 : Double(truePositives) / Double(truePairs)
        return PairwiseEvaluation(
            truePositivePairs: truePositives, falsePositivePairs: predictedPairs - truePositives,
            falseNegativePairs: truePairs - truePositives, precision: precision, recall: recall,
            f1: precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            predictedClusters: predictedSizes.count, trueClusters: trueSizes.count, recordsInBoth: inBoth,
            recordsOnlyInTruth: truth.count - inBoth, recordsOnlyPredicted: predicted.count - inBoth)
    }

    private struct Cell: Hashable {
        var predicted: Int
        var truth: Int
    }

    private static func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }

    private static func index(of id: String, in indexes: inout [String: Int], sizes: inout [Int]) -> Int {
        if let index = indexes[id] { return index }
        indexes[id] = sizes.count
        sizes.append(0)
        return sizes.count - 1
    }
}

// MARK: - Truth files

extension PairwiseEvaluation {
    /// Reads a truth file: CSV (RFC 4180, UTF-8) with a header naming the columns `connector`, `stream`,
    /// `source_id` and `entity_id` (or `person_id`, as `portrait generate` writes it) in any order (other columns are
    /// ignored), then one record per row.
    ///
    /// Quoted fields may hold commas, doubled quotes and line breaks; line ends may be LF or CRLF; empty lines are
    /// skipped. A record listed twice with the same entity counts once.
    ///
    /// - Throws: `TruthFileError` naming `file:line` for an unreadable file, a missing column, a row with the
    ///   wrong number of fields, a broken quote, an empty value, or a record listed twice with different entities.
    public static func readTruth(at url: URL) throws -> [RecordRef: String] {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TruthFileError(path: path, line: nil, reason: "cannot be read (\(error.localizedDescription))")
        }
        var truth: [RecordRef: String] = [:]
        var firstLine: [RecordRef: Int] = [:]
        var columns: (connector: Int, stream: Int, sourceID: Int, entityID: Int, count: Int)?
        try data.withUnsafeBytes { raw in
            var reader = CSVRowReader(bytes: raw.bindMemory(to: UInt8.self), path: path)
            while let (line, fields) = try reader.next() {
                guard let header = columns else {
                    let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    func column(_ name: String) throws -> Int {
                        guard let index = names.firstIndex(of: name) else {
                            throw TruthFileError(
                                path: path, line: line,
                                reason: "the header has no '\(name)' column; "
                                    + "it must name connector,stream,source_id,entity_id")
                        }
                        return index
                    }
                    // `person_id` is what `portrait generate` writes; it names the same thing.
                    let entity = try names.firstIndex(of: "person_id") ?? column("entity_id")
                    columns = (
                        try column("connector"), try column("stream"), try column("source_id"), entity, fields.count
                    )
                    continue
                }
                guard fields.count == header.count else {
                    throw TruthFileError(
                        path: path, line: line,
                        reason: "\(fields.count) fields, but the header has \(header.count)")
                }
                let record = RecordRef(
                    connector: fields[header.connector], stream: fields[header.stream],
                    sourceID: fields[header.sourceID])
                let entity = fields[header.entityID]
                for (name, value) in [
                    ("connector", record.connector), ("stream", record.stream), ("source_id", record.sourceID),
                    ("entity_id", entity),
                ] where value.isEmpty {
                    throw TruthFileError(path: path, line: line, reason: "\(name) is empty")
                }
                if let known = truth[record] {
                    guard known == entity else {
                        throw TruthFileError(
                            path: path, line: line,
                            reason: "\(record.connector)/\(record.stream)/\(record.sourceID) is entity '\(entity)' "
                                + "here but '\(known)' at line \(firstLine[record] ?? 0)")
                    }
                    continue
                }
                truth[record] = entity
                firstLine[record] = line
            }
        }
        guard columns != nil else {
            throw TruthFileError(
                path: path, line: nil, reason: "is empty; it needs the header connector,stream,source_id,entity_id")
        }
        return truth
    }
}

/// A truth file that cannot be used, with the place (`file:line`) and what is wrong.
public struct TruthFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// The physical line where the offending row starts, counted from 1; nil for the file as a whole.
    public var line: Int?
    public var reason: String

    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}

/// RFC 4180 rows from UTF-8 bytes, with the physical line each row starts on.
private struct CSVRowReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    private var position = 0
    private var line = 1

    init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// The next non-empty row and its first line, or nil at the end.
    mutating func next() throws(TruthFileError) -> (line: Int, fields: [String])? {
        // Empty lines are skipped, but counted.
        while position < bytes.count, bytes[position] == UInt8(ascii: "\n") || bytes[position] == UInt8(ascii: "\r") {
            consumeLineEnd()
        }
        guard position < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        while true {
            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                position += 1
                while true {
                    guard position < bytes.count else {
                        throw TruthFileError(path: path, line: start, reason: "a quoted field never ends")
                    }
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\"") {
                        if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                            field.append(byte)
                            position += 2
                            continue
                        }
                        position += 1
                        break
                    }
                    if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                        // Line breaks inside quotes are kept as LF and counted.
                        consumeLineEnd()
                        field.append(UInt8(ascii: "\n"))
                        continue
                    }
                    field.append(byte)
                    position += 1
                }
                if position < bytes.count, !isFieldEnd(bytes[position]) {
                    throw TruthFileError(
                        path: path, line: line, reason: "text after the closing quote of field \(fields.count + 1)")
                }
            } else {
                while position < bytes.count, !isFieldEnd(bytes[position]) {
                    if bytes[position] == UInt8(ascii: "\"") {
                        throw TruthFileError(
                            path: path, line: line,
                            reason: "a quote inside unquoted field \(fields.count + 1); "
                                + "quote the field and double the quote")
                    }
                    field.append(bytes[position])
                    position += 1
                }
            }
            guard let text = String(validating: field, as: UTF8.self) else {
                throw TruthFileError(path: path, line: start, reason: "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            if position < bytes.count, bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if position < bytes.count { consumeLineEnd() }
            return (start, fields)
        }
    }

    private func isFieldEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Steps over one LF, CR or CRLF.
    private mutating func consumeLineEnd() {
        let isCRLF =
            bytes[position] == UInt8(ascii: "\r") && position + 1 < bytes.count
            && bytes[position + 1] == UInt8(ascii: "\n")
        position += isCRLF ? 2 : 1
        line += 1
    }
}
