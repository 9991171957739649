extension JSONValue {
    /// The leaf values by dotted path (`properties.email`); arrays count as leaves.
    ///
    /// - Parameter listElements: Also each field of the objects in a list, as `path[].field` (from every element
    ///   given), after the list itself: what `portrait connectors discover` shows, so that an `each` mapping of
    ///   order lines can be written from it.
    public func leaves(prefix: String = "", listElements: Bool = false) -> [(String, JSONValue)] {
        switch self {
        case .object(let object) where !object.isEmpty || prefix.isEmpty:
            return object.keys.sorted().flatMap { key in
                object[key]!.leaves(prefix: prefix.isEmpty ? key : "\(prefix).\(key)", listElements: listElements)
            }
        case .array(let elements) where listElements && !prefix.isEmpty:
            var result = [(prefix, self)]
            var seen: Set<String> = []
            for element in elements {
                guard case .object = element else { continue }
                for (path, leaf) in element.leaves(prefix: prefix + "[]", listElements: true)
                where seen.insert(path).inserted {
                    result.append((path, leaf))
                }
            }
            return result
        default:
            return prefix.isEmpty ? [] : [(prefix, self)]
        }
    }
}
