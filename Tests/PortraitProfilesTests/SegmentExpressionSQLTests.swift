import PortraitProfiles
import Testing

func quotedSQLColumn(_ name: String) -> String { "\"\(name)\"" }

func compileSQL(_ text: String) throws -> (sql: String, arguments: [SQLArgument]) {
    try parseSegment(text).sql(column: quotedSQLColumn)
}

@Suite struct SegmentExpressionSQLTests {
    @Test(arguments: [
        ("'sports' in interests", #"COALESCE(instr("interests", ?) > 0, 0)"#, [SQLArgument.text("\u{1F}sports\u{1F}")]),
        ("'sports' not in interests", #"COALESCE(instr("interests", ?) = 0, 0)"#, [.text("\u{1F}sports\u{1F}")]),
        ("recency_days <= 30", #"COALESCE("recency_days" <= ?, 0)"#, [.number(30)]),
        ("30 > recency_days", #"COALESCE("recency_days" < ?, 0)"#, [.number(30)]),
        ("tier <> 'a'", #"COALESCE("tier" <> ?, 0)"#, [.text("a")]),
        ("birth_date < '1990-01-01'", #"COALESCE("birth_date" < ?, 0)"#, [.text("1990-01-01")]),
        ("vip", #"COALESCE("vip" = 1, 0)"#, []),
        ("vip = true", #"COALESCE("vip" = ?, 0)"#, [.number(1)]),
        ("vip != false", #"COALESCE("vip" <> ?, 0)"#, [.number(0)]),
        ("not vip", #"NOT (COALESCE("vip" = 1, 0))"#, []),
        ("email is null", #"("email" IS NULL)"#, []),
        ("interests is not null", #"("interests" IS NOT NULL)"#, []),
        ("city not in ('a', 'b')", #"COALESCE("city" NOT IN (?, ?), 0)"#, [.text("a"), .text("b")]),
        ("vip in (true)", #"COALESCE("vip" IN (?), 0)"#, [.number(1)]),
        ("traits.total_spend > 1", #"COALESCE("traits.total_spend" > ?, 0)"#, [.number(1)]),
        (
            "tier = 'vip' or (nps_class = 'detractor' and not email_opt_in)",
            #"(COALESCE("tier" = ?, 0) OR (COALESCE("nps_class" = ?, 0) AND NOT (COALESCE("email_opt_in" = 1, 0))))"#,
            [.text("vip"), .text("detractor")]
        ),
    ])
    func compiledForm(text: String, sql: String, arguments: [SQLArgument]) throws {
        let compiled = try compileSQL(text)
        #expect(compiled.sql == sql)
        #expect(compiled.arguments == arguments)
    }

    @Test(arguments: [
        (#"tier = 'o\'brien'"#, ["brien"]),
        ("tier = '); DROP TABLE x; --'", ["DROP", "--", ";"]),
        (#"city in ('a"b', 'Robert\'); DROP')"#, ["Robert", "DROP", "a\"b"]),
        ("total > 12345.678", ["12345"]),
        (#"'evil\' OR 1=1 --' in interests"#, ["evil", "1=1", "--"]),
        ("birth_date = '1999-09-09'", ["1999"]),
    ])
    func literalsOnlyTravelAsArguments(text: String, forbidden: [String]) throws {
        let compiled = try compileSQL(text)
        for word in forbidden {
            #expect(!compiled.sql.contains(word), "\(compiled.sql)")
        }
        #expect(compiled.sql.filter { $0 == "?" }.count == compiled.arguments.count)
        #expect(!compiled.arguments.isEmpty)
    }

    @Test func placeholdersMatchArgumentsOnRandomExpressions() throws {
        var fuzzer = ExpressionFuzzer(rng: SegmentRNG(state: 99))
        for _ in 0..<500 {
            let compiled = try parseSegment(fuzzer.expression()).sql(column: quotedSQLColumn)
            #expect(compiled.sql.filter { $0 == "?" }.count == compiled.arguments.count)
            #expect(!compiled.sql.contains("'"), "no quoted literal may reach the SQL text: \(compiled.sql)")
        }
    }
}
