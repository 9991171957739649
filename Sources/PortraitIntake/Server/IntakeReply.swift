import HTTPTypes
import Hummingbird
import NIOCore
import PortraitCore

/// An answer before it becomes a Hummingbird response: easy to build and to test.
struct IntakeReply {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    /// `value` as compact JSON with sorted keys.
    static func json(_ value: JSONValue, status: Int) -> IntakeReply {
        IntakeReply(
            status: status, headers: [("Content-Type", "application/json")], body: Array(value.canonicalText.utf8))
    }

    /// `{"error": message}`.
    static func error(_ message: String, status: Int) -> IntakeReply {
        json(["error": .string(message)], status: status)
    }

    static func text(_ text: String, status: Int = 200) -> IntakeReply {
        IntakeReply(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    var response: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(
            status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
