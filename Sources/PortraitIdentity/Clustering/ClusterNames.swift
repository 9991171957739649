/// The names observations go by, for the clustering rule that a model link may not join two clusters known by
/// different given names.
///
/// Pairs are scored one at a time, so a record without a name (a receipt with only a phone, an order with a
/// phone and a city) can link to two people of one household who share that phone, and union-find would then join
/// them through it. The cluster-level check sees both sides' names: when the clusters hold names in the same
/// script and no name of one agrees with one of the other, the join is refused. Two names agree when the given
/// names reach any of the model's given-name levels (exact, swapped, typo distance, Jaro-Winkler, nicknames) and the
/// family names reach one of the family levels or one is missing: `Liu Xinyi` and `Liu Jing` written in Chinese
/// order read `liu` as the given name of both, and only the family part tells them apart. Names in different
/// scripts say nothing (`杨秀英` against `Yiyu Yang`), and a cluster without names never conflicts.
struct ClusterNames {
    enum Agreement {
        case agree
        case differ
        /// Different scripts, or a side without a given name.
        case incomparable
    }

    /// Per node: its name's index in the table, or -1 when it has none.
    let nameOfNode: [Int32]
    /// Per distinct name: the given name laid out for the model's given-name comparison.
    private let prepared: [PreparedObservation]
    private let display: [String]
    private let scorer: CompiledScorer

    /// Nil when the settings compare no given names (there is then nothing to check with).
    init?(names: [PersonName?], settings: IdentitySettings) {
        guard let given = settings.comparisons.first(where: { $0.field == .given }) else { return nil }
        let family = settings.comparisons.first(where: { $0.field == .family })
            ?? ComparisonSpec(field: .family, levels: [.exact], termFrequency: false)
        let comparisons = [given, family]
        var indexOfName: [PersonName: Int32] = [:]
        var prepared: [PreparedObservation] = []
        var display: [String] = []
        let none = TermFrequencies()
        nameOfNode = names.map { name in
            guard let name, !name.given.isEmpty else { return -1 }
            if let index = indexOfName[name] { return index }
            let index = Int32(prepared.count)
            indexOfName[name] = index
            prepared.append(PreparedObservation(ObservationFeatures(name: name), comparisons: comparisons, frequencies: none))
            display.append(name.isHan ? name.family + name.given : name.given + " " + name.family)
            return index
        }
        self.prepared = prepared
        self.display = display
        scorer = CompiledScorer(model: MatchModel.initial(for: comparisons))
    }

    func agreement(_ a: Int32, _ b: Int32) -> Agreement {
        if a == b { return .agree }
        let (given, _) = scorer.level(0, prepared[Int(a)], prepared[Int(b)])
        if given < 0 { return .incomparable }
        if Int(given) == scorer.comparisons[0].levelCount { return .differ }
        let (family, _) = scorer.level(1, prepared[Int(a)], prepared[Int(b)])
        return Int(family) == scorer.comparisons[1].levelCount ? .differ : .agree
    }

    func describe(_ name: Int32) -> String { display[Int(name)] }
}
