import Foundation
import PortraitCore

/// The folder a world is written to: checked before anything is generated, so a bad `--out` fails at once with
/// the path and the fix rather than after minutes of work.
enum WorldDirectory {
    /// What the generator writes at the top of the folder; `--force` removes these, and nothing else.
    /// `.portrait` is the store a previous world was imported into, which would not match the new truth.
    static let ownEntries = ["crm", "feeds", "drops", "surveys", "truth.csv", "portrait.yml", ".portrait", spoolName]
    static let spoolName = ".world-spool"

    /// Makes `url` ready for a new world.
    ///
    /// - Parameter replacing: Removes a previous world's files (``ownEntries``) instead of refusing a folder that
    ///   is not empty; other files in it are left alone.
    /// - Throws: `PortraitError.usage` when the folder is a file, is not empty (without `replacing`) or cannot be
    ///   written, each naming the path and the fix.
    static func prepare(_ url: URL, replacing: Bool) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PortraitError.usage("\(url.path) is a file, not a folder; choose another --out")
            }
            let contents = (try? files.contentsOfDirectory(atPath: url.path)) ?? []
            if !contents.isEmpty {
                guard replacing else {
                    throw PortraitError.usage(
                        "\(url.path) exists and is not empty; pass --force to replace the world in it, or choose a new or empty --out"
                    )
                }
                for entry in ownEntries where contents.contains(entry) {
                    do {
                        try files.removeItem(at: url.appendingPathComponent(entry))
                    } catch {
                        throw PortraitError.usage(
                            "\(url.appendingPathComponent(entry).path): cannot remove the previous world's files (\(error.localizedDescription)); fix its permissions or choose another --out"
                        )
                    }
                }
            }
        } else {
            do {
                try files.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw PortraitError.usage(
                    "\(url.path): cannot create the folder (\(Self.reason(error))); choose another --out or fix the permissions of its parent"
                )
            }
        }
        guard files.isWritableFile(atPath: url.path) else {
            throw PortraitError.usage("\(url.path) is not writable; choose another --out or fix its permissions")
        }
        for folder in ["crm", "feeds", "drops", "surveys", spoolName] {
            do {
                try files.createDirectory(at: url.appendingPathComponent(folder), withIntermediateDirectories: true)
            } catch {
                throw PortraitError.usage(
                    "\(url.appendingPathComponent(folder).path): cannot create the folder (\(Self.reason(error))); choose another --out or fix its permissions"
                )
            }
        }
    }

    /// The operating system's reason, without Foundation's wrapping.
    private static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return error.localizedDescription
    }
}
