/// Reads `application/x-www-form-urlencoded` bodies, as a plain HTML form posts them.
enum FormURLEncoded {
    /// The pairs in order, names and values percent-decoded with `+` as a space; a pair without `=` has an empty
    /// value.
    ///
    /// - Throws: ``SubmissionBody/Failure`` when a name or value does not decode to UTF-8; it names the field (or
    ///   the pair's position) but quotes no value.
    static func parse(_ bytes: some Collection<UInt8>) throws(SubmissionBody.Failure) -> [(name: String, value: String)]
    {
        var pairs: [(name: String, value: String)] = []
        for (position, pair) in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).enumerated()
        {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { pair[..<$0] } ?? pair[...]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            guard let name = decode(rawName) else {
                throw SubmissionBody.Failure(message: "form field \(position + 1) has a name that is not UTF-8")
            }
            guard let value = decode(rawValue) else {
                throw SubmissionBody.Failure(message: "form field '\(name)' is not UTF-8", field: name)
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Percent-decodes `text`, treating `+` as a space; malformed escapes stay as they are, as lenient servers do.
    ///
    /// - Returns: nil if the decoded bytes are not UTF-8.
    static func decode(_ text: some Collection<UInt8>) -> String? {
        let utf8 = Array(text)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = Hex.value(utf8[index + 1]), let low = Hex.value(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
