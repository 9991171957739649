extension JSONValue {
    /// The leaf values by dotted path (`properties.email`); arrays count as leaves.
    public func leaves(prefix: String = "") -> [(String, JSONValue)] {
        guard case .object(let object) = self else { return prefix.isEmpty ? [] : [(prefix, self)] }
        if object.isEmpty, !prefix.isEmpty { return [(prefix, self)] }
        var result: [(String, JSONValue)] = []
        for key in object.keys.sorted() {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            result.append(contentsOf: object[key]!.leaves(prefix: path))
        }
        return result
    }
}
