import Foundation
import GRDB
import PortraitCore

/// Turns SQLite failures into messages an operator can act on: the file, what went wrong, the fix.
enum StoreErrors {
    /// `PortraitError`s and cancellation pass through; SQLite errors become `PortraitError.store`.
    static func translate(_ error: any Error, location: String, action: String) -> any Error {
        if error is PortraitError || error is CancellationError { return error }
        guard let error = error as? DatabaseError else {
            return PortraitError.store(
                "could not \(action) in \(location): \((error as NSError).localizedDescription)"
            )
        }
        let detail = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return PortraitError.store(
                "\(location) is not a Portrait store (file is not a database). Move it aside, or point store.path "
                    + "in portrait.yml at another file."
            )
        case .SQLITE_CORRUPT:
            return PortraitError.store(
                "\(location) is not a Portrait store (the database file is corrupt). Move it aside, or point "
                    + "store.path in portrait.yml at another file."
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return PortraitError.store(
                "\(location) is locked by another process (probably another portrait command using the same "
                    + "store). Wait for it to finish, then retry."
            )
        case .SQLITE_READONLY:
            return PortraitError.store(
                "cannot write to \(location): the file or its directory is read-only (\(detail)). Give this user "
                    + "write permission on both, or point store.path in portrait.yml at a writable location."
            )
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return PortraitError.store(
                "cannot open \(location) (\(detail)). Check its permissions: this user must be able to read and "
                    + "write the file and its directory. Or point store.path in portrait.yml at another file."
            )
        case .SQLITE_FULL:
            return PortraitError.store(
                "could not \(action) in \(location): the disk is full. Free some space and retry."
            )
        case .SQLITE_IOERR:
            return PortraitError.store(
                "could not \(action) in \(location): the disk reported an I/O error (\(detail)). Check the disk "
                    + "and its permissions, then retry."
            )
        default:
            return PortraitError.store("could not \(action) in \(location): \(detail).")
        }
    }
}
