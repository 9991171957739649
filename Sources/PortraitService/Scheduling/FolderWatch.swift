import Foundation
import PortraitCore

/// Watches the drop folders of `csv_drop` and `xml_feed` connectors for `portrait run`: a file landing starts
/// that connector's sync at once, instead of at its next scheduled time.
///
/// Polls the folder's listing (names, sizes, modification times) every quarter second: portable, and cheap for
/// the few dozen files a drop folder holds. A change triggers a sync; for `complete_when: stable` a second one
/// follows once the file has been quiet for `stable_seconds`, when the pick-up rules will take it.
struct FolderWatch: Sendable {
    let connector: String
    let folder: URL
    /// Seconds a file must be unchanged before `complete_when: stable` takes it; nil for the other rules.
    let settle: Double?

    static let pollInterval = Duration.milliseconds(250)

    init(connector: String, folder: WatchedFolder) {
        self.connector = connector
        self.folder = folder.url
        settle = folder.settleSeconds
    }

    /// Calls `trigger` whenever the folder's files change (and once more after they settle), until cancelled.
    func run(_ trigger: @Sendable (String) async -> Void) async {
        var last: [String: String] = [:]  // Files already waiting at start trigger a sync too.
        var settleAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.pollInterval)
            let now = listing()
            if now != last {
                last = now
                if !now.isEmpty {
                    await trigger(connector)
                    settleAt = settle.map { ContinuousClock.now + .milliseconds(Int($0 * 1000) + 300) }
                }
            } else if let due = settleAt, ContinuousClock.now >= due {
                settleAt = nil
                await trigger(connector)
            }
        }
    }

    /// The folder's regular files (not its `archive/` and `rejected/` subfolders): name, size and modification time.
    private func listing() -> [String: String] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]
        let entries = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys)) ?? []
        var files: [String: String] = [:]
        for entry in entries {
            guard let values = try? entry.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
            files[entry.lastPathComponent] =
                "\(values.fileSize ?? 0):\(values.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }
        return files
    }
}
