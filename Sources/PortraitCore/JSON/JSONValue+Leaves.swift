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

    /// `leaves()`, and for a list of objects also each element field, as `path[].field` (from every element
    /// given): what `portrait connectors discover` lists, so that an `each` mapping of order lines can be written
    /// from it.
    public func sampleLeaves(prefix: String = "") -> [(String, JSONValue)] {
        switch self {
        case .object(let object) where !object.isEmpty:
            return object.keys.sorted().flatMap { key in
                object[key]!.sampleLeaves(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        case .array(let elements) where !prefix.isEmpty:
            var result = [(prefix, self)]
            var seen: Set<String> = []
            for element in elements {
                guard case .object = element else { continue }
                for (path, leaf) in element.sampleLeaves(prefix: prefix + "[]") where seen.insert(path).inserted {
                    result.append((path, leaf))
                }
            }
            return result
        default:
            return leaves(prefix: prefix)
        }
    }
}
