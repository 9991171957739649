import ConnectorScaffolding
import Testing

struct ConnectorNameTests {
    @Test(arguments: [
        ("FooBar", "foo_bar"),
        ("Jsonl", "jsonl"),
        ("CrmExport", "crm_export"),
        ("XMLFeed", "xml_feed"),
        ("RESTApi", "rest_api"),
        ("Survey2Export", "survey2_export"),
        ("ABC", "abc"),
        ("A", "a"),
        ("ShopifyOrders", "shopify_orders"),
    ])
    func derivesSnakeCaseKind(name: String, kind: String) throws {
        let connectorName = try ConnectorName(name)
        #expect(connectorName.typeName == name)
        #expect(connectorName.kind == kind)
    }

    @Test func trimsSurroundingWhitespace() throws {
        #expect(try ConnectorName("  FooBar \n").typeName == "FooBar")
    }

    @Test(arguments: [
        ("", "empty"),
        ("fooBar", "upper-case letter"),
        ("foo_bar", "upper-case letter"),
        ("1Foo", "upper-case letter"),
        ("Foo_Bar", "only ASCII letters and digits"),
        ("Foo-Bar", "only ASCII letters and digits"),
        ("Foo Bar", "only ASCII letters and digits"),
        ("Café", "only ASCII letters and digits"),
        ("FooConnector", "ends in 'Connector'"),
        ("Self", "reserved"),
        (String(repeating: "A", count: 41), "longer than 40"),
    ])
    func rejectsInvalidNames(name: String, expected: String) {
        #expect {
            try ConnectorName(name)
        } throws: { error in
            guard let error = error as? ScaffoldError else { return false }
            return error.message.contains(expected)
        }
    }

    @Test func lowerCaseNameSuggestsUpperCamelCase() {
        #expect {
            try ConnectorName("crm_export")
        } throws: { error in
            (error as? ScaffoldError)?.message.contains("CrmExport") == true
        }
    }

    @Test func connectorSuffixSuggestsTheStem() {
        #expect {
            try ConnectorName("CrmConnector")
        } throws: { error in
            (error as? ScaffoldError)?.message.contains("--name Crm") == true
        }
    }
}
