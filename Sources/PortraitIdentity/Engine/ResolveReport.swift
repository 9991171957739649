/// What one resolve did, for the CLI, the logs and the benchmarks.
public struct ResolveReport: Sendable {
    /// Observations looked at (all, from scratch; the pending ones, incrementally).
    public var observations = 0
    public var removedObservations = 0
    /// Candidate pairs blocking produced, in all and per rule (in the order of `identity.blocking`).
    public var candidatePairs = 0
    public var candidatePairsPerRule: [Int] = []
    /// Blocking keys too common to compare pairwise, and the observations they held.
    public var skippedKeys = 0
    public var skippedKeyObservations = 0
    /// Links the model accepted, and joins on shared deterministic identifiers.
    public var modelLinks = 0
    public var deterministicJoins = 0
    public var refusedMerges = 0
    public var profilesCreated = 0
    public var profilesMerged = 0
    public var profilesSplit = 0
    /// Profiles whose records changed: what the profile engine recomputes.
    public var affectedProfiles: Set<String> = []
    /// The model was trained in this resolve (no stored model fitted the settings).
    public var trainedModel = false
    public var seconds = 0.0
    /// Wall-clock seconds per stage (read, train, block and score, cluster, write), in order.
    public var stages: [(stage: String, seconds: Double)] = []

    public init() {}

    /// Records the time since `stage` under `name` and starts the next stage.
    mutating func lap(_ name: String, _ stage: inout ContinuousClock.Instant) {
        let now = ContinuousClock.now
        stages.append((name, (now - stage).seconds))
        stage = now
    }

    public static func += (lhs: inout ResolveReport, rhs: ResolveReport) {
        lhs.observations += rhs.observations
        lhs.removedObservations += rhs.removedObservations
        lhs.candidatePairs += rhs.candidatePairs
        if lhs.candidatePairsPerRule.count < rhs.candidatePairsPerRule.count {
            lhs.candidatePairsPerRule += [Int](repeating: 0, count: rhs.candidatePairsPerRule.count - lhs.candidatePairsPerRule.count)
        }
        for (index, count) in rhs.candidatePairsPerRule.enumerated() { lhs.candidatePairsPerRule[index] += count }
        lhs.skippedKeys += rhs.skippedKeys
        lhs.skippedKeyObservations += rhs.skippedKeyObservations
        lhs.modelLinks += rhs.modelLinks
        lhs.deterministicJoins += rhs.deterministicJoins
        lhs.refusedMerges += rhs.refusedMerges
        lhs.profilesCreated += rhs.profilesCreated
        lhs.profilesMerged += rhs.profilesMerged
        lhs.profilesSplit += rhs.profilesSplit
        lhs.affectedProfiles.formUnion(rhs.affectedProfiles)
        lhs.trainedModel = lhs.trainedModel || rhs.trainedModel
        lhs.seconds += rhs.seconds
        lhs.stages += rhs.stages
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
