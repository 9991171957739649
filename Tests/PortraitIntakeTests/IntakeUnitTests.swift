import Foundation
import PortraitCore
import Testing

@testable import PortraitIntake

struct TokenBucketTests {
    @Test func burstIsASixthOfTheRateAndRefillIsContinuous() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(ratePerMinute: 60, now: start)
        #expect(bucket.capacity == 10)
        for _ in 0..<10 { #expect(bucket.take(now: start) == nil) }
        #expect(bucket.take(now: start) == 1)
        #expect(bucket.take(now: start + .milliseconds(500)) == 1)
        #expect(bucket.take(now: start + .seconds(1)) == nil)
        // A long pause refills only up to the burst.
        let later = start + .seconds(3600)
        for _ in 0..<10 { #expect(bucket.take(now: later) == nil) }
        #expect(bucket.take(now: later) != nil)
    }

    @Test func slowRatesGetABurstOfOneAndALongRetry() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(ratePerMinute: 2, now: start)
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == 30)
        #expect(bucket.take(now: start + .seconds(29)) == 1)
        #expect(bucket.take(now: start + .seconds(30)) == nil)
    }
}

struct SignatureTests {
    @Test func onlyTheFormsSecretSignsTheRawBody() {
        let body = Array(#"{"nps":9}"#.utf8)
        #expect(Signature.isValid(sign(body, secret: "k1"), body: body, secret: "k1"))
        #expect(
            Signature.isValid(
                sign(body, secret: "k1").uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body,
                secret: "k1"))
        #expect(!Signature.isValid(sign(body, secret: "k1"), body: body, secret: "k2"))
        #expect(!Signature.isValid(sign(body, secret: "k1"), body: body + [0x20], secret: "k1"))
        #expect(!Signature.isValid(String(sign(body, secret: "k1").dropFirst(7)), body: body, secret: "k1"))
        #expect(!Signature.isValid(String(sign(body, secret: "k1").dropLast(2)), body: body, secret: "k1"))
    }

    @Test func anEmptySecretAcceptsNothing() {
        let body = Array("x".utf8)
        #expect(!Signature.isValid(sign(body, secret: ""), body: body, secret: ""))
    }
}

struct SubmissionBodyTests {
    @Test func answersMergeIntoTopLevelFields() throws {
        let body = try SubmissionBody(
            Array(#"{"response_id":12,"nps":1,"answers":{"nps":9,"why":"fast"}}"#.utf8), format: .json)
        #expect(body.responseID == "12")
        #expect(body.fields == ["nps": 9, "why": "fast"])
    }

    @Test func invalidUTF8InAFormValueNamesTheField() {
        #expect(throws: SubmissionBody.Failure.self) {
            try SubmissionBody(Array("ok=1&comment=%FF%FE".utf8), format: .form)
        }
    }

    @Test(arguments: [
        ("application/json", true), ("Application/JSON; charset=utf-8", true),
        ("application/x-www-form-urlencoded", true), ("text/plain", false), ("multipart/form-data; boundary=x", false),
    ])
    func contentTypes(_ value: String, supported: Bool) {
        #expect((SubmissionBody.Format(contentType: value) != nil) == supported)
    }

    @Test func formIDsComeFromTheResponsesPathOnly() {
        #expect(IntakeResponder.formID(inResponsesPath: "/v1/forms/nps-2025/responses") == "nps-2025")
        #expect(IntakeResponder.formID(inResponsesPath: "/v1/forms/a%20b/responses") == "a b")
        #expect(IntakeResponder.formID(inResponsesPath: "/v1/forms//responses") == nil)
        #expect(IntakeResponder.formID(inResponsesPath: "/v1/forms/x/responses/1") == nil)
    }
}
