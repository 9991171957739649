import Foundation
import PortraitCore
import PortraitStore
import PortraitStoreSQLite

/// A customer record as a connector would hand it to the store.
func customer(_ id: String, email: String = "a@example.com", stream: String = "customers", deleted: Bool = false)
    -> RecordWrite
{
    RecordWrite(
        stream: stream, sourceID: id, entity: .customer, raw: ["id": .string(id), "email": .string(email)],
        canonical: ["source_id": .string(id), "email": .string(email)], location: "customers.jsonl:\(id)",
        isDeletion: deleted
    )
}

func failure(_ id: String?, location: String = "customers.jsonl:9", reasons: [String] = ["email is not an email"])
    -> QuarantineWrite
{
    QuarantineWrite(stream: "customers", sourceID: id, location: location, raw: ["email": "nope"], reasons: reasons)
}

/// A directory under the temporary directory, removed when the test is done with it.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

extension Store {
    func allRecords(connector: String? = nil) async throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        try await forEachRecord(connector: connector) { records.append($0) }
        return records
    }
}

/// The message of the `PortraitError` that `work` throws, or nil if it throws none.
func portraitErrorMessage(_ work: () async throws -> Void) async -> String? {
    do {
        try await work()
        return nil
    } catch let error as PortraitError {
        return error.message
    } catch {
        return "unexpected error: \(error)"
    }
}
