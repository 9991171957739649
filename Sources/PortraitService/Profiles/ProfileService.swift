import Foundation
import Logging
import ServiceLifecycle

/// The profiles' part of `portrait run`, one service of its group:
/// - every `catchUp` it resolves what is waiting for identity resolution and updates the queued profiles, so records
///   that arrive without a sync (survey form posts) reach their profiles within seconds, not at the next sync;
/// - on `refresh` (daily at 03:00 UTC unless `profiles.refresh` says otherwise) it rebuilds every profile, so
///   time-window traits and RFM quintiles follow the calendar.
///
/// Graceful shutdown ends the wait; a rebuild in progress stops at its next batch (cancellation) and leaves every
/// written batch whole.
struct ProfileService: Service, CustomStringConvertible {
    let workspace: Workspace
    let refresh: Schedule
    let catchUp: Duration
    let logger: Logger
    var clock: any SchedulerClock = SystemSchedulerClock()

    var description: String { "profiles" }

    func run() async throws {
        try? await cancelOnGracefulShutdown {
            await withTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await catchUpLoop() }
                tasks.addTask { await refreshLoop() }
            }
        }
    }

    private func catchUpLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: catchUp)
                _ = try await IdentityResolution.run(workspace: workspace, logger: logger)
                _ = try await ProfileUpdates.run(workspace: workspace, logger: logger)
            } catch is CancellationError {
                return
            } catch {
                logger.error("profile catch-up failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func refreshLoop() async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: refresh.next(after: clock.now))
                logger.info("daily profile refresh starting", metadata: ["schedule": "\(refresh)"])
                _ = try await ProfileUpdates.run(workspace: workspace, rebuild: true, logger: logger)
            } catch is CancellationError {
                return
            } catch {
                logger.error("profile refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
