import Foundation
import Logging
import PortraitConnectors
import PortraitCore
import Synchronization
import Testing

/// A hand-run benchmark of the `xml_feed` connector alone: parse and extract into a no-op output (no mapping,
/// no store), on a feed written by `benchmarks/xml-feed.sh` (run it with KEEP=1 for the file).
///
/// Off unless asked for, and it never asserts a timing:
///
///     PORTRAIT_XML_BENCH_FILE=/tmp/…/orders.xml swift test -c release --filter XMLFeedBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PORTRAIT_XML_BENCH_FILE"] != nil))
struct XMLFeedBenchmark {
    @Test func connectorAlone() async throws {
        let path = ProcessInfo.processInfo.environment["PORTRAIT_XML_BENCH_FILE"]!
        let options: JSONValue = [
            "path": .string(path), "namespaces": ["shop": "urn:example:shop", "cust": "urn:example:customer"],
            "record": "/shop:feed/shop:order", "id_field": "id",
            "fields": [
                "id": "@id", "status": "@status", "placed": "shop:placed", "member": "cust:customer/@member",
                "email": "cust:customer/cust:email", "name": "cust:customer/cust:name",
                "phone": "cust:customer/cust:phone", "total": "shop:total", "currency": "shop:total/@currency",
                "note": "shop:note",
                "lines": [
                    "each": "shop:lines/shop:line",
                    "fields": ["sku": "@sku", "qty": "@qty", "name": "shop:name", "price": "shop:price"],
                ],
            ],
        ]
        let connector = try XMLFeedConnector(
            context: ConnectorContext(
                name: "bench", options: options, baseDirectory: URL(fileURLWithPath: "/"),
                logger: Logger(label: "bench")))
        let bytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        for _ in 0..<2 {
            let records = Atomic<Int>(0)
            let start = ContinuousClock.now
            try await connector.read(
                from: nil,
                into: ConnectorOutput { message in
                    if case .record = message { records.add(1, ordering: .relaxed) }
                })
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            let count = records.load(ordering: .relaxed)
            print(
                String(
                    format: "xml_feed connector alone: %d records in %.2f s = %.0f records/s, %.1f MB/s", count,
                    seconds,
                    Double(count) / seconds, bytes / 1e6 / seconds))
        }
    }
}
