import PortraitProfiles
import Testing

@Suite struct SegmentExpressionParsingTests {
    @Test func specExamplesParse() throws {
        let examples = [
            "recency_days <= 30 and total_spend >= 1000 and 'sports' in interests",
            "tier = 'vip' or (nps_class = 'detractor' and not email_opt_in)",
            "city in ('上海', 'Beijing') and birth_date < '1990-01-01' and email is not null",
            "channel != 'offline' and 'shoes' in categories",
        ]
        let rendered = try examples.map { try parseSegment($0).description }
        #expect(rendered == [
            "recency_days <= 30 and total_spend >= 1000 and 'sports' in interests",
            "tier = 'vip' or (nps_class = 'detractor' and not email_opt_in)",
            "city in ('上海', 'Beijing') and birth_date < '1990-01-01' and email is not null",
            "channel != 'offline' and 'shoes' in categories",
        ])
    }

    @Test func andBindsTighterThanOr() throws {
        let expression = try parseSegment("vip or tier = 'a' and city = 'b'")
        #expect(expression == (try parseSegment("vip or (tier = 'a' and city = 'b')")))
        #expect(expression != (try parseSegment("(vip or tier = 'a') and city = 'b'")))
        #expect(expression.description == "vip or (tier = 'a' and city = 'b')")
        // With vip true and nothing else, only the `vip or (...)` reading is true.
        #expect(expression.matches(["vip": .bool(true)]))
    }

    @Test func notBindsTighterThanAnd() throws {
        let expression = try parseSegment("not vip and email_opt_in")
        #expect(expression == (try parseSegment("(not vip) and email_opt_in")))
        #expect(expression != (try parseSegment("not (vip and email_opt_in)")))
        #expect(expression.description == "not vip and email_opt_in")
        #expect(try parseSegment("not (vip and email_opt_in)").description == "not (vip and email_opt_in)")
        #expect(try parseSegment("not total > 5").description == "not (total > 5)")
        #expect(try parseSegment("not not vip").description == "not not vip")
    }

    @Test func chainsFlattenRegardlessOfGrouping() throws {
        #expect(try parseSegment("(vip and email_opt_in) and total > 1") == (try parseSegment("vip and (email_opt_in and total > 1)")))
        #expect(try parseSegment("(vip or email_opt_in) or total > 1").description == "vip or email_opt_in or total > 1")
        #expect(try parseSegment("((((vip))))").description == "vip")
    }

    @Test(arguments: [
        ("30 >= recency_days", "recency_days <= 30"),
        ("30 > recency_days", "recency_days < 30"),
        ("30 <= recency_days", "recency_days >= 30"),
        ("30 < recency_days", "recency_days > 30"),
        ("30 = recency_days", "recency_days = 30"),
        ("30 != recency_days", "recency_days != 30"),
        ("'vip' = tier", "tier = 'vip'"),
        ("'2000-01-01' > birth_date", "birth_date < '2000-01-01'"),
        ("true = vip", "vip = true"),
    ])
    func mirroredComparisons(mirrored: String, direct: String) throws {
        #expect(try parseSegment(mirrored) == (try parseSegment(direct)))
        #expect(try parseSegment(mirrored).description == direct)
    }

    @Test(arguments: [
        ("total = 1", "total = 1"), ("total == 1", "total = 1"),
        ("total != 1", "total != 1"), ("total <> 1", "total != 1"),
        ("total < 1", "total < 1"), ("total <= 1", "total <= 1"),
        ("total > 1", "total > 1"), ("total >= 1", "total >= 1"),
        ("total>=1", "total >= 1"), ("total<>-1", "total != -1"),
    ])
    func operatorSpellings(text: String, canonical: String) throws {
        #expect(try parseSegment(text).description == canonical)
    }

    @Test func literals() throws {
        #expect(try parseSegment("total > -4.5").description == "total > -4.5")
        #expect(try parseSegment("total > 1e3").description == "total > 1000")
        #expect(try parseSegment("total > 2.50").description == "total > 2.5")
        #expect(try parseSegment("total > .5").description == "total > 0.5")
        #expect(try parseSegment("total > 1e-5").description == "total > 1e-05")
        #expect(try parseSegment("total > 1E+20").description == "total > 1e+20")
        #expect(try parseSegment(#"tier = "vip""#).description == "tier = 'vip'")
        #expect(try parseSegment(#"tier = 'o\'brien'"#).description == #"tier = 'o\'brien'"#)
        #expect(try parseSegment(#"tier = "say \"hi\" \\ bye""#).description == #"tier = 'say "hi" \\ bye'"#)
        #expect(try parseSegment("vip = FALSE").description == "vip = false")
        #expect(try parseSegment("tier = ''").description == "tier = ''")
    }

    @Test func inListsNullTestsAndBareBools() throws {
        #expect(try parseSegment("city IN ('a','b' , 'c')").description == "city in ('a', 'b', 'c')")
        #expect(try parseSegment("total not in (1, 2)").description == "total not in (1, 2)")
        #expect(try parseSegment("birth_date in ('1990-01-01')").description == "birth_date in ('1990-01-01')")
        #expect(try parseSegment("vip in (true, false)").description == "vip in (true, false)")
        #expect(try parseSegment("'sports' NOT IN interests").description == "'sports' not in interests")
        #expect(try parseSegment("email IS NULL").description == "email is null")
        #expect(try parseSegment("interests is not null").description == "interests is not null")
        #expect(try parseSegment("email_opt_in").description == "email_opt_in")
        #expect(try parseSegment("email_opt_in") != (try parseSegment("email_opt_in = true")))
    }

    @Test func keywordsAreCaseInsensitive() throws {
        let expression = try parseSegment("tier = 'x' AND NOT vip Or city IS NOT NULL")
        #expect(expression.description == "(tier = 'x' and not vip) or city is not null")
    }

    @Test func dottedNamesAndFieldsUsed() throws {
        let expression = try parseSegment("traits.total_spend > 5 and (vip or 'a' in interests) and traits.total_spend < 9")
        #expect(expression.fieldsUsed == ["traits.total_spend", "vip", "interests"])
        #expect(expression.text == "traits.total_spend > 5 and (vip or 'a' in interests) and traits.total_spend < 9")
    }

    @Test func equalityIgnoresSpellingButHashesConsistently() throws {
        let a = try parseSegment("total == 1 AND  'x' IN interests")
        let b = try parseSegment("total = 1 and 'x' in interests")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.text != b.text)
    }

    @Test func depthUpToTheLimitIsAccepted() throws {
        let nested = String(repeating: "(", count: 100) + "vip" + String(repeating: ")", count: 100)
        #expect(try parseSegment(nested).description == "vip")
        let negated = String(repeating: "not ", count: 100) + "vip"
        #expect(try parseSegment(negated).matches(["vip": .bool(true)]))
    }

    @Test func longChainsDoNotNest() throws {
        let chain = Array(repeating: "total > 1", count: 5_000).joined(separator: " and ")
        #expect(try parseSegment(chain).matches(["total": .number(2)]))
    }
}
