/// What a generation wrote.
public struct WorldSummary: Sendable, Hashable {
    /// One file of the world.
    public struct File: Sendable, Hashable {
        /// Relative to the world's folder: `drops/members_SH01.csv`.
        public let path: String
        /// Records (truth lines for `truth.csv`).
        public let records: Int
        public let bytes: Int
        public let encoding: FileEncoding
    }

    public let people: Int
    public let files: [File]

    /// Records in every silo: the number of lines in `truth.csv` after its header.
    public var records: Int {
        files.filter { $0.path != "truth.csv" }.reduce(0) { $0 + $1.records }
    }
}

/// Where a long generation is, for a progress line.
public enum WorldProgress: Sendable, Hashable {
    /// People generated so far (their records spooled).
    case people(done: Int, of: Int)
    /// A silo's files being written in time order.
    case writing(String)
}
