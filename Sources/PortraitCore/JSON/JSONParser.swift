public import Foundation

extension JSONValue {
    /// Parses JSON text.
    ///
    /// - Throws: `PortraitError` naming the problem when the text is not JSON.
    public init(parsing data: Data) throws {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw PortraitError.invalidInput("not valid JSON: \(Self.describe(error, data: data))")
        }
    }

    /// JSONDecoder only says "not valid JSON"; JSONSerialization says where, so ask it on the (rare) failure path.
    private static func describe(_ error: any Error, data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                return detail.hasSuffix(".") ? String(detail.dropLast()).lowercasedFirst : detail.lowercasedFirst
            }
        }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return String(describing: error)
    }
}

extension String {
    fileprivate var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
