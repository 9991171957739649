import Foundation
public import PortraitMockCRM

/// The demo's CRM: a mock HubSpot-style API on loopback serving a handful of contacts, so `portrait demo` pulls
/// them over HTTP with the `rest` connector exactly as it would from the real service.
///
/// The contacts overlap the other samples (王小明, 李娜 and 欧阳娜娜 shop in the stores; Ana Garcia answers a
/// survey), and carry the defects the demo shows: 1005's email is not an address (quarantine), 1006 is archived
/// (a deletion).
public enum DemoCRM {
    /// Where the demo keeps the CRM's bearer token, relative to the workspace: `portrait.yml` reads it with
    /// `${file:…}`, as a real deployment would read a mounted secret.
    public static let tokenFile = "secrets/crm-token"

    public static let contacts: [MockCRM.Contact] = [
        contact(1001, "Ana", "Garcia", "Ana.Garcia@Example.com", "+1 (415) 555-0123", "San Francisco", updated: "2024-05-01T10:00:00Z"),
        contact(1002, "小明", "王", "wang.xiaoming@example.cn", "138 1234 5678", "上海", updated: "2024-05-02T08:30:00Z"),
        contact(1003, "娜娜", "欧阳", "ouyang.nana@example.cn", "0086-139-8765-4321", "北京", updated: "2024-05-02T09:00:00Z"),
        contact(1004, "John", "Smith", "j.smith@example.com", "+1 212-555-0187", "New York", updated: "2024-05-03T11:15:00Z"),
        contact(1005, "娜", "李", "li.na(at)example.cn", "13698765432", "杭州", updated: "2024-05-03T12:00:00Z"),
        contact(1006, "Mary Ann", "Smith", "old.account@example.com", nil, "Boston", updated: "2024-05-04T07:45:00Z", archived: true),
        contact(1007, "伟", "张", "zhang.wei@example.cn", "021-6234 5678", "上海", updated: "2024-05-04T09:20:00Z"),
    ]

    private static func contact(
        _ id: Int, _ first: String, _ last: String, _ email: String?, _ phone: String?, _ city: String,
        updated: String, archived: Bool = false
    ) -> MockCRM.Contact {
        let updatedAt = ISO8601DateFormatter().date(from: updated)!
        return MockCRM.Contact(
            id: String(id), firstName: first, lastName: last, email: email, phone: phone, company: nil, city: city,
            createdAt: updatedAt.addingTimeInterval(-86_400 * 30), updatedAt: updatedAt, archived: archived)
    }

    /// A fresh random bearer token (32 hex digits) for one demo's CRM.
    public static func newToken() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
