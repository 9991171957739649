import Foundation

/// `truth.csv`: which person each record of each silo is about, one line per record,
/// `connector,stream,source_id,person_id`, naming connector and stream as the world's `portrait.yml` does and the
/// record by the id the connector stores it under.
final class TruthFile {
    static let header = "connector,stream,source_id,person_id\n"
    private let file: OutputFile
    private(set) var lines = 0

    init(_ url: URL) throws {
        file = try OutputFile(url)
        try file.write(Self.header)
    }

    func record(_ source: (connector: String, stream: String), id: String, person: Int) throws {
        try file.write("\(source.connector),\(source.stream),\(id),\(Person.id(at: person))\n")
        lines += 1
    }

    func close() throws -> WorldSummary.File {
        try file.close()
        return WorldSummary.File(path: "truth.csv", records: lines, bytes: file.bytesWritten, encoding: .utf8)
    }
}
