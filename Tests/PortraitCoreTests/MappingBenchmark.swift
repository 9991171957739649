import Foundation
import PortraitCore
import Testing

/// A hand-run micro-benchmark of the per-record work of a sync: `RecordMapping.map`, then `canonicalText` of the
/// raw fields and of the canonical record (what the content hash and the store take).
///
/// Off unless asked for, and it never asserts a timing (timed unit tests are flaky; see docs/PERFORMANCE.md):
///
///     PORTRAIT_MAPPING_BENCH=1 swift test -c release --filter MappingBenchmark
///
/// `PORTRAIT_MAPPING_BENCH_RECORDS` changes the record count (default 200,000). Each figure is the best of three
/// passes over all records, in nanoseconds per record, on one core.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PORTRAIT_MAPPING_BENCH"] == "1"), .serialized)
struct MappingBenchmark {
    typealias Workload = MappingBenchmarkWorkload

    @Test func receipts() throws {
        let records = (0..<Workload.count).map(Workload.receipt)
        try Workload.run("receipts-without-lines", mapping: Workload.receiptMappingWithoutLines, records: records)
        try Workload.run("receipts", mapping: Workload.receiptMapping, records: records)
        try Workload.run(
            "receipt-rows", mapping: Workload.receiptMapping, records: (0..<Workload.count).map(Workload.receiptRow))
    }

    @Test func contacts() throws {
        try Workload.run(
            "contacts", mapping: Workload.contactMapping, records: (0..<Workload.count).map(Workload.contact))
    }
}
