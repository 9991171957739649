/// One silo's part of the world: the records it holds about each person, spooled as people are generated, then
/// written in time order to its files with one truth line per record.
protocol SiloWriter: AnyObject {
    /// Spools the silo's records about `person` (none when the person is not known to it).
    func add(_ person: Person, observer: inout Observer) throws
    /// Writes the silo's files and their truth lines.
    func finish(truth: TruthFile) throws -> [WorldSummary.File]
}

/// The connector names and streams of the world's `portrait.yml`, which `truth.csv` names too.
public enum WorldConnectors {
    public static let crm = (connector: "crm", stream: "contacts")
    public static let orders = (connector: "shop-orders", stream: "order")
    public static let members = (connector: "store-members", stream: "members")
    public static let receipts = (connector: "store-receipts", stream: "receipts")
    public static let survey = (connector: "survey", stream: "responses")
}

/// A decimal number left-padded with zeros to `width` digits.
func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
