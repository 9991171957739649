import Foundation
import Glibc
import PortraitCore

/// A drop folder as one connector sees it: the files matching its glob, when each is complete, and where
/// files go once handled.
///
/// Only files whose name matches the glob are ever read or moved (plus the `.done` marker of such a file), so
/// several connectors can share one folder, and whatever else lands there is left alone.
struct DropFolder: Sendable {
    /// How a connector knows a file is completely written.
    enum Completion: String, Sendable {
        /// Unchanged (size and modification time) for `stableSeconds`.
        case stable
        /// A `<file>.done` marker exists beside it.
        case doneMarker = "done_marker"
        /// Writers rename finished files into the folder, so every matching file is complete.
        case renamed
    }

    struct Candidate: Sendable {
        var name: String
        var url: URL
        var size: Int64
        var modified: Date
    }

    let url: URL
    /// The folder as written in config, for messages and record locations.
    let displayPath: String
    let glob: String
    let completion: Completion
    let stableSeconds: Double
    let archiveName: String
    let rejectedName: String

    var archiveURL: URL { url.appendingPathComponent(archiveName, isDirectory: true) }

    /// The folder as `portrait run` watches it.
    var watched: WatchedFolder { WatchedFolder(url: url, settleSeconds: completion == .stable ? stableSeconds : nil) }
    var rejectedURL: URL { url.appendingPathComponent(rejectedName, isDirectory: true) }

