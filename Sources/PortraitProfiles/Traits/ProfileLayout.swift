/// The profile's fields in a fixed order, so a computed profile holds its values in an array rather than a
/// dictionary per profile (a rebuild holds a million of them until the RFM quintiles are known).
public struct ProfileLayout: Sendable, Hashable {
    public let fields: [(name: String, type: ProfileFieldType)]
    public let slots: [String: Int]
    public let catalog: FieldCatalog

    public init(traits: [TraitDefinition]) {
        fields = ProfileFields.all(traits)
        slots = Dictionary(fields.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        catalog = ProfileFields.catalog(traits)
    }

    public func slot(_ name: String) -> Int {
        guard let slot = slots[name] else { preconditionFailure("no profile field \(name)") }
        return slot
    }

    public static func == (a: ProfileLayout, b: ProfileLayout) -> Bool {
        a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.type) == b.fields.map(\.type)
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.type)
        }
    }
}
