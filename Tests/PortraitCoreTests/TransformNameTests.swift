@testable import PortraitCore
import Testing

/// `split_name`: Chinese names family-first (with compound surnames), Western names family-last.
struct TransformNameTests {
    static let names: [(String, String?, String?, String)] = [
        // (input, given, family, full)
        ("王小明", "小明", "王", "王小明"),
        ("李娜", "娜", "李", "李娜"),
        ("欧阳娜娜", "娜娜", "欧阳", "欧阳娜娜"),
        ("司马光", "光", "司马", "司马光"),
        ("诸葛亮", "亮", "诸葛", "诸葛亮"),
        ("上官婉儿", "婉儿", "上官", "上官婉儿"),
        ("欧阳", "阳", "欧", "欧阳"),  // only a compound surname's characters: no given name would remain
        ("王 小明", "小明", "王", "王小明"),
        ("Ana Garcia", "Ana", "Garcia", "Ana Garcia"),
        ("  Ana   Garcia ", "Ana", "Garcia", "Ana Garcia"),
        ("García, Ana", "Ana", "García", "Ana García"),
        ("Smith, Mary Ann", "Mary Ann", "Smith", "Mary Ann Smith"),
        ("Mary Ann Smith", "Mary Ann", "Smith", "Mary Ann Smith"),
        ("Jean-Luc Picard", "Jean-Luc", "Picard", "Jean-Luc Picard"),
        ("王，小明", "小明", "王", "王小明"),
        ("迈克尔·杰克逊", "迈克尔", "杰克逊", "迈克尔·杰克逊"),
        ("Madonna", "Madonna", nil, "Madonna"),
        ("明", "明", nil, "明"),
    ]

    @Test(arguments: names)
    func splitsNames(input: String, given: String?, family: String?, full: String) throws {
        let output = try TransformFixture.apply("split_name", to: .string(input)).get()
        #expect(output["given"]?.stringValue == given)
        #expect(output["family"]?.stringValue == family)
        #expect(output["full"]?.stringValue == full)
    }

    @Test(arguments: [",", "Garcia,", ", Ana", "a, b, c"])
    func malformedCommaFormsAreRefused(input: String) throws {
        #expect(try TransformFixture.failure("split_name", .string(input)) != nil)
    }

    @Test func outputValidatesAsACustomerName() throws {
        for (input, _, _, _) in Self.names {
            let name = try TransformFixture.apply("split_name", to: .string(input)).get()
            let violations = SchemaRegistry.canonical.validate(["name": name], against: Entity.customer.schemaName)
            #expect(violations.isEmpty, "\(input): \(violations)")
        }
    }

    @Test func anObjectIsNotAName() throws {
        #expect(
            try TransformFixture.failure("split_name", ["first": "Ana"])
                == "is not text (transform 'split_name' takes text)")
    }
}
