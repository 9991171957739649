/// A dotted source path (`properties.email`, `lines.0.sku`) split once, when a mapping compiles, so reading it
/// from every record does not split the text again.
///
/// Reads exactly as `JSONValue.value(atPath:)` does: empty parts are kept, and a part that reads as an `Int` is
/// also an index into arrays. A final class so a field holds it, and a record's evaluation passes it around, by
/// one reference.
final class SourcePath: Sendable, Hashable {
    /// The path as config writes it, for messages and for the unmapped-field rules.
    let text: String
    let keys: [String]
    /// `Int(key)` for each key, used when the value at that step is an array.
    let indexes: [Int?]
    /// The first key, kept apart for the common one-key path (a CSV column).
    private let first: String

    init(_ text: String) {
        self.text = text
        keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        indexes = keys.map { Int($0) }
        first = keys[0]
    }

    /// The value at this path in a record's fields (an object), or nil.
    func value(in object: [String: JSONValue]) -> JSONValue? {
        guard var current = object[first] else { return nil }
        if keys.count == 1 { return current }
        var step = 1
        while step < keys.count {
            switch current {
            case .object(let o):
                guard let next = o[keys[step]] else { return nil }
                current = next
            case .array(let a):
                guard let index = indexes[step], a.indices.contains(index) else { return nil }
                current = a[index]
            default:
                return nil
            }
            step += 1
        }
        return current
    }

    static func == (lhs: SourcePath, rhs: SourcePath) -> Bool { lhs.text == rhs.text }
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}

/// One step of a canonical target path, compiled once with the mapping.
enum TargetStep: Sendable, Hashable {
    /// A key of an object; `capacity` sizes the object when this step has to create it, so a record's canonical
    /// object is allocated once at its final size instead of growing key by key.
    case key(String, capacity: Int)
    /// An element of an array of objects (`lines[0]`); missing elements up to it are created as `{}`.
    case index(Int)
}

extension JSONValue {
    /// Runs `body` on the value at `keys`, creating objects on the way; a step through anything that is not an
    /// object replaces it with one.
    ///
    /// Each level is changed in place: the container is taken out of `self` before it is changed, so it stays
    /// uniquely referenced and is not copied (the old `setValue` rebuilt every object on the path).
    mutating func withValue(atKeys keys: ArraySlice<String>, _ body: (inout JSONValue) -> Void) {
        guard let key = keys.first else {
            body(&self)
            return
        }
        var object: [String: JSONValue]
        if case .object(let existing) = self {
            object = existing
            self = .null  // Drops the second reference, so `object` is mutated in place.
        } else {
            object = [:]
        }
        object[key, default: .null].withValue(atKeys: keys.dropFirst(), body)
        self = .object(object)
    }

    /// Runs `body` on the value at a compiled target path, creating objects and array elements on the way.
    mutating func withValue(at steps: ArraySlice<TargetStep>, _ body: (inout JSONValue) -> Void) {
        guard let step = steps.first else {
            body(&self)
            return
        }
        switch step {
        case .key(let key, let capacity):
            var object: [String: JSONValue]
            if case .object(let existing) = self {
                object = existing
                self = .null  // Drops the second reference, so `object` is mutated in place.
            } else {
                object = Dictionary(minimumCapacity: capacity)
            }
            object[key, default: .null].withValue(at: steps.dropFirst(), body)
            self = .object(object)
        case .index(let index):
            var array: [JSONValue]
            if case .array(let existing) = self {
                array = existing
                self = .null
            } else {
                array = []
                array.reserveCapacity(index + 1)
            }
            while array.count <= index { array.append(.object([:])) }
            array[index].withValue(at: steps.dropFirst(), body)
            self = .array(array)
        }
    }

    /// Runs `body` on the value at `steps` when it exists; creates nothing.
    mutating func withExistingValue(at steps: ArraySlice<TargetStep>, _ body: (inout JSONValue) -> Void) {
        guard let step = steps.first else {
            body(&self)
            return
        }
        switch step {
        case .key(let key, _):
            guard case .object(var object) = self, object[key] != nil else { return }
            self = .null
            object[key]!.withExistingValue(at: steps.dropFirst(), body)
            self = .object(object)
        case .index(let index):
            guard case .array(var array) = self, array.indices.contains(index) else { return }
            self = .null
            array[index].withExistingValue(at: steps.dropFirst(), body)
            self = .array(array)
        }
    }
}
