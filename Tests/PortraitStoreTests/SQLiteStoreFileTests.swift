import Foundation
import PortraitCore
import PortraitStore
import PortraitStoreSQLite
import Testing

struct SQLiteStoreFileTests {
    @Test func reopeningAStoreFileFindsTheData() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nested/dir/portrait.db")
        do {
            let store = try SQLiteStore.open(path: path)
            _ = try await store.commit(
                CommitBatch(
                    connector: "shop", runID: nil, records: [customer("1")], quarantine: [failure("2")],
                    checkpoint: ConnectorState(["offset": 7])
                )
            )
        }
        #expect(FileManager.default.fileExists(atPath: path.path))

        let reopened = try SQLiteStore.open(path: path, createIfMissing: false)
        #expect(try await reopened.allRecords().map(\.sourceID) == ["1"])
        #expect(try await reopened.checkpoint(connector: "shop") == ConnectorState(["offset": 7]))
        #expect(try await reopened.quarantineEntries(connector: "shop", limit: 10).count == 1)
        #expect(try await reopened.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1")])).unchanged == 1)
    }

    @Test func aGarbageFileIsNotAPortraitStore() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255) }).write(to: path)

        let message = await portraitErrorMessage { _ = try SQLiteStore.open(path: path) }
        #expect(message?.contains("\(path.path) is not a Portrait store (file is not a database)") == true)
        #expect(message?.contains("store.path in portrait.yml") == true)
    }

    @Test func aStoreFromANewerPortraitIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        do {
            let store = try SQLiteStore.open(path: path)
            try await store.executeForTesting("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        let message = await portraitErrorMessage { _ = try SQLiteStore.open(path: path) }
        #expect(message?.contains("newer version of Portrait") == true)
        #expect(message?.contains("v99-from-the-future") == true)
    }

    @Test func anotherProgramsDatabaseIsNotAPortraitStore() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("other.db")
        do {
            let store = try SQLiteStore.open(path: path)
            try await store.executeForTesting("DROP TABLE grdb_migrations")
        }
        let message = await portraitErrorMessage { _ = try SQLiteStore.open(path: path) }
        #expect(message?.contains("is not a Portrait store") == true)
    }

    @Test func aMissingStoreIsNotCreatedWhenAskedNotTo() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing.db")
        let message = await portraitErrorMessage { _ = try SQLiteStore.open(path: path, createIfMissing: false) }
        #expect(message?.contains("there is no Portrait store at \(path.path)") == true)
        #expect(!FileManager.default.fileExists(atPath: path.path))
    }

    @Test func aDirectoryIsNotAStore() async throws {
        let directory = try TemporaryDirectory()
        let message = await portraitErrorMessage { _ = try SQLiteStore.open(path: directory.url) }
        #expect(message?.contains("is a directory") == true)
    }

    @Test func aStoreLockedByAnotherProcessFailsClearly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        do { _ = try SQLiteStore.open(path: path) }

        let lock = try StoreWriteLockForTesting(path: path)
        let started = Date()
        let message = await portraitErrorMessage {
            let store = try SQLiteStore.open(path: path, configuration: .init(busyTimeout: 0.3))
            _ = try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1")]))
        }
        try lock.release()
        #expect(message?.contains("\(path.path) is locked by another process") == true)
        #expect(Date().timeIntervalSince(started) >= 0.25)

        let store = try SQLiteStore.open(path: path)
        #expect(try await store.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1")])).new == 1)
    }

    @Test func aReaderCanOpenTheStoreWhileAnotherProcessWrites() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        let syncing = try SQLiteStore.open(path: path)
        _ = try await syncing.commit(CommitBatch(connector: "shop", runID: nil, records: [customer("1")]))

        let lock = try StoreWriteLockForTesting(path: path)
        defer { try? lock.release() }
        let status = try SQLiteStore.open(path: path, configuration: .init(busyTimeout: 0.3))
        #expect(try await status.allRecords().map(\.sourceID) == ["1"])
        #expect(try await status.connectorTotals().map(\.records) == [1])
    }

    @Test(.enabled(if: getuid() != 0, "root reads and writes any file"))
    func anUnreadableFileFailsClearly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("portrait.db")
        do { _ = try SQLiteStore.open(path: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path) }

        let message = await portraitErrorMessage { _ = try SQLiteStore.open(path: path) }
        #expect(message?.contains(path.path) == true)
        #expect(message?.contains("permission") == true)
    }
}
