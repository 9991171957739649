import Foundation
import PortraitTesting

/// Runs `body` with a new empty folder that is removed afterwards.
func withScratchDirectory(_ body: (URL) async throws -> Void) async throws {
    try await TemporaryDirectory.with { try await body($0.url) }
}