    /// - Throws: `PortraitError.connector` when the folder is missing or not writable (imported files move out).
    func check() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PortraitError.connector(
                "\(displayPath): the drop folder does not exist; create it or fix options.folder (relative paths start at portrait.yml's folder)"
            )
        }
        guard FileManager.default.isWritableFile(atPath: url.path) else {
            throw PortraitError.connector(
                "\(displayPath): the drop folder is not writable, so imported files cannot move to \(archiveName)/; give this user write permission"
            )
        }
    }

    func matches(_ name: String) -> Bool {
        !name.hasPrefix(".") && fnmatch(glob, name, 0) == 0
    }

    /// The matching regular files, oldest first (then by name), so files import in the order they were dropped.
    func candidates() throws -> [Candidate] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw PortraitError.connector(
                "\(displayPath): cannot list the drop folder (\((error as NSError).localizedDescription)); check options.folder and its permissions")
        }
        var found: [Candidate] = []
        for name in names where matches(name) {
            let fileURL = url.appendingPathComponent(name)
            guard let status = Self.status(of: fileURL), status.isRegular else { continue }
            found.append(Candidate(name: name, url: fileURL, size: status.size, modified: status.modified))
        }
        return found.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    }

    /// For a folder with no `candidates()`: when some files look like this kind's (their name ends with one of
    /// `suffixes`, such as `.xml` and `.xml.gz`, in any case), a warning naming them and the glob that would match.
    /// A glob is case-sensitive, so `ORDERS.XML` and `orders.xml.gz` pass `*.xml` by, and without this a folder of
    /// them imported nothing, silently. Files of other kinds are not mentioned: connectors may share a folder.
    /// (Asked only when nothing matched, so a folder is listed twice only then.)
    func globAdvice(suffixes: [String]) throws -> String? {
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        var nearMisses: [String] = []
        // Globs that would match them: `*` and the name's suffix as written (`*.XML`, `*.xml.gz`).
        var globs: [String] = []
        for name in names where !name.hasPrefix(".") {
            let lowered = name.lowercased()
            guard let suffix = suffixes.filter({ lowered.hasSuffix($0) }).max(by: { $0.count < $1.count }),
                Self.status(of: url.appendingPathComponent(name))?.isRegular == true
            else { continue }
            nearMisses.append(name)
            let glob = "*" + String(name.suffix(suffix.count))
            if !globs.contains(glob) { globs.append(glob) }
        }
        guard !nearMisses.isEmpty else { return nil }
        let shown = nearMisses.prefix(3).joined(separator: ", ") + (nearMisses.count > 3 ? ", …" : "")
        let example = globs.prefix(2).map { "\"\($0)\"" }.joined(separator: " or ")
        return
            "no file matches options.glob '\(glob)' (globs are case-sensitive), but \(nearMisses.count) file(s) look like this connector's: \(shown). Set options.glob to match them, e.g. \(example)"
    }

    /// Nil when `file` is complete; otherwise why it is left for a later run.
    func incompleteReason(_ file: Candidate, now: Date = Date()) -> String? {
        switch completion {
        case .renamed:
            return nil
        case .doneMarker:
            return FileManager.default.fileExists(atPath: marker(of: file).path)
                ? nil : "waiting for its marker \(file.name).done (complete_when: done_marker)"
        case .stable:
            let age = now.timeIntervalSince(file.modified)
            guard age >= stableSeconds else {
                return String(
                    format: "waiting: modified %.0f s ago, taken once unchanged for %.0f s (stable_seconds)", max(age, 0),
                    stableSeconds)
            }
            return nil
        }
    }

    /// True when the file still has the size and modification time it had when listed (not written since).
    /// The pick-up rules every folder-reading connector follows for one candidate: a file still arriving, one
    /// that cannot be read, one that changed while being hashed, and one already imported (by SHA-256, under any
    /// name: it moves to the archive) are each reported as a part with why, and left alone.
    ///
    /// - Returns: the file's SHA-256 when it is complete, readable and new, so the caller imports it; else nil.
    func pickUp(_ file: Candidate, imported: ImportedFiles, output: ConnectorOutput) async throws -> String? {
        if let waiting = incompleteReason(file) {
            try await output.part(file.name, note: waiting)
            return nil
        }
        let sha256: String
        do {
            sha256 = try ContentHash.sha256(fileAt: file.url)
        } catch {
            try await output.part(
                file.name,
                note: "left in place: cannot read it (\((error as NSError).localizedDescription)); check its permissions")
            return nil
        }
        guard isUnchanged(file) else {
            try await output.part(file.name, note: "waiting: it changed while being read; taken once it stops changing")
            return nil
        }
        if let earlier = imported[sha256] {
            try archive(file, sha256: sha256)
            let note =
                earlier.name == file.name
                ? "already imported at \(earlier.at); moved to \(archiveName)/"
                : "skipped: identical to \(earlier.name) imported at \(earlier.at); moved to \(archiveName)/"
            try await output.part(file.name, note: note)
            return nil
        }
        return sha256
    }

    func isUnchanged(_ file: Candidate) -> Bool {
        guard let status = Self.status(of: file.url) else { return false }
        return status.size == file.size && status.modified == file.modified
    }

    /// Moves an imported (or duplicate) file to the archive folder, with its `.done` marker.
    @discardableResult
    func archive(_ file: Candidate, sha256: String) throws -> URL {
        let target = try move(file, into: archiveURL, sha256: sha256)
        moveMarker(of: file, besides: target)
        return target
    }

    /// Moves an unreadable file to the rejected folder and writes `<name>.reason` beside it.
    @discardableResult
    func reject(_ file: Candidate, sha256: String, reason: String) throws -> URL {
        let target = try move(file, into: rejectedURL, sha256: sha256)
        let text = "\(ISO8601DateFormatter().string(from: Date())) \(file.name) was rejected: \(reason)\n"
        do {
            try Data(text.utf8).write(to: target.appendingPathExtension("reason"), options: .atomic)
        } catch {
            throw PortraitError.connector(
                "\(displayPath)/\(rejectedName): cannot write the reason file for \(file.name) (\((error as NSError).localizedDescription))")
        }
        moveMarker(of: file, besides: target)
        return target
    }

    /// Moves the file's `.done` marker next to where the file went, so a marker never outlives its file in the
    /// drop folder. Best effort: a marker left behind matches no file and is harmless.
    private func moveMarker(of file: Candidate, besides target: URL) {
        let marker = marker(of: file)
        if FileManager.default.fileExists(atPath: marker.path) {
            try? FileManager.default.moveItem(at: marker, to: target.appendingPathExtension("done"))
        }
    }

    /// `<file>.done`, the marker a writer creates with `complete_when: done_marker`.
    private func marker(of file: Candidate) -> URL {
        url.appendingPathComponent(file.name + ".done")
    }

    /// Moves `file` into `folder` under its own name, or `<stem>.<hash prefix>.<ext>` when an earlier version
    /// is already there, so nothing archived is ever overwritten.
    private func move(_ file: Candidate, into folder: URL, sha256: String) throws -> URL {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            var target = folder.appendingPathComponent(file.name)
            if fileManager.fileExists(atPath: target.path) {
                let stem = (file.name as NSString).deletingPathExtension
                let ext = (file.name as NSString).pathExtension
                let tag = String(sha256.prefix(12))
                target = folder.appendingPathComponent(ext.isEmpty ? "\(stem).\(tag)" : "\(stem).\(tag).\(ext)")
                var counter = 2
                while fileManager.fileExists(atPath: target.path) {
                    target = folder.appendingPathComponent(
                        ext.isEmpty ? "\(stem).\(tag)-\(counter)" : "\(stem).\(tag)-\(counter).\(ext)")
                    counter += 1
                }
            }
            // Same file system: a rename, atomic, so the file is never half in both places.
            try fileManager.moveItem(at: file.url, to: target)
            return target
        } catch {
            throw PortraitError.connector(
                "\(displayPath): cannot move \(file.name) into \(folder.lastPathComponent)/ (\((error as NSError).localizedDescription)); give this user write permission on the drop folder")
        }
    }

    private static func status(of url: URL) -> (isRegular: Bool, size: Int64, modified: Date)? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        let modified = Date(
            timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000)
        return ((info.st_mode & S_IFMT) == S_IFREG, Int64(info.st_size), modified)
    }
}
