import Foundation
import PortraitCore

/// The records, mappings and timing loop of `MappingBenchmark`, kept free of the test library so the same file
/// can be compiled into a plain executable when profiling.
enum MappingBenchmarkWorkload {
    static let count =
        ProcessInfo.processInfo.environment["PORTRAIT_MAPPING_BENCH_RECORDS"].flatMap { Int($0) }
        ?? 200_000

    /// The CSV connector's receipt mapping (stream `receipts`), as loaded from YAML.
    static let receiptMapping: JSONValue = [
        "entity": "order",
        "source_id": "receipt_id",
        "fields": [
            "id": "receipt_id",
            "store_id": "store_id",
            "placed_at": [
                "from": "ts",
                "transform": [["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "Asia/Shanghai"]]],
            ],
            "total": ["from": "amount", "transform": ["decimal"]],
            "currency": ["const": "CNY"],
            "channel": ["const": "offline"],
            "lines[0].category": "category",
            "customer.identifiers.member_card": "member_card",
            "customer.identifiers.phone": ["from": "phone", "transform": [["phone": ["country": "CN"]]]],
            "customer.name": ["from": "name", "transform": ["split_name"]],
        ],
    ]

    /// The receipt mapping without its element target, to compare with the figures from before those existed.
    static var receiptMappingWithoutLines: JSONValue {
        var mapping = receiptMapping
        if case .object(var fields)? = mapping["fields"] {
            fields["lines[0].category"] = nil
            mapping = ["entity": "order", "source_id": "receipt_id", "fields": .object(fields)]
        }
        return mapping
    }

    /// The demo's CRM contact mapping (`PortraitService/Demo/DemoConfig.swift`).
    static let contactMapping: JSONValue = [
        "entity": "customer",
        "fields": [
            "identifiers.crm_id": "id",
            "identifiers.email": ["from": "properties.email", "transform": ["email"]],
            "identifiers.phone": ["from": "properties.phone", "transform": [["phone": ["country": "CN"]]]],
            "name": ["from": "properties.name", "transform": ["split_name"]],
            "gender": ["from": "properties.gender", "transform": ["gender"]],
            "birth_date": [
                "from": "properties.birthday", "transform": [["date": ["formats": ["yyyy-MM-dd", "yyyy/MM/dd"]]]],
            ],
            "address.city": "properties.city",
        ],
    ]

    static let names = ["王小明", "李娜", "欧阳娜娜", "张伟", "陈静", "Ana Garcia", "刘洋", "赵敏"]
    static let categories = ["shoes", "apparel", "grocery", "tea", "sports", "beauty"]
    static let notes = ["gift wrap", "", "member day", "", "exchange", ""]

    static func receipt(_ i: Int) -> SourceRecord {
        func pad(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let fields: JSONValue = [
            "receipt_id": .string("R\(pad(i, 8))"),
            "store_id": .string("S\(pad(i % 97, 3))"),
            "ts": .string(
                "2026-\(pad(1 + i % 12, 2))-\(pad(1 + i % 28, 2)) \(pad(i % 24, 2)):\(pad(i % 60, 2)):\(pad((i * 7) % 60, 2))"
            ),
            "amount": .string("\(10 + i % 990).\(pad(i % 100, 2))"),
            "category": .string(categories[i % categories.count]),
            "member_card": .string("M\(pad(i % 1_000_000, 7))"),
            "phone": .string("138 \(pad(i % 10_000, 4)) \(pad((i * 31) % 10_000, 4))"),
            "name": .string(names[i % names.count]),
            "note": .string(notes[i % notes.count]),
        ]
        return SourceRecord(
            stream: "receipts", sourceID: "receipts.csv:\(i + 2)", fields: fields, location: "receipts.csv:\(i + 2)")
    }

    static let receiptColumns = SourceColumns(
        ["receipt_id", "store_id", "ts", "amount", "category", "member_card", "phone", "name", "note"])

    /// `receipt(i)` as the CSV connector sends it: values by column.
    static func receiptRow(_ i: Int) -> SourceRecord {
        let record = receipt(i)
        return SourceRecord(
            stream: record.stream, sourceID: record.sourceID, columns: receiptColumns,
            values: receiptColumns.names.map { record.fields[$0]?.stringValue ?? "" }, location: record.location)
    }

    static func contact(_ i: Int) -> SourceRecord {
        let email: JSONValue = i % 10 == 0 ? .string("user\(i)(at)example.com") : .string("user\(i)@example.com")
        let fields: JSONValue = [
            "id": .string(String(i)),
            "properties": [
                "email": email,
                "phone": .string("138\(String(format: "%08d", i))"),
                "name": .string(["Ana Garcia", "John Smith", "Wei Wang", "Li Zhang", "王小明"][i % 5]),
                "gender": .string(["M", "F", "男", "女"][i % 4]),
                "birthday": .string(
                    "19\(50 + i % 50)-\(String(format: "%02d", 1 + i % 12))-\(String(format: "%02d", 1 + i % 28))"),
                "city": .string(["Shanghai", "Beijing", "New York"][i % 3]),
                "score": .number(i % 101),
            ],
            "updatedAt": "2024-05-01T10:00:00Z",
        ]
        return SourceRecord(
            stream: "contacts", sourceID: String(i), fields: fields, location: "contacts.jsonl:\(i + 1)")
    }

    /// Nanoseconds per item of `body` over `items`, best of three passes.
    static func nanoseconds<T>(_ items: [T], _ body: (T) -> Int) -> Double {
        var best = Duration.seconds(1_000_000)
        var sink = 0
        for _ in 0..<3 {
            let clock = ContinuousClock()
            let start = clock.now
            items.withUnsafeBufferPointer { buffer in
                for index in buffer.indices { sink &+= body(buffer[index]) }
            }
            best = min(best, clock.now - start)
        }
        if sink == 42 { print("") }  // Keeps the work observable.
        let (seconds, attoseconds) = best.components
        return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(items.count)
    }

    static func run(_ label: String, mapping json: JSONValue, records: [SourceRecord]) throws {
        let mapping = try RecordMapping(json: json, path: JSONPath(parsing: "connectors[0].mapping.\(label)"))
        let results = records.map(mapping.map)
        let valid = results.count(where: \.isValid)
        let canonicals = results.compactMap(\.canonical)
        let map = nanoseconds(records) { mapping.map($0).reasons.count }
        let mapToText = nanoseconds(records) { mapping.mapToText($0)?.canonicalText.utf8.count ?? 0 }
        let raw = nanoseconds(records) { $0.rawText.utf8.count }
        let canonical = nanoseconds(canonicals) { $0.canonicalText.utf8.count }
        let hash = nanoseconds(Array(zip(records, results))) { record, result in
            ContentHash.of(
                rawText: record.rawText, canonicalText: result.canonical?.canonicalText ?? "",
                deleted: false
            ).utf8.count
        }
        func format(_ ns: Double) -> String { String(format: "%8.0f", ns) }
        print(
            "MappingBenchmark \(label): \(records.count) records, \(valid) valid; ns/record: map \(format(map)),"
                + " mapToText \(format(mapToText)) (template path; invalid records return nil there),"
                + " canonicalText raw \(format(raw)), canonicalText canonical \(format(canonical)),"
                + " both texts + SHA-256 \(format(hash))")
    }

}
