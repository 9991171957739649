import Glibc

/// Why a CSV file cannot be read at all (as opposed to a row that cannot, which `CSVRow.problems` reports).
struct CSVReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: Sendable, Hashable {
        case cannotOpen(path: String, reason: String)
        case cannotRead(path: String, reason: String)
        case rowTooLong(path: String, line: Int, limit: Int)
        case noGB18030Converter
    }

    private let base: Base

    static func cannotOpen(_ path: String, errno code: Int32) -> CSVReaderError {
        CSVReaderError(base: .cannotOpen(path: path, reason: CSVReaderError.reason(code)))
    }

    static func cannotRead(_ path: String, errno code: Int32) -> CSVReaderError {
        CSVReaderError(base: .cannotRead(path: path, reason: CSVReaderError.reason(code)))
    }

    static func rowTooLong(_ path: String, line: Int, limit: Int) -> CSVReaderError {
        CSVReaderError(base: .rowTooLong(path: path, line: line, limit: limit))
    }

    static func noGB18030Converter() -> CSVReaderError { CSVReaderError(base: .noGB18030Converter) }

    var description: String {
        switch base {
        case .cannotOpen(let path, let reason): "\(path): cannot open for reading (\(reason))"
        case .cannotRead(let path, let reason): "\(path): read failed (\(reason))"
        case .rowTooLong(let path, let line, let limit):
            "\(path): the row starting on line \(line) is longer than \(limit >> 20) MiB; "
                + "a quote is probably never closed (check that line, or the `delimiter` and `encoding` options)"
        case .noGB18030Converter:
            "this system's iconv cannot convert GB18030 (install glibc's gconv modules, e.g. Debian's libc6)"
        }
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
