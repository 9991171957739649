import PortraitCore
import Testing

struct StreamDescriptionTests {
    /// `discover` shows each path once, with the value of the first record that has it, in path order.
    @Test func aFieldSampleKeepsEachPathOnceWithItsFirstValueSortedByPath() throws {
        var sample = StreamDescription.FieldSample()
        sample.add(["id": "SO-1", "customer": ["email": "a@example.com"], "lines": [["sku": "A", "qty": 2]]])
        sample.add(["id": "SO-2", "note": "gift", "lines": [["sku": "B", "price": 9.5]]])
        #expect(
            sample.fields.map(\.path) == [
                "customer.email", "id", "lines", "lines[].price", "lines[].qty", "lines[].sku", "note",
            ])
        let byPath = Dictionary(uniqueKeysWithValues: sample.fields.map { ($0.path, $0) })
        #expect(byPath["id"]?.example == "SO-1")
        #expect(byPath["lines"]?.type == "array")
        #expect(byPath["lines[].qty"]?.type == "integer")
        #expect(byPath["lines[].price"]?.example == "9.5")
        #expect(byPath["note"]?.type == "string")
    }
}
