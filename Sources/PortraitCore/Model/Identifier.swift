/// A key that identifies a person in some system, such as an email address or a member card number.
public struct Identifier: Codable, Sendable, Hashable {
    /// `email`, `phone` (E.164), `crm_id`, `member_card`, `wechat_openid`, `national_id`, `device_id`,
    /// or an operator-defined type (lower case, digits and underscores).
    public var type: String
    public var value: String

    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }

    public static let email = "email"
    public static let phone = "phone"
    public static let crmID = "crm_id"
    public static let memberCard = "member_card"
    public static let wechatOpenID = "wechat_openid"
    public static let nationalID = "national_id"
    public static let deviceID = "device_id"

    /// The identifier types the canonical schema names; operators may add their own.
    public static let wellKnownTypes = [email, phone, crmID, memberCard, wechatOpenID, nationalID, deviceID]
}
