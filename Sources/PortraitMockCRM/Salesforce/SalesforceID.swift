/// Salesforce record ids for the mock's contacts.
///
/// A real id is 15 case-sensitive base-62 characters (a 3-character key prefix, `003` for Contact, then the record
/// number) plus a 3-character suffix that encodes which of the 15 are upper case, so the 18-character form survives
/// case-insensitive systems. Deriving it from the HubSpot number keeps both API shapes naming the same record, and
/// using the real suffix rule means a connector that validates ids accepts these.
enum SalesforceID {
    private static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let suffixAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)

    static func make(_ number: UInt64) -> String {
        // 12 base-62 digits hold any UInt64 (62^11 > 2^64).
        var body = [UInt8](repeating: UInt8(ascii: "0"), count: 15)
        body[2] = UInt8(ascii: "3")
        var value = number
        var index = 14
        while value > 0 {
            body[index] = digits[Int(value % 62)]
            value /= 62
            index -= 1
        }
        for chunk in 0..<3 {
            var bits = 0
            for offset in 0..<5 where (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(body[chunk * 5 + offset]) {
                bits |= 1 << offset
            }
            body.append(suffixAlphabet[bits])
        }
        return String(decoding: body, as: UTF8.self)
    }
}
