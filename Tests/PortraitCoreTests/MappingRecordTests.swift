import Foundation
import PortraitCore
import Testing

/// Whole records through `RecordMapping.map`: canonical output, unmapped fields, and every reason reported.
struct MappingRecordTests {
    static let path = JSONPath(parsing: "connectors[0].mapping.contacts")

    static let customerMapping: JSONValue = [
        "entity": "customer",
        "source_id": "id",
        "fields": [
            "identifiers.crm_id": "id",
            "identifiers.email": ["from": "email", "transform": ["email"]],
            "identifiers.phone": ["from": ["mobile", "tel"], "transform": [["phone": ["country": "CN"]]]],
            "name": ["from": "full_name", "transform": ["split_name"]],
            "birth_date": [
                "from": "dob", "transform": [["date": ["formats": ["yyyy-MM-dd", "dd/MM/yyyy", "yyyy年M月d日"]]]],
            ],
            "gender": ["from": "sex", "transform": ["gender"]],
            "address.city": "city",
            "address.country": ["from": "country", "transform": ["upper"], "required": true],
        ],
    ]

    static let customerFields: JSONValue = [
        "id": 1001,
        "email": " Wang.XM@Example.com ",
        "mobile": "  ",
        "tel": "138 1234 5678",
        "full_name": "王小明",
        "dob": "1990年1月2日",
        "sex": "男",
        "city": "上海",
        "country": "cn",
        "vip_level": 3,
        "profile": ["source": "wechat", "tags": ["tea", "sports"]],
    ]

    static func record(_ fields: JSONValue, stream: String = "contacts", deleted: Bool = false) -> SourceRecord {
        SourceRecord(
            stream: stream, sourceID: "line-7", fields: fields, location: "contacts.jsonl:7", isDeletion: deleted)
    }

    @Test func fullCustomerEndToEnd() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        let result = mapping.map(Self.record(Self.customerFields))
        #expect(result.reasons == [])
        #expect(result.entity == .customer)
        #expect(result.sourceID == "1001")
        let expected: JSONValue = [
            "identifiers": [
                ["type": "crm_id", "value": "1001"],
                ["type": "email", "value": "wang.xm@example.com"],
                ["type": "phone", "value": "+8613812345678"],
            ],
            "name": ["given": "小明", "family": "王", "full": "王小明"],
            "birth_date": "1990-01-02",
            "gender": "male",
            "address": ["city": "上海", "country": "CN"],
            "attributes": ["vip_level": 3, "profile.source": "wechat", "profile.tags": ["tea", "sports"]],
        ]
        #expect(result.canonical == expected)
        // The canonical JSON also decodes as the Swift model.
        let data = try JSONEncoder().encode(try #require(result.canonical))
        let customer = try JSONDecoder().decode(Customer.self, from: data)
        #expect(customer.name?.family == "王")
    }

    @Test func fullOrderEndToEnd() throws {
        let mapping = try RecordMapping(
            json: [
                "entity": "order",
                "source_id": "receipt_no",
                "fields": [
                    "id": "receipt_no",
                    "placed_at": [
                        "from": "ts",
                        "transform": [
                            ["datetime": ["formats": ["yyyy-MM-dd HH:mm:ss"], "time_zone": "Asia/Shanghai"]]
                        ],
                    ],
                    "total": ["from": "amount", "transform": ["money"]],
                    "currency": ["from": "amount", "transform": [["currency": ["default": "CNY"]]]],
                    "channel": ["const": "offline"],
                    "store_id": "store",
                    "customer.identifiers.member_card": "card",
                    "customer.identifiers.phone": ["from": "mobile", "transform": ["phone"]],
                    "customer.name": ["from": "buyer", "transform": ["split_name"]],
                    "lines": "items",
                    "status": ["from": "state", "transform": [["map": ["values": ["1": "paid", "2": "refunded"]]]]],
                ],
            ], path: JSONPath(parsing: "connectors[1].mapping.receipts"))
        let fields: JSONValue = [
            "receipt_no": "R-20240502-0007",
            "ts": "2024-05-02 09:12:00",
            "amount": "¥77.00",
            "store": "SH-01",
            "card": "M0042",
            "mobile": "138-1234-5678",
            "buyer": "欧阳娜娜",
            "items": [["sku": "TEA-1", "category": "grocery", "qty": 2, "unit_price": 38.5]],
            "state": 1,
            "cashier": "Li",
        ]
        let result = mapping.map(Self.record(fields, stream: "receipts"))
        #expect(result.reasons == [])
        #expect(result.sourceID == "R-20240502-0007")
        let expected: JSONValue = [
            "id": "R-20240502-0007",
            "placed_at": "2024-05-02T09:12:00+08:00",
            "total": 77,
            "currency": "CNY",
            "channel": "offline",
            "store_id": "SH-01",
            "customer": [
                "identifiers": [
                    ["type": "member_card", "value": "M0042"], ["type": "phone", "value": "+8613812345678"],
                ],
                "name": ["given": "娜娜", "family": "欧阳", "full": "欧阳娜娜"],
            ],
            "lines": [["sku": "TEA-1", "category": "grocery", "qty": 2, "unit_price": 38.5]],
            "status": "paid",
            "attributes": ["cashier": "Li"],
        ]
        #expect(result.canonical == expected)
    }

