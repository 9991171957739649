public import Foundation
import PortraitCore

/// Resolves observations into profiles: from scratch over the whole store, or incrementally over what changed.
///
/// Both paths run the same steps over a set of nodes: block, score the candidate pairs that touch a pending node,
/// join links and shared deterministic identifiers under the limits, then give the clusters stable ids. From
/// scratch every record is a node; incrementally the nodes are the changed records, the candidates their keys
/// find, and every member of the profiles those touch, so the cost follows the change, not the store.
public struct IdentityResolver: Sendable {
    public let settings: IdentitySettings
    public let store: any IdentityStore
    let extractor: ObservationExtractor
    /// Called with a line of progress on long work (a resolve from scratch).
    public var progress: @Sendable (String) -> Void

    public init(settings: IdentitySettings, store: any IdentityStore, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.store = store
        self.extractor = ObservationExtractor(settings: settings)
        self.progress = progress
    }

    /// One record as a node of the graph being resolved.
    struct Node {
        var recordID: Int64
        var connector: String
        var features: ObservationFeatures
        var currentProfile: String?
        var pending: Bool
    }

    var minimumWeight: Double { log2(settings.matchThreshold / (1 - settings.matchThreshold)) }

    // MARK: - From scratch

    /// Every stored observation, laid out for blocking and scoring: what a resolve from scratch and a retraining
    /// both start from.
    struct Population {
        var nodes: [Node]
        /// The highest record id read, deleted records included: the pending mark after a resolve from scratch.
        var maxRecordID: Int64
        var frequencies: TermFrequencies
        var keys: [BlockingKeys]
        var prepared: [PreparedObservation]
        var candidates: CandidatePairs
    }

    /// Reads every record, extracts and prepares the observations, and blocks them (timed into `report`).
    func population(report: inout ResolveReport) async throws -> Population {
        var stage = ContinuousClock.now
        var nodes: [Node] = []
        var maxRecordID: Int64 = 0
        let extractor = self.extractor
        // Records are parsed and their features extracted on every core, a page at a time.
        var page: [IdentityRecord] = []
        func extractPage() throws {
            let extracted = Parallel.map(page) { record -> Result<Node, any Error> in
                Result {
                    let canonical = try JSONValue(parsing: record.canonicalText)
                    return Node(
                        recordID: record.recordID, connector: record.connector,
                        features: extractor.features(of: canonical, entity: record.entity, connector: record.connector),
                        currentProfile: record.profileID, pending: true)
                }
            }
            for result in extracted { nodes.append(try result.get()) }
            page.removeAll(keepingCapacity: true)
            progress("read \(nodes.count) observations")
        }
        try await store.forEachIdentityRecord { record in
            maxRecordID = max(maxRecordID, record.recordID)
            guard !record.deleted else { return }
            page.append(record)
            if page.count == 50_000 { try extractPage() }
        }
        try extractPage()
        report.lap("read", &stage)

        var frequencies = TermFrequencies()
        for node in nodes { frequencies.add(node.features, comparisons: settings.comparisons) }
        let settings = self.settings
        let keys = Parallel.map(nodes) { BlockingKeys($0.features, settings: settings) }
        let prepared = Parallel.map(nodes) {
            PreparedObservation($0.features, comparisons: settings.comparisons, frequencies: frequencies)
        }
        report.lap("prepare", &stage)
        let candidates = CandidatePairs(
            keys: keys, pending: [Bool](repeating: true, count: nodes.count), ruleCount: settings.blocking.count,
            maxBlockSize: settings.maxBlockSize)
        report.lap("block", &stage)
        return Population(
            nodes: nodes, maxRecordID: maxRecordID, frequencies: frequencies, keys: keys, prepared: prepared,
            candidates: candidates)
    }

