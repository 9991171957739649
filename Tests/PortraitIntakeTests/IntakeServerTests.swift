import Foundation
import PortraitCore
import PortraitIntake
import PortraitTesting
import Testing

/// The intake over real HTTP on loopback, driven by curl.
struct IntakeServerTests {
    static let surveySecret = "survey-secret-7f3a91"
    static let feedbackSecret = "feedback-secret-c2d4e8"
    static let forms = [
        IntakeForm(id: "nps-2025", secret: surveySecret),
        IntakeForm(id: "feedback", secret: feedbackSecret),
    ]
    static let answer =
        #"{"response_id":"r-1001","nps":9,"comment":"Delivery was quick","answers":{"email":"li.na@example.cn"}}"#

    @Test func signedJSONIsStoredThenADuplicate() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let first = try await intake.post(form: "nps-2025", body: Self.answer, secret: Self.surveySecret)
            #expect(first.status == 201)
            #expect(first.text == #"{"response_id":"r-1001","status":"stored"}"#)

            let submissions = intake.sink.submissions
            #expect(submissions.count == 1)
            let submission = try #require(submissions.first)
            #expect(submission.formID == "nps-2025")
            #expect(submission.responseID == "r-1001")
            #expect(submission.fields == ["nps": 9, "comment": "Delivery was quick", "email": "li.na@example.cn"])
            #expect(submission.bodySHA256.count == 64)

