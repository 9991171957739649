import Crypto
public import Foundation

/// `X-Portrait-Signature: sha256=<lowercase hex HMAC-SHA256 of the raw body>`, keyed with the form's secret, as
/// GitHub signs its webhooks.
enum Signature {
    static let headerName = "X-Portrait-Signature"
    static let prefix = "sha256="

    /// Whether `header` is a valid signature of `body` under `secret`; compared in constant time.
    ///
    /// An empty secret accepts nothing: anyone could sign with it.
    static func isValid(_ header: String?, body: some DataProtocol, secret: String) -> Bool {
        guard !secret.isEmpty, let header, header.hasPrefix(prefix), let code = hexBytes(header.dropFirst(prefix.count)),
            code.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            code, authenticating: body, using: SymmetricKey(data: Array(secret.utf8)))
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = Hex.value(utf8[index]), let low = Hex.value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

/// Lowercase hex text of digests and codes.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The signature a sender attaches, for Swift senders: `portrait demo`, tests, a client library.
public enum IntakeSignature {
    /// `X-Portrait-Signature`.
    public static let headerName = Signature.headerName

    /// `sha256=<lowercase hex HMAC-SHA256 of body>` keyed with `secret`.
    public static func value(for body: some DataProtocol, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return Signature.prefix + Hex.string(code)
    }
}
