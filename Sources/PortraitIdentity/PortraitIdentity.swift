/// Identity resolution: many observations of one person, from silos with different keys, typos and formats,
/// become one profile; different people who look alike stay apart.
///
/// The engine is pure: it reads and writes through `IdentityStore`, which the SQLite store implements.
public enum PortraitIdentity {
    /// Bumped when feature extraction changes, so stored observations are extracted again.
    public static let engineVersion = 1
}
