import PortraitConfig
import PortraitCore
import PortraitService
import Testing

struct MappingAdviceTests {
    static func connector(mapping: JSONValue) throws -> ConnectorConfig {
        ConnectorConfig(
            name: "shop", kind: "xml_feed", enabled: true, schedule: nil, options: .object([:]),
            writtenOptions: .object([:]), mapping: try ConnectorMapping(json: mapping, path: .root),
            declaredAt: "portrait.yml:3")
    }

    static let orderMapping: JSONValue = ["entity": "order", "fields": ["id": "id", "placed_at": "placed"]]

    @Test func aMappingNamedForTheEntityInsteadOfTheStreamIsPointedOutWithTheFix() throws {
        let advice = try Self.connector(mapping: ["customer": Self.orderMapping]).mappingAdvice(streams: ["order"])
        #expect(
            advice == [
                "stream 'order' has no mapping, so each of its records would go to quarantine: add mapping.order (or mapping.*) to connector 'shop' (portrait.yml:3)",
                "mapping.customer names no stream of connector 'shop' (portrait.yml:3), which sends 'order': rename it to mapping.order",
            ])
    }

    @Test func aStreamMappedByNameOrByWildcardNeedsNoAdvice() throws {
        #expect(try Self.connector(mapping: ["order": Self.orderMapping]).mappingAdvice(streams: ["order"]).isEmpty)
        #expect(try Self.connector(mapping: ["*": Self.orderMapping]).mappingAdvice(streams: ["order"]).isEmpty)
    }

    @Test func aWildcardMapsTheStreamButAnUnknownNameIsStillPointedOut() throws {
        let advice = try Self.connector(mapping: ["*": Self.orderMapping, "orders": Self.orderMapping])
            .mappingAdvice(streams: ["order", "refund"])
        #expect(
            advice == [
                "mapping.orders names no stream of connector 'shop' (portrait.yml:3), which sends 'order', 'refund': rename it to one of those"
            ])
    }

    @Test func aRequiredPropertyNoFieldMapsIsPointedOutForTheStreamsThatUseTheMapping() throws {
        let draft: JSONValue = ["entity": "order", "fields": ["id": "id", "customer.name.full": "name"]]
        let advice = try Self.connector(mapping: ["*": draft]).mappingAdvice(streams: ["order"])
        #expect(
            advice == [
                "mapping.* of connector 'shop' (portrait.yml:3) maps nothing to placed_at, which the order schema requires, so each record of stream 'order' would go to quarantine: add fields.placed_at"
            ])
        // A record that is the entity already (as_is) is not mapped field by field.
        let asIs: JSONValue = ["entity": "feedback", "as_is": true]
        #expect(try Self.connector(mapping: ["order": asIs]).mappingAdvice(streams: ["order"]).isEmpty)
    }

    @Test func streamsUnknownBeforeReadingGiveNoAdvice() throws {
        #expect(try Self.connector(mapping: ["customer": Self.orderMapping]).mappingAdvice(streams: []).isEmpty)
    }
}
