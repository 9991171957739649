import Testing

@testable import PortraitIdentity

@Suite("Clustering: a model link may not join people known by different given names")
struct ClusterNamesTests {
    /// Clusters `names` (one node each) joined by model links `edges`, with the standard settings' name check.
    private func cluster(
        _ names: [PersonName?], _ edges: [(Int32, Int32)], settings: IdentitySettings = .standard
    ) -> (clusters: Set<Set<Int32>>, refusals: [String]) {
        var clusterer = Clusterer(
            limited: names.map { _ in [] }, scopedTypes: [], limits: [], nodeOfRecord: [:], apartPins: [],
            names: settings.clustersNeedAgreeingNames ? ClusterNames(names: names, settings: settings) : nil)
        clusterer.join(edges.map { .model($0.0, $0.1) })
        return (Set(clusterer.clusters().map(Set.init)), clusterer.refusals.map(\.reason))
    }

    private static let xiuying = PersonName(family: "杨", given: "秀英", isHan: true)
    private static let yiyu = PersonName(family: "杨", given: "怡雨", isHan: true)

    @Test("a nameless record sharing a phone with two people of a household joins one of them, not both")
    func householdBridge() throws {
        // Node 2 (a receipt with only the household's phone) links to both; the stronger link comes first.
        let result = cluster([Self.xiuying, Self.yiyu, nil], [(0, 2), (1, 2)])
        #expect(result.clusters == [[0, 2], [1]])
        #expect(result.refusals.count == 1)
        let reason = try #require(result.refusals.first)
        #expect(reason.contains("different given names") && reason.contains("杨秀英") && reason.contains("杨怡雨"))
    }

    @Test("names that agree by the model's levels (a typo, a nickname) do not stop the join")
    func agreeingNames() {
        let jon = PersonName(family: "smith", given: "jon", isHan: false)
        let john = PersonName(family: "smith", given: "john", isHan: false)
        let bill = PersonName(family: "smith", given: "bill", isHan: false)
        let william = PersonName(family: "smith", given: "william", isHan: false)
        #expect(cluster([jon, john, nil], [(0, 2), (1, 2)]).clusters == [[0, 1, 2]])
        #expect(cluster([bill, william, nil], [(0, 2), (1, 2)]).clusters == [[0, 1, 2]])
    }

    @Test("pinyin in Chinese order: a shared family name read as the given name is not agreement")
    func pinyinFamilyFirst() {
        // `Liu Xinyi` and `Liu Jing` split in Western order: given `liu` for both, families differ.
        let xinyi = PersonName(family: "xinyi", given: "liu", isHan: false)
        let jing = PersonName(family: "jing", given: "liu", isHan: false)
        let swapped = PersonName(family: "liu", given: "xinyi", isHan: false)
        #expect(cluster([xinyi, jing, nil], [(0, 2), (1, 2)]).clusters == [[0, 2], [1]])
        #expect(cluster([xinyi, swapped, nil], [(0, 2), (1, 2)]).clusters == [[0, 1, 2]], "the same name swapped")
    }

    @Test("names in different scripts say nothing, and a cluster without names never conflicts")
    func incomparableNames() {
        let latin = PersonName(family: "yang", given: "yiyu", isHan: false)
        #expect(cluster([Self.xiuying, latin, nil], [(0, 2), (1, 2)]).clusters == [[0, 1, 2]])
        #expect(cluster([Self.xiuying, nil, nil], [(0, 2), (1, 2)]).clusters == [[0, 1, 2]])
    }

    @Test("a link between two named records stands: the model judged those two names itself")
    func directLinkStands() {
        // A replaced given name with an agreeing birth date passes the model's veto; the clusterer keeps it.
        let result = cluster([Self.xiuying, Self.yiyu], [(0, 1)])
        #expect(result.clusters == [[0, 1]])
        #expect(result.refusals.isEmpty)
    }

    @Test("the check follows a cluster's names as it grows, and can be turned off")
    func growingClustersAndSetting() {
        // 0 and 1 are one person in two scripts; 3 (a different 杨) is reached through the nameless 2.
        let latin = PersonName(family: "yang", given: "xiuying", isHan: false)
        let other = PersonName(family: "yang", given: "yiyu", isHan: false)
        #expect(cluster([Self.xiuying, latin, nil, other], [(0, 1), (1, 2), (2, 3)]).clusters == [[0, 1, 2], [3]])
        var settings = IdentitySettings.standard
        settings.clustersNeedAgreeingNames = false
        #expect(cluster([Self.xiuying, Self.yiyu, nil], [(0, 2), (1, 2)], settings: settings).clusters == [[0, 1, 2]])
    }
}
