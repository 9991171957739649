import Foundation
import PortraitMockCRM
import Testing

/// `MockCRM.contacts(fromJSONL:)`: the contacts file `portrait generate` writes and `portrait mock-crm --contacts`
/// serves.
struct ContactsFileTests {
    func load(_ text: String) throws -> [MockCRM.Contact] {
        try MockCRM.contacts(fromJSONL: Data(text.utf8), name: "contacts.jsonl")
    }

    func failure(_ text: String) -> String? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func linesBecomeContactsWithOptionalFieldsLeftOut() throws {
        let contacts = try load(
            """
            {"id":"17","firstName":"伟","lastName":"张","email":"zhang.wei@163.com","phone":"138 0013 8000","company":"星河科技","city":"上海","createdAt":"2024-03-01T10:22:00.123Z","updatedAt":"2024-03-05T08:00:00.000Z","archived":false}

            {"id":"18","firstName":"John","lastName":"Smith","email":null,"createdAt":"2024-03-02T00:00:00Z","updatedAt":"2024-03-02T00:00:00Z","archived":true,"note":"ignored"}
            """)
        #expect(contacts.count == 2)
        #expect(
            contacts[0]
                == MockCRM.Contact(
                    id: "17", firstName: "伟", lastName: "张", email: "zhang.wei@163.com", phone: "138 0013 8000",
                    company: "星河科技", city: "上海", createdAt: Date(timeIntervalSince1970: 1_709_288_520.123),
                    updatedAt: Date(timeIntervalSince1970: 1_709_625_600)))
        #expect(contacts[1].email == nil && contacts[1].phone == nil && contacts[1].archived)
    }

    @Test func aBadLineIsNamedWithItsLineAndTheFix() {
        #expect(
            failure(#"{"id":"1","firstName":"A","lastName":"B","createdAt":"2024-03-02T00:00:00Z"}"#)
                == "contacts.jsonl:1: 'updatedAt' is missing")
        #expect(failure("\n\nnot json") == "contacts.jsonl:3: not a JSON object; each line must be one contact")
        let time = #""createdAt":"2024-03-02T00:00:00Z","updatedAt":"2024-03-02T00:00:00Z""#
        #expect(
            failure(#"{"id":"007","firstName":"A","lastName":"B",\#(time)}"#)
                == "contacts.jsonl:1: the id '007' is not a decimal number without leading zeros, as HubSpot ids are")
        #expect(
            failure(
                #"{"id":"1","firstName":"A","lastName":"B","createdAt":"yesterday","updatedAt":"2024-03-02T00:00:00Z"}"#
            )
                == "contacts.jsonl:1: 'createdAt' is not an ISO 8601 date-time such as 2024-03-01T10:22:00.123Z")
        #expect(
            failure(
                "{\"id\":\"1\",\"firstName\":\"A\",\"lastName\":\"B\",\(time)}\n{\"id\":\"1\",\"firstName\":\"C\",\"lastName\":\"D\",\(time)}"
            )
                == "contacts.jsonl:2: the id '1' is used by an earlier line; ids must be unique")
    }
}
