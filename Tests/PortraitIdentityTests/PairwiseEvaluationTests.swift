import Foundation
@testable import PortraitIdentity
import Testing

struct PairwiseEvaluationTests {
    private func ref(_ id: String) -> RecordRef { RecordRef(connector: "crm", stream: "contacts", sourceID: id) }

    /// Truth: {1 2 3} {4 5} {6}; predicted: {1 2 3} {4 5 6}. Record 7 is only predicted, 8 only in the truth.
    /// Predicted pairs: 12 13 23 45 (true), 46 56 (false): TP 4, FP 2. True pairs 12 13 23 45 all found: FN 0.
    @Test func handComputedExample() {
        let truth = ["1": "A", "2": "A", "3": "A", "4": "B", "5": "B", "6": "C", "8": "D"]
        let predicted = ["1": "x", "2": "x", "3": "x", "4": "y", "5": "y", "6": "y", "7": "z"]
        let result = PairwiseEvaluation.evaluate(
            truth: Dictionary(uniqueKeysWithValues: truth.map { (ref($0), $1) }),
            predicted: Dictionary(uniqueKeysWithValues: predicted.map { (ref($0), $1) }))
        #expect(result.truePositivePairs == 4)
        #expect(result.falsePositivePairs == 2)
        #expect(result.falseNegativePairs == 0)
        #expect(abs(result.precision - 4.0 / 6.0) < 1e-12)
        #expect(result.recall == 1)
        #expect(abs(result.f1 - 0.8) < 1e-12)
        #expect(result.predictedClusters == 2)
        #expect(result.trueClusters == 3)
        #expect(result.recordsInBoth == 6)
        #expect(result.recordsOnlyInTruth == 1)
        #expect(result.recordsOnlyPredicted == 1)
    }

    @Test func noPairsMeansNothingWrongAndNothingMissed() {
        let singletons = Dictionary(uniqueKeysWithValues: (0..<5).map { (ref("\($0)"), "e\($0)") })
        let result = PairwiseEvaluation.evaluate(truth: singletons, predicted: singletons)
        #expect(result.precision == 1 && result.recall == 1 && result.f1 == 1)
        #expect(result.truePositivePairs == 0)
        let empty = PairwiseEvaluation.evaluate(truth: [:], predicted: [:])
        #expect(empty.precision == 1 && empty.recall == 1 && empty.recordsInBoth == 0)

        // Everything predicted apart while the truth has pairs: precision 1 (vacuous), recall 0.
        let together = Dictionary(uniqueKeysWithValues: (0..<5).map { (ref("\($0)"), "one") })
        let apart = PairwiseEvaluation.evaluate(truth: together, predicted: singletons)
        #expect(apart.precision == 1 && apart.recall == 0 && apart.falseNegativePairs == 10)
    }

    /// The contingency counts equal a pair-by-pair count on random clusterings.
    @Test func agreesWithCountingEveryPair() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<50 {
            let records = (0..<80).map { ref("r\($0)") }
            var truth: [RecordRef: String] = [:]
            var predicted: [RecordRef: String] = [:]
            for record in records {
                if Int.random(in: 0..<10, using: &random) > 0 {
                    truth[record] = "t\(Int.random(in: 0..<15, using: &random))"
                }
                if Int.random(in: 0..<10, using: &random) > 0 {
                    predicted[record] = "p\(Int.random(in: 0..<12, using: &random))"
                }
            }
            let both = records.filter { truth[$0] != nil && predicted[$0] != nil }
            var (tp, fp, fn) = (0, 0, 0)
            for i in both.indices {
                for j in both.indices where j > i {
                    let samePredicted = predicted[both[i]] == predicted[both[j]]
                    let sameTrue = truth[both[i]] == truth[both[j]]
                    if samePredicted && sameTrue {
                        tp += 1
                    } else if samePredicted {
                        fp += 1
                    } else if sameTrue {
                        fn += 1
                    }
                }
            }
            let result = PairwiseEvaluation.evaluate(truth: truth, predicted: predicted)
            #expect(
                result.truePositivePairs == tp && result.falsePositivePairs == fp && result.falseNegativePairs == fn)
            #expect(result.recordsInBoth == both.count)
        }
    }

    @Test func readsRFC4180TruthFiles() throws {
        let text =
            "\u{FEFF}entity_id,Connector ,stream,source_id,note\r\n"
            + "E1,crm,contacts,C-1,plain\r\n"
            + "\r\n"
            + "E1,pos,members,\"M,2\",\"two\nlines\"\r\n"
            + "\"E \"\"2\"\"\",pos,members,M3,\r\n"
            + "E1,crm,contacts,C-1,listed twice with the same entity"
        let url = try write(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let truth = try PairwiseEvaluation.readTruth(at: url)
        #expect(truth.count == 3)
        #expect(truth[RecordRef(connector: "crm", stream: "contacts", sourceID: "C-1")] == "E1")
        #expect(truth[RecordRef(connector: "pos", stream: "members", sourceID: "M,2")] == "E1")
        #expect(truth[RecordRef(connector: "pos", stream: "members", sourceID: "M3")] == #"E "2""#)
    }

    @Test(arguments: [
        ("connector,stream,source_id\ncrm,c,1\n", 1, "no 'entity_id' column"),
        ("connector,stream,source_id,entity_id\ncrm,c,1,E1\ncrm,c,2\n", 3, "3 fields, but the header has 4"),
        // The row after a quoted line break starts on line 4 of the file.
        ("connector,stream,source_id,entity_id\ncrm,c,\"1\n\",E1\ncrm,c,2,E1,extra\n", 4, "5 fields"),
        ("connector,stream,source_id,entity_id\ncrm,c,\"1,E1\n", 2, "a quoted field never ends"),
        ("connector,stream,source_id,entity_id\ncrm,c,\"1\"x,E1\n", 2, "text after the closing quote"),
        ("connector,stream,source_id,entity_id\ncrm,c,1\"2,E1\n", 2, "a quote inside unquoted field 3"),
        ("connector,stream,source_id,entity_id\ncrm,c,,E1\n", 2, "source_id is empty"),
        ("connector,stream,source_id,entity_id\ncrm,c,1,E1\ncrm,c,1,E2\n", 3, "'E1' at line 2"),
    ])
    func malformedTruthFilesNameTheLine(text: String, line: Int, reason: String) throws {
        let url = try write(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: TruthFileError.self) { try PairwiseEvaluation.readTruth(at: url) }
        #expect(error.line == line)
        #expect(error.description.hasPrefix("\(url.path):\(line): "))
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test func missingAndEmptyFilesSaySo() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-truth-\(UUID()).csv")
        let unreadable = try #require(throws: TruthFileError.self) { try PairwiseEvaluation.readTruth(at: missing) }
        #expect(unreadable.line == nil && unreadable.reason.hasPrefix("cannot be read"))
        let empty = try #require(throws: TruthFileError.self) { try PairwiseEvaluation.readTruth(at: try write("")) }
        #expect(empty.reason.contains("is empty"))
    }

    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID()).csv")
        try Data(text.utf8).write(to: url)
        return url
    }
}