    @Test func threeProblemsGiveThreeReasons() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        var fields = Self.customerFields
        fields.setValue("12345", atPath: "tel")
        fields.setValue("2023-02-29", atPath: "dob")
        fields.setValue("maybe", atPath: "sex")
        let result = mapping.map(Self.record(fields))
        #expect(result.canonical == nil)
        #expect(
            result.reasons == [
                "birth_date: '2023-02-29' from field 'dob' is not a real calendar date",
                "gender: 'maybe' from field 'sex' is not a gender spelling the gender transform knows (use a map transform for this source's codes)",
                "identifiers.phone: '12345' from field 'tel' is not a valid CN phone number",
            ])
    }

    @Test func requiredAndSchemaProblemsAreReportedTogether() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        var fields = Self.customerFields
        fields.setValue("   ", atPath: "country")
        fields.setValue("not-an-email", atPath: "email")
        let result = mapping.map(Self.record(fields))
        #expect(result.canonical == nil)
        #expect(
            result.reasons == [
                "address.country: required, but field 'country' is missing or empty",
                "identifiers[1].value: 'not-an-email' is not a valid email",
            ])
    }

    @Test func aValueTheSchemaRefusesIsAReason() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        var fields = Self.customerFields
        fields.setValue("China", atPath: "country")
        let result = mapping.map(Self.record(fields))
        #expect(result.reasons == ["address.country: 'CHINA' does not match ^[A-Z]{2}$"])
    }

    @Test func oneProblemIsReportedOnce() throws {
        // placed_at fails its transform; the schema's "placed_at: required" is the same problem and is left out.
        let mapping = try RecordMapping(
            json: [
                "entity": "order",
                "fields": [
                    "id": "no",
                    "placed_at": ["from": "ts", "transform": [["datetime": ["formats": ["yyyy-MM-dd HH:mm"]]]]],
                ],
            ], path: Self.path)
        let result = mapping.map(Self.record(["no": "A1", "ts": "yesterday"]))
        #expect(
            result.reasons == [
                "placed_at: 'yesterday' from field 'ts' matches none of the datetime formats yyyy-MM-dd HH:mm"
            ])
        let missing = mapping.map(Self.record(["no": "A1"]))
        #expect(missing.reasons == ["placed_at: required, but field 'ts' is missing or empty (the order schema requires it)"])
    }

    @Test func aRequiredPropertyNoFieldFillsIsSaidToNeedAField() throws {
        let mapping = try RecordMapping(json: ["entity": "order", "fields": ["id": "no"]], path: Self.path)
        #expect(mapping.unmappedRequiredProperties == ["placed_at"])
        #expect(
            mapping.map(Self.record(["no": "A1"])).reasons == [
                "placed_at: required by the order schema, and no field of the mapping fills it: add fields.placed_at"
            ])
    }

    @Test func emptyValuesAreAbsent() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        var fields = Self.customerFields
        fields.setValue("", atPath: "email")
        fields.setValue(nil, atPath: "tel")
        fields.setValue(" \t", atPath: "sex")
        let result = mapping.map(Self.record(fields))
        #expect(result.reasons == [])
        let identifiers = try #require(result.canonical?["identifiers"]?.arrayValue)
        #expect(identifiers == [["type": "crm_id", "value": "1001"]])
        #expect(result.canonical?["gender"] == nil)
        #expect(result.canonical?["attributes"]?["email"] == nil, "a mapped field is consumed even when empty")
    }

    @Test func firstNonEmptySourceWins() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        var fields = Self.customerFields
        fields.setValue("13912345678", atPath: "mobile")
        let result = mapping.map(Self.record(fields))
        #expect(result.canonical?["identifiers"]?.arrayValue?.last == ["type": "phone", "value": "+8613912345678"])
    }

    @Test func deeperTargetsRefineShallowerOnesAndConcatJoinsSources() throws {
        let mapping = try RecordMapping(
            json: [
                "entity": "customer",
                "fields": [
                    "name": ["from": "display", "transform": ["split_name"]],
                    "name.full": ["from": ["first", "middle", "last"], "transform": ["trim", "concat"]],
                ],
            ], path: Self.path)
        let result = mapping.map(
            Self.record(["display": "Ana Garcia", "first": " Ana ", "middle": "", "last": "García"]))
        #expect(result.canonical?["name"] == ["given": "Ana", "family": "Garcia", "full": "Ana García"])
    }

    @Test func identicalIdentifiersAreKeptOnce() throws {
        let mapping = try RecordMapping(
            json: ["entity": "customer", "fields": ["identifiers": "ids", "identifiers.email": "email"]],
            path: Self.path)
        let result = mapping.map(
            Self.record(["ids": [["type": "email", "value": "a@example.com"]], "email": "a@example.com"]))
        #expect(result.canonical?["identifiers"] == [["type": "email", "value": "a@example.com"]])
        let other = mapping.map(
            Self.record(["ids": [["type": "email", "value": "a@example.com"]], "email": "b@example.com"]))
        #expect(other.canonical?["identifiers"]?.arrayValue?.count == 2)
    }

    @Test func unmappedDropKeepsNoAttributes() throws {
        var json = Self.customerMapping
        json.setValue("drop", atPath: "unmapped")
        let result = try RecordMapping(json: json, path: Self.path).map(Self.record(Self.customerFields))
        #expect(result.reasons == [])
        #expect(result.canonical?["attributes"] == nil)
    }

    @Test func eventsKeepUnmappedFieldsInProperties() throws {
        let mapping = try RecordMapping(
            json: [
                "entity": "event",
                "fields": [
                    "type": ["const": "view"],
                    "timestamp": ["from": "at", "transform": [["datetime": ["formats": ["unix"]]]]],
                    "customer.identifiers.device_id": "device",
                    "properties.page": "meta.page",
                ],
            ], path: Self.path)
        let result = mapping.map(
            Self.record(["at": 1714612320, "device": "d-77", "meta": ["page": "/shoes", "ref": "ad"], "sku": "RUN-42"]))
        #expect(result.reasons == [])
        #expect(result.canonical?["properties"] == ["page": "/shoes", "meta.ref": "ad", "sku": "RUN-42"])
        #expect(result.canonical?["timestamp"] == "2024-05-02T01:12:00Z")
    }

    @Test func aFromOfAnObjectConsumesEverythingUnderIt() throws {
        let mapping = try RecordMapping(
            json: [
                "entity": "feedback",
                "fields": ["form_id": ["const": "nps"], "submitted_at": "at", "answers": "properties"],
            ],
            path: Self.path)
        let result = mapping.map(
            Self.record(["at": "2024-05-03T12:00:00Z", "properties": ["q1": "yes", "q2": ["a": 1]], "extra": true]))
        #expect(result.reasons == [])
        #expect(result.canonical?["answers"] == ["q1": "yes", "q2": ["a": 1]])
        #expect(result.canonical?["attributes"] == ["extra": true])
    }

    @Test func numbersBecomeTextWhereTheSchemaWantsText() throws {
        let mapping = try RecordMapping(
            json: ["entity": "order", "fields": ["id": "no", "placed_at": "ts", "total": "sum"]], path: Self.path)
        let result = mapping.map(Self.record(["no": 5001, "ts": "2024-05-02T14:31:00Z", "sum": 144.9]))
        #expect(result.reasons == [])
        #expect(result.canonical?["id"] == "5001")
        #expect(result.canonical?["total"] == 144.9)
    }

    @Test func aMappingIsNotAnIdentifierValue() throws {
        let mapping = try RecordMapping(
            json: ["entity": "customer", "fields": ["identifiers.crm_id": "id"]], path: Self.path)
        let result = mapping.map(Self.record(["id": ["a": 1]]))
        #expect(
            result.reasons == [
                "identifiers.crm_id: a mapping from field 'id' is not text, and identifiers.crm_id holds text"
            ])
    }

    @Test func missingSourceIDFieldIsAReasonAndKeepsTheConnectorsID() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        var fields = Self.customerFields
        fields.setValue(nil, atPath: "id")
        let result = mapping.map(Self.record(fields))
        #expect(result.sourceID == "line-7")
        #expect(result.reasons == ["source_id: field 'id' is missing, empty or not a single value"])
    }

    @Test func deletionsAreMappedTheSameWay() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        let live = mapping.map(Self.record(Self.customerFields))
        let deleted = mapping.map(Self.record(Self.customerFields, deleted: true))
        #expect(deleted == live)
        #expect(deleted.canonical != nil)
    }

    @Test func fieldsThatAreNotAnObjectAreAReason() throws {
        let mapping = try RecordMapping(json: Self.customerMapping, path: Self.path)
        let result = mapping.map(Self.record(["a", "b"]))
        #expect(result.canonical == nil)
        #expect(result.reasons == ["(root): the record's fields are array, not a mapping of fields"])
    }
}