    /// Resolves every stored record from scratch; profile ids of records that stay together are kept.
    public func resolveAll() async throws -> ResolveReport {
        let started = Date()
        var report = ResolveReport()
        let population = try await population(report: &report)
        let nodes = population.nodes
        report.observations = nodes.count
        // A stop (SIGTERM) ends a long resolve between stages; nothing is written until the last one.
        try Task.checkCancellation()
        var stage = ContinuousClock.now
        let model: MatchModel
        if let stored = try await loadModel() {
            model = stored
        } else {
            progress("training the model (no stored model fits the comparisons)")
            model = train(population)
            try await store.saveModel(model.stored(at: Date()))
            report.trainedModel = true
            report.lap("train", &stage)
        }

        var write = ResolutionWrite()
        write.replaceAll = true
        write.pendingThrough = population.maxRecordID
        let keys = population.keys
        write.observations = Parallel.map(Array(nodes.indices)) { (nodes[$0].recordID, nodes[$0].features.encoded, keys[$0].all) }
        write.observationCountDelta = population.frequencies.total
        for (field, values) in population.frequencies.counts {
            for (value, count) in values where count > 0 { write.termDeltas[TermKey(field: field, value: value)] = count }
        }
        let links = score(
            nodes: nodes, candidates: population.candidates, prepared: population.prepared, model: model, report: &report)
        write.links = links
        report.lap("score", &stage)
        try Task.checkCancellation()
        try await place(
            nodes: nodes, keys: population.keys, links: links, pins: try await store.allPins(), into: &write,
            report: &report)
        report.lap("cluster", &stage)
        progress("writing \(write.observations.count) observations, \(links.count) links")
        try await store.apply(write)
        report.lap("write", &stage)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - Incremental

    /// Resolves the records written since the last resolve, in batches of `batchSize`.
    ///
    /// With no trained model yet, this is a resolve from scratch.
    public func resolvePending(batchSize: Int = 20_000) async throws -> ResolveReport {
        guard let model = try await loadModel() else {
            return try await resolveAll()
        }
        var total = ResolveReport()
        while true {
            // Each batch is written whole; a stop between batches leaves the rest pending for the next resolve.
            try Task.checkCancellation()
            let batch = try await store.pendingIdentityRecords(limit: batchSize)
            if batch.records.isEmpty { break }
            total += try await resolveBatch(batch, model: model)
            if batch.records.count < batchSize { break }
        }
        return total
    }

    /// The stored model, when it was trained for the settings' comparisons.
    public func loadModel() async throws -> MatchModel? {
        guard let stored = try await store.loadModel(), stored.fingerprint == settings.modelFingerprint else { return nil }
        var model = MatchModel(stored: stored, comparisons: settings.comparisons)
        model.requireCorroboration = settings.requireCorroboration
        return model
    }

    func resolveBatch(_ batch: PendingIdentityRecords, model: MatchModel) async throws -> ResolveReport {
        let started = Date()
        var stage = ContinuousClock.now
        let records = batch.records
        var report = ResolveReport()
        var write = ResolutionWrite()
        write.pendingThrough = batch.newThrough
        write.resolvedPending = records.map(\.recordID)
        let pendingIDs = Set(records.map(\.recordID))
        let previous = Dictionary(
            try await store.observations(ids: records.map(\.recordID)).map { ($0.recordID, $0) },
            uniquingKeysWith: { first, _ in first })

        // The pending records' new features; deleted records leave.
        var pending: [Node] = []
        for record in records {
            let old = previous[record.recordID]
            if let old {
                write.observationCountDelta -= 1
                subtractTerms(old.features, from: &write.termDeltas)
                for key in BlockingKeys(old.features, settings: settings).all { write.staleKeys.append((key, old.recordID)) }
            }
            if record.deleted {
                write.removedObservations.append(record.recordID)
                write.placements.append((record.recordID, nil))
                if let profile = record.profileID { report.affectedProfiles.insert(profile) }
                report.removedObservations += 1
                continue
            }
            let canonical = try JSONValue(parsing: record.canonicalText)
            let features = extractor.features(of: canonical, entity: record.entity, connector: record.connector)
            pending.append(
                Node(recordID: record.recordID, connector: record.connector, features: features,
                     currentProfile: record.profileID, pending: true))
            write.observationCountDelta += 1
            addTerms(features, to: &write.termDeltas)
        }
        report.observations = pending.count
        let settings = self.settings
        let pendingKeys = pending.map { BlockingKeys($0.features, settings: settings) }
        write.observations = pending.indices.map { (pending[$0].recordID, pending[$0].features.encoded, pendingKeys[$0].all) }
        write.relinked = Array(pendingIDs)

        report.lap("extract", &stage)
        // Candidates: everything sharing a key with a pending node.
        let (candidateIDs, tooCommon) = try await store.observationIDs(
            sharingKeys: Array(Set(pendingKeys.flatMap(\.all))), cap: settings.maxBlockSize)
        report.lap("look up keys", &stage)
        let candidates = try await store.observations(ids: candidateIDs.filter { !pendingIDs.contains($0) })
        report.lap("load \(candidates.count) candidates", &stage)
        var scored = pending
        for candidate in candidates {
            scored.append(
                Node(recordID: candidate.recordID, connector: candidate.connector, features: candidate.features,
                     currentProfile: candidate.profileID, pending: false))
        }
        let frequencies = try await termFrequencies(
            for: pending.map(\.features), delta: write.termDeltas, countDelta: write.observationCountDelta)
        let scoredKeys = pendingKeys + Parallel.map(candidates) { BlockingKeys($0.features, settings: settings) }
        let prepared = Parallel.map(scored) {
            PreparedObservation($0.features, comparisons: settings.comparisons, frequencies: frequencies)
        }
        let newLinks = score(
            nodes: scored,
            candidates: CandidatePairs(
                keys: scoredKeys, pending: scored.map(\.pending), ruleCount: settings.blocking.count,
                maxBlockSize: settings.maxBlockSize, tooCommon: tooCommon),
            prepared: prepared, model: model, report: &report)
        write.links = newLinks
        report.lap("score", &stage)

        // The graph to re-cluster: the pending nodes, the candidates they link to or share a deterministic
        // identifier with, and every member of the profiles involved (so a split is seen whole).
        let pendingDeterministic = Set(pendingKeys.flatMap { $0.deterministic.map(\.key) })
        var involved = Set(newLinks.flatMap { [$0.a, $0.b] })
        for (index, candidate) in candidates.enumerated()
        where !Set(scoredKeys[pending.count + index].deterministic.map(\.key)).isDisjoint(with: pendingDeterministic) {
            involved.insert(candidate.recordID)
        }
        var profiles = Set(records.compactMap(\.profileID))
        for candidate in candidates where involved.contains(candidate.recordID) {
            if let profile = candidate.profileID { profiles.insert(profile) }
        }
        let memberIDs = Set(try await store.members(ofProfiles: Array(profiles))).union(involved).subtracting(pendingIDs)
        var graph = pending
        var loaded = Set(pending.map(\.recordID))
        let byID = Dictionary(candidates.map { ($0.recordID, $0) }, uniquingKeysWith: { first, _ in first })
        var missing: [Int64] = []
        for id in memberIDs where !loaded.contains(id) {
            if let candidate = byID[id] {
                graph.append(Node(recordID: id, connector: candidate.connector, features: candidate.features,
                                  currentProfile: candidate.profileID, pending: false))
                loaded.insert(id)
            } else {
                missing.append(id)
            }
        }
        for observation in try await store.observations(ids: missing) where !loaded.contains(observation.recordID) {
            graph.append(Node(recordID: observation.recordID, connector: observation.connector,
                              features: observation.features, currentProfile: observation.profileID, pending: false))
            loaded.insert(observation.recordID)
        }
        // Members of an affected profile whose record was deleted no longer count.
        let removed = Set(write.removedObservations)
        graph.removeAll { removed.contains($0.recordID) }

        let graphIDs = graph.map(\.recordID)
        let stored = try await store.links(among: graphIDs).filter { !pendingIDs.contains($0.a) && !pendingIDs.contains($0.b) }
        let pins = try await store.pins(touching: graphIDs)
        let graphKeys = Parallel.map(graph) { BlockingKeys($0.features, settings: settings) }
        report.lap("load \(graph.count) graph nodes", &stage)
        try await place(nodes: graph, keys: graphKeys, links: stored + newLinks, pins: pins, into: &write, report: &report)
        report.lap("cluster", &stage)
        try await store.apply(write)
        report.lap("write", &stage)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - Shared steps

    /// Blocks and scores; returns the links at or above the threshold (pairs touching a pending node only).
    func score(
        nodes: [Node], candidates: CandidatePairs, prepared: [PreparedObservation], model: MatchModel,
        report: inout ResolveReport
    ) -> [IdentityLink] {
        report.candidatePairs += candidates.pairs.count
        report.candidatePairsPerRule = candidates.perRule
        report.skippedKeys += candidates.skippedKeys
        report.skippedKeyObservations += candidates.skippedObservations
        if nodes.count > 10_000 { progress("scoring \(candidates.pairs.count) candidate pairs") }
        let recordIDs = nodes.map(\.recordID)
        let links = ParallelScoring.links(
            pairs: candidates.pairs, observations: prepared, model: model, minimumWeight: minimumWeight
        ) { a, b, weight in
            let vector = model.compare(prepared[Int(a)], prepared[Int(b)])
            return IdentityLink(
                a: recordIDs[Int(a)], b: recordIDs[Int(b)], kind: .model, weight: weight,
                evidence: Self.evidence(vector, model: model))
        }
        report.modelLinks += links.count
        return links
    }

    /// Clusters the nodes and writes their placements, aliases and history into `write`.
    func place(
        nodes: [Node], keys: [BlockingKeys], links: [IdentityLink], pins: [IdentityPin],
        into write: inout ResolutionWrite, report: inout ResolveReport
    ) async throws {
        var nodeOfRecord: [Int64: Int32] = [:]
        nodeOfRecord.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() { nodeOfRecord[node.recordID] = Int32(index) }

        // Limited identifier values as (scoped type index, value hash), the scoped types numbered as met.
        var limitOfRuleType: [String: Int] = [:]
        for rule in settings.identifiers { if let limit = rule.maxPerProfile { limitOfRuleType[rule.type] = limit } }
        var scopedTypes: [String] = []
        var typeLimits: [Int] = []
        var scopedIndex: [String: Int32?] = [:]
        let limited = nodes.map { node -> [Clusterer.LimitedValue] in
            var values: [Clusterer.LimitedValue] = []
            for (scoped, texts) in node.features.identifiers {
                let index: Int32?
                if let known = scopedIndex[scoped] {
                    index = known
                } else {
                    let type = String(scoped.split(separator: "@").first ?? Substring(scoped))
                    if let limit = limitOfRuleType[type] {
                        index = Int32(scopedTypes.count)
                        scopedTypes.append(scoped)
                        typeLimits.append(limit)
                    } else {
                        index = nil
                    }
                    scopedIndex[scoped] = index
                }
                guard let index else { continue }
                for text in texts { values.append((index, text.hashValue)) }
            }
            values.sort { $0.type < $1.type || ($0.type == $1.type && $0.value < $1.value) }
            return values
        }
        var clusterer = Clusterer(
            limited: limited, scopedTypes: scopedTypes, limits: typeLimits, nodeOfRecord: nodeOfRecord,
            apartPins: pins.filter { $0.kind == .apart }.map { ($0.a, $0.b) },
            names: settings.clustersNeedAgreeingNames
                ? ClusterNames(names: nodes.map(\.features.name), settings: settings) : nil)

        var edges: [Clusterer.Edge] = []
        for pin in pins where pin.kind == .together {
            if let a = nodeOfRecord[pin.a], let b = nodeOfRecord[pin.b] { edges.append(.forced(a, b)) }
        }
        // Shared deterministic identifiers: a star to the first holder of each value, in priority order.
        var firstHolder: [UInt64: Int32] = [:]
        var deterministic: [(Int32, Int32, Int)] = []
        for (index, nodeKeys) in keys.enumerated() {
            for (key, priority) in nodeKeys.deterministic {
                if let first = firstHolder[key] {
                    deterministic.append((first, Int32(index), priority))
                } else {
                    firstHolder[key] = Int32(index)
                }
            }
        }
        deterministic.sort { $0.2 < $1.2 }
        for (a, b, _) in deterministic { edges.append(.deterministic(a, b)) }
        report.deterministicJoins += deterministic.count
        let modelEdges = links.compactMap { link -> (Int32, Int32, Double, Bool)? in
            guard let a = nodeOfRecord[link.a], let b = nodeOfRecord[link.b] else { return nil }
            return (a, b, link.weight, link.kind == .forced)
        }.sorted { $0.2 > $1.2 }
        for (a, b, _, forced) in modelEdges {
            edges.append(forced ? .forced(a, b) : .model(a, b))
        }
        clusterer.join(edges)
        let clusters = clusterer.clusters()

        let outcome = ProfileAssigner.assign(
            clusters: clusters, currentProfile: nodes.map(\.currentProfile), recordIDs: nodes.map(\.recordID))
        let newCount = outcome.kept.filter { $0 == nil }.count
        var next = newCount > 0 ? try await store.reserveProfileNumbers(newCount) : 0
        var profileOfCluster: [String] = []
        for kept in outcome.kept {
            if let kept {
                profileOfCluster.append(kept)
            } else {
                profileOfCluster.append(ProfileAssigner.profileID(number: next))
                next += 1
            }
        }
        report.profilesCreated += newCount - outcome.splits.count
        report.profilesMerged += outcome.aliases.count
        report.profilesSplit += outcome.splits.count

        let now = Date()
        var clusterOfNode = [Int](repeating: 0, count: nodes.count)
        for (cluster, members) in clusters.enumerated() {
            for node in members { clusterOfNode[Int(node)] = cluster }
        }
        for (index, node) in nodes.enumerated() {
            let profile = profileOfCluster[clusterOfNode[index]]
            if node.currentProfile != profile {
                write.placements.append((node.recordID, profile))
                report.affectedProfiles.insert(profile)
                if let old = node.currentProfile { report.affectedProfiles.insert(old) }
            } else if node.pending {
                report.affectedProfiles.insert(profile)
            }
        }
        for (alias, profile) in outcome.aliases {
            write.aliases.append((alias, profile))
            write.events.append(IdentityEvent(at: now, action: .merged, profile: profile, other: alias,
                                              detail: "\(alias) merged into \(profile)"))
        }
        for (cluster, from) in outcome.splits {
            let profile = profileOfCluster[cluster]
            write.events.append(IdentityEvent(at: now, action: .split, profile: profile, other: from,
                                              detail: "\(clusters[cluster].count) record(s) split off \(from) into \(profile)"))
        }
        report.refusedMerges += clusterer.refusals.count
        for refusal in clusterer.refusals {
            let a = nodes[Int(refusal.a)]
            let b = nodes[Int(refusal.b)]
            write.events.append(IdentityEvent(
                at: now, action: .refused, profile: profileOfCluster[clusterOfNode[Int(refusal.a)]],
                other: profileOfCluster[clusterOfNode[Int(refusal.b)]],
                detail: "records \(a.recordID) and \(b.recordID) not merged: \(refusal.reason)"))
        }
    }

    /// The per-field evidence of a link, compact (a million links are written in a resolve from scratch): per
    /// comparison in the settings' order, `-` when a side had no value, else `level@weight` with the weight to one
    /// decimal; the prior's weight first. `ProfileExplanation` spells it out with the comparisons' names.
    static func evidence(_ vector: ComparisonVector, model: MatchModel) -> String {
        func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        var parts = ["\(rounded(model.priorWeight))"]
        for index in model.comparisons.indices {
            let level = Int(vector.levels[index])
            if level < 0 {
                parts.append("-")
            } else {
                let weight = model.weight(comparison: index, level: level, frequency: vector.frequencies[index])
                parts.append("\(level)@\(rounded(weight))")
            }
        }
        return parts.joined(separator: " ")
    }

    /// `evidence` as `field=level:weight` words, for people.
    public static func describe(evidence: String, comparisons: [ComparisonSpec]) -> String {
        let parts = evidence.split(separator: " ").map(String.init)
        guard parts.count == comparisons.count + 1 else { return evidence }
        var words = ["prior:\(parts[0])"]
        for (spec, part) in zip(comparisons, parts.dropFirst()) where part != "-" {
            let pieces = part.split(separator: "@")
            guard pieces.count == 2, let level = Int(pieces[0]), spec.levelNames.indices.contains(level) else {
                return evidence
            }
            words.append("\(spec.field)=\(spec.levelNames[level]):\(pieces[1])")
        }
        return words.joined(separator: "  ")
    }

    private func addTerms(_ features: ObservationFeatures, to deltas: inout [TermKey: Int], sign: Int = 1) {
        for spec in settings.comparisons where spec.termFrequency {
            for value in features.values(of: spec.field) {
                deltas[TermKey(field: spec.field.description, value: value), default: 0] += sign
            }
        }
    }

    private func subtractTerms(_ features: ObservationFeatures, from deltas: inout [TermKey: Int]) {
        addTerms(features, to: &deltas, sign: -1)
    }

    /// Term frequencies for the pending observations' values, as they will be after this batch.
    private func termFrequencies(
        for features: [ObservationFeatures], delta: [TermKey: Int], countDelta: Int
    ) async throws -> TermFrequencies {
        var keys = Set<TermKey>()
        for feature in features {
            for spec in settings.comparisons where spec.termFrequency {
                for value in feature.values(of: spec.field) { keys.insert(TermKey(field: spec.field.description, value: value)) }
            }
        }
        let (counts, total) = try await store.termCounts(Array(keys))
        var frequencies = TermFrequencies(total: max(1, total + countDelta))
        for key in keys {
            frequencies.counts[key.field, default: [:]][key.value] = (counts[key] ?? 0) + (delta[key] ?? 0)
        }
        return frequencies
    }

    // MARK: - Training

    /// EM's sample of each blocking rule's pairs, and of all candidate pairs for the prior: patterns (distinct
    /// comparison vectors) are what EM counts, and a few hundred thousand pairs show every common one.
    static let trainingPairsPerRule = 250_000
    static let trainingCandidatePairs = 500_000

    /// Trains u on random pairs and m and the prior by EM over each blocking rule's pairs.
    func train(_ population: Population) -> MatchModel {
        let prepared = population.prepared
        let keys = population.keys
        let union = population.candidates
        let trainer = ModelTrainer(comparisons: settings.comparisons, blocking: settings.blocking)
        let start = MatchModel.initial(for: settings.comparisons)
        let u = trainer.estimateU(prepared, pairs: settings.trainingPairs, seed: 0x5EED)
        // Each rule's own pairs (not deduplicated against earlier rules), a sample of each.
        let everything = [Bool](repeating: true, count: prepared.count)
        let perRule = Parallel.map(Array(settings.blocking.indices), itemsPerChunk: 1) { index -> ModelTrainer.Patterns in
            let ruleKeys = keys.map { BlockingKeys.only(rule: index, of: $0) }
            let total = CandidatePairs.pairCount(keys: ruleKeys, rule: 0, maxBlockSize: settings.maxBlockSize)
            let pairs = CandidatePairs(
                keys: ruleKeys, pending: everything, ruleCount: 1, maxBlockSize: settings.maxBlockSize,
                sampleEvery: max(1, total / Self.trainingPairsPerRule))
            return trainer.patterns(of: pairs.pairs, stride: 1, observations: prepared, model: start)
        }
        let all = trainer.patterns(
            of: union.pairs, stride: union.pairs.count / Self.trainingCandidatePairs, observations: prepared, model: start)
        let (m, blockedPrior, ruleShares) = trainer.estimateM(start: start, u: u, perRule: perRule, all: all)
        // The evidence must stand against the chance that two records taken at random are one person (as in
        // Splink), or a common name alone would link everyone who shares it. The expected number of matches is
        // each rule's share of matches (EM over its pairs, its own fields left out, so agreeing on them does not
        // count as evidence) times the candidate pairs it added; blocking is assumed to find (nearly) all matches.
        let allPairs = Double(prepared.count) * Double(max(prepared.count - 1, 1)) / 2
        var expectedMatches = 0.0
        for (rule, pairs) in union.perRule.enumerated() {
            expectedMatches += (ruleShares[rule] ?? blockedPrior) * Double(pairs)
        }
        let prior = min(expectedMatches / max(allPairs, 1), ModelTrainer.maximumPrior)
        var model = MatchModel(
            comparisons: settings.comparisons, m: m, u: u, prior: max(prior, 1e-12), trainedPairs: all.pairs)
        model.requireCorroboration = settings.requireCorroboration
        return model
    }

    /// Retrains the model on every stored observation and saves it; the next resolve uses it.
    public func train() async throws -> MatchModel {
        var report = ResolveReport()
        let model = train(try await population(report: &report))
        try await store.saveModel(model.stored(at: Date()))
        return model
    }
}

extension BlockingKeys {
    /// The keys of one rule only, as the only rule (for training on one rule's pairs).
    static func only(rule: Int, of keys: BlockingKeys) -> BlockingKeys {
        var copy = keys
        copy.rules = [keys.rules[rule]]
        copy.deterministic = []
        return copy
    }
}
