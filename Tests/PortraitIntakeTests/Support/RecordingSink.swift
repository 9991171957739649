import PortraitCore
import PortraitIntake
import Synchronization

/// A sink that records every submission it is asked to accept and answers as the test sets it to.
final class RecordingSink: SubmissionSink {
    enum Behaviour: Sendable {
        /// Stores each response id once; later ones are duplicates, as the store dedupes.
        case store
        case reject([IntakeFieldError])
        /// Throws an error whose description is safe to log.
        case fail
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the test store is offline" }
    }

    private let state: Mutex<(behaviour: Behaviour, seen: [FormSubmission], stored: Set<String>)>

    init(_ behaviour: Behaviour = .store) {
        state = Mutex((behaviour, [], []))
    }

    /// Every submission offered, in order.
    var submissions: [FormSubmission] { state.withLock { $0.seen } }

    func accept(_ submission: FormSubmission) async throws -> SubmissionOutcome {
        let behaviour = state.withLock { state in
            state.seen.append(submission)
            return state.behaviour
        }
        switch behaviour {
        case .store:
            let isNew = state.withLock { $0.stored.insert(submission.responseID).inserted }
            return .stored(duplicate: !isNew)
        case .reject(let errors):
            return .rejected(errors)
        case .fail:
            throw Failure()
        }
    }
}