            let again = try await intake.post(form: "nps-2025", body: Self.answer, secret: Self.surveySecret)
            #expect(again.status == 200)
            #expect(again.text == #"{"response_id":"r-1001","status":"duplicate"}"#)
            #expect(intake.sink.submissions.count == 2)
            #expect(intake.server.counters.accepted == 1)
            #expect(intake.server.counters.duplicates == 1)
        }
    }

    @Test func responseIDComesFromTheIdempotencyKeyOrTheBody() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let body = #"{"nps":3}"#
            let keyed = try await intake.post(
                form: "nps-2025", body: body, secret: Self.surveySecret, headers: [("Idempotency-Key", "key-42")])
            #expect(keyed.status == 201)
            let derived = try await intake.post(form: "nps-2025", body: body, secret: Self.surveySecret)
            #expect(derived.status == 201)
            let retried = try await intake.post(form: "nps-2025", body: body, secret: Self.surveySecret)
            #expect(retried.status == 200)

            let ids = intake.sink.submissions.map(\.responseID)
            #expect(ids.count == 3)
            #expect(ids[0] == "key-42")
            #expect(ids[1].hasPrefix("sha256:") && ids[1].count == 7 + 64)
            #expect(ids[2] == ids[1])
        }
    }

    @Test(arguments: [
        ("unsigned", nil as String?),
        ("wrongly signed", "sha256=" + String(repeating: "0", count: 64)),
        ("not hex", "sha256=zz"),
        ("another form's secret", sign(Array(IntakeServerTests.answer.utf8), secret: IntakeServerTests.feedbackSecret)),
    ])
    func badSignaturesAreRefused(_ label: String, signature: String?) async throws {
        try await withIntake(forms: Self.forms) { intake in
            let headers = signature.map { [("X-Portrait-Signature", $0)] } ?? []
            let result = try await Curl.request(
                intake.url("/v1/forms/nps-2025/responses"), method: "POST",
                headers: [("Content-Type", "application/json")] + headers, body: Array(Self.answer.utf8))
            #expect(result.status == 401, "\(label)")
            #expect(
                result.object?["error"] as? String
                    == "missing or invalid signature; sign the raw body with HMAC-SHA256 and the form's secret")
            #expect(intake.sink.submissions.isEmpty)
            #expect(intake.server.counters[.badSignature] == 1)
        }
    }

    @Test func oversizedBodiesAreRefusedUnread() async throws {
        try await withIntake(forms: Self.forms, maxBodyBytes: 1024) { intake in
            let big = #"{"comment":""# + String(repeating: "x", count: 200_000) + #""}"#
            let result = try await intake.post(form: "nps-2025", body: big, secret: Self.surveySecret)
            #expect(result.status == 413)
            let justOver = #"{"comment":""# + String(repeating: "y", count: 1100) + #""}"#
            let second = try await intake.post(form: "nps-2025", body: justOver, secret: Self.surveySecret)
            #expect(second.status == 413)
            // Chunked, so no Content-Length warns the intake: it stops at the limit while reading.
            let chunked = try await intake.post(
                form: "nps-2025", body: big, secret: Self.surveySecret, headers: [("Transfer-Encoding", "chunked")])
            #expect(chunked.status == 413)
            #expect(intake.sink.submissions.isEmpty)
            #expect(intake.server.counters[.tooLarge] == 3)
        }
    }

    @Test func malformedJSONNamesThePosition() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let result = try await intake.post(form: "nps-2025", body: #"{"nps": 9,"#, secret: Self.surveySecret)
            #expect(result.status == 400)
            let object = try #require(result.object)
            #expect((object["error"] as? String)?.contains("line 1, column") == true)
            #expect(object["field"] is NSNull)

            let array = try await intake.post(form: "nps-2025", body: "[1,2]", secret: Self.surveySecret)
            #expect(array.status == 400)
            let badID = try await intake.post(
                form: "nps-2025", body: #"{"response_id":{"a":1}}"#, secret: Self.surveySecret)
            #expect(badID.status == 400)
            #expect(badID.object?["field"] as? String == "response_id")
            #expect(intake.sink.submissions.isEmpty)
            #expect(intake.server.counters[.malformed] == 3)
        }
    }

    @Test func unsupportedContentTypesAre415() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let result = try await intake.post(
                form: "nps-2025", body: "nps=9", secret: Self.surveySecret, contentType: "text/plain")
            #expect(result.status == 415)
            #expect(intake.sink.submissions.isEmpty)
        }
    }

    @Test func formPostsDecodeRepeatedKeysAndUTF8() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let body = "nps=7&topics=price&topics=delivery&comment=%E4%BB%B7%E6%A0%BC%E5%A4%AA%E8%B4%B5&name=Li+Na"
            let result = try await intake.post(
                form: "feedback", body: body, secret: Self.feedbackSecret,
                contentType: "application/x-www-form-urlencoded; charset=utf-8")
            #expect(result.status == 201)
            let fields = try #require(intake.sink.submissions.first?.fields)
            #expect(fields["nps"] == "7")
            #expect(fields["topics"] == ["price", "delivery"])
            #expect(fields["comment"] == "价格太贵")
            #expect(fields["name"] == "Li Na")
        }
    }

    @Test func unknownFormsAre404BeforeAnythingElse() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let result = try await intake.post(form: "nope", body: Self.answer, secret: nil)
            #expect(result.status == 404)
            #expect(result.text == #"{"error":"unknown form 'nope'"}"#)
            #expect(intake.server.counters[.unknownForm] == 1)
        }
    }

    @Test func theRateLimitAnswers429WithRetryAfter() async throws {
        let forms = Self.forms + [IntakeForm(id: "limited", secret: "limited-secret", ratePerMinute: 6)]
        try await withIntake(forms: forms) { intake in
            let first = try await intake.post(form: "limited", body: #"{"nps":1}"#, secret: "limited-secret")
            #expect(first.status == 201)
            let second = try await intake.post(form: "limited", body: #"{"nps":2}"#, secret: "limited-secret")
            #expect(second.status == 429)
            let retryAfter = try #require(second.header("Retry-After").flatMap { Int($0) })
            #expect((1...10).contains(retryAfter))
            // Other forms have their own (here no) limit.
            let other = try await intake.post(form: "nps-2025", body: #"{"nps":2}"#, secret: Self.surveySecret)
            #expect(other.status == 201)
            #expect(intake.server.counters[.rateLimited] == 1)
        }
    }

    @Test func sinkRejectionsListTheFields() async throws {
        let errors = [IntakeFieldError(field: "nps", message: "must be an integer from 0 to 10")]
        try await withIntake(forms: Self.forms, sink: RecordingSink(.reject(errors))) { intake in
            let result = try await intake.post(form: "nps-2025", body: #"{"nps":11}"#, secret: Self.surveySecret)
            #expect(result.status == 400)
            #expect(
                result.text
                    == #"{"error":"invalid response","fields":[{"field":"nps","message":"must be an integer from 0 to 10"}]}"#
            )
            #expect(intake.server.counters[.invalid] == 1)
        }
    }

    @Test func sinkFailuresAre503() async throws {
        try await withIntake(forms: Self.forms, sink: RecordingSink(.fail)) { intake in
            let result = try await intake.post(form: "nps-2025", body: Self.answer, secret: Self.surveySecret)
            #expect(result.status == 503)
            #expect(result.text == #"{"error":"could not store the response; retry"}"#)
            #expect(intake.server.counters[.sinkFailed] == 1)
            #expect(intake.log.all.contains { $0.contains("the test store is offline") })
        }
    }

    @Test func healthz() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let result = try await Curl.request(intake.url("/healthz"))
            #expect(result.status == 200)
            #expect(result.text == "ok")
        }
    }

    @Test func countersAndLogsAcrossAMixOfRequests() async throws {
        try await withIntake(forms: Self.forms) { intake in
            let chinese = "comment=%E4%BB%B7%E6%A0%BC%E5%A4%AA%E8%B4%B5&email=wang.fang%40example.cn"
            let form = "application/x-www-form-urlencoded"
            let wrong = sign(Array(Self.answer.utf8), secret: Self.feedbackSecret)
            let statuses = [
                try await intake.post(form: "nps-2025", body: Self.answer, secret: Self.surveySecret).status,
                try await intake.post(form: "nps-2025", body: Self.answer, secret: Self.surveySecret).status,
                try await intake.post(form: "feedback", body: chinese, secret: Self.feedbackSecret, contentType: form)
                    .status,
                try await intake.post(form: "nps-2025", body: Self.answer, secret: nil).status,
                try await intake.post(
                    form: "nps-2025", body: Self.answer, secret: nil, headers: [("X-Portrait-Signature", wrong)]
                ).status,
                try await intake.post(
                    form: "nps-2025", body: #"{"email":"zhang.wei@example.cn""#, secret: Self.surveySecret
                )
                .status,
                try await intake.post(form: "ghost", body: Self.answer, secret: Self.surveySecret).status,
            ]
            #expect(statuses == [201, 200, 201, 401, 401, 400, 404])

            let counters = intake.server.counters
            #expect(counters.accepted == 2)
            #expect(counters.duplicates == 1)
            #expect(counters.rejections == [.badSignature: 2, .malformed: 1, .unknownForm: 1])
            #expect(counters.rejected == 4)
            #expect(IntakeCounters.Reason.allCases.map { counters[$0] }.reduce(0, +) == 4)

            let lines = intake.log.all
            #expect(lines.filter { $0.contains("intake refused a submission") }.count == 4)
            let secrets = [
                Self.surveySecret, Self.feedbackSecret, String(wrong.dropFirst(7)),
                String(sign(Array(Self.answer.utf8), secret: Self.surveySecret).dropFirst(7)),
            ]
            let values = [
                "li.na@example.cn", "Delivery was quick", "价格太贵", "wang.fang", "zhang.wei", "r-1001",
                "%E4%BB%B7",
            ]
            for line in lines {
                for secret in secrets { #expect(!line.contains(secret), "a secret or signature in: \(line)") }
                for value in values { #expect(!line.contains(value), "a field value in: \(line)") }
            }
        }
    }
}
