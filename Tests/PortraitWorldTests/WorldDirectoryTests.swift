import Foundation
import PortraitCore
import PortraitWorld
import Testing

/// A bad `--out` fails before any work, naming the path and the fix.
struct WorldDirectoryTests {
    let generator = WorldGenerator(config: WorldConfig(people: 30, seed: 3))

    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as PortraitError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func aFolderThatIsNotEmptyNeedsForce() throws {
        try withScratchFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
            let refused = message { try generator.generate(into: folder) }
            #expect(
                refused
                    == "\(folder.path) exists and is not empty; pass --force to replace the world in it, or choose a new or empty --out"
            )
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("truth.csv").path))
        }
    }

    @Test func forceReplacesThePreviousWorldAndLeavesOtherFiles() throws {
        try withScratchFolder { folder in
            try generator.generate(into: folder)
            try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(".portrait"), withIntermediateDirectories: true)
            try Data("old store".utf8).write(to: folder.appendingPathComponent(".portrait/portrait.db"))
            try Data("stale".utf8).write(to: folder.appendingPathComponent("drops/members_OLD.csv"))

            try WorldGenerator(config: WorldConfig(people: 40, seed: 4)).generate(into: folder, replacing: true)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".portrait").path))
            #expect(
                !FileManager.default.fileExists(atPath: folder.appendingPathComponent("drops/members_OLD.csv").path))
            let truth = try WorldFiles.truth(in: folder)
            #expect(Set(truth.map { $0[3] }).count <= 40)
            #expect(truth.count == (try WorldFiles.records(in: folder)).count)
        }
    }

    @Test func aFileOrAnUncreatableFolderIsRefusedWithThePath() throws {
        try withScratchFolder { scratch in
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let file = scratch.appendingPathComponent("a-file")
            try Data("x".utf8).write(to: file)
            #expect(
                message { try generator.generate(into: file) }
                    == "\(file.path) is a file, not a folder; choose another --out")
            let below = file.appendingPathComponent("world")
            let refused = message { try generator.generate(into: below) }
            #expect(refused?.hasPrefix("\(below.path): cannot create the folder (") == true, "\(refused ?? "no error")")
            #expect(refused?.hasSuffix("; choose another --out or fix the permissions of its parent") == true)
        }
    }

    @Test(.enabled(if: getuid() != 0, "root may write anywhere"))
    func aFolderThatCannotBeWrittenIsRefused() throws {
        try withScratchFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path) }
            #expect(
                message { try generator.generate(into: folder) }
                    == "\(folder.path) is not writable; choose another --out or fix its permissions")
        }
    }

    @Test func aBadConfigIsRefusedBeforeAnythingIsWritten() throws {
        try withScratchFolder { folder in
            var config = WorldConfig(people: 10, seed: 1)
            config.noise.typoRate = 1.5
            #expect(
                message { try WorldGenerator(config: config).generate(into: folder) }
                    == "typoRate must be between 0 and 1, not 1.5")
            #expect(
                message { try WorldGenerator(config: WorldConfig(people: 0, seed: 1)).generate(into: folder) }
                    == "--people must be between 1 and 10000000, not 0")
            #expect(!FileManager.default.fileExists(atPath: folder.path))
        }
    }
}
