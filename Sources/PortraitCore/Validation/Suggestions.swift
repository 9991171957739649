/// "Did you mean" suggestions for misspelt keys and names.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a plausible typo.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        let limit = max(2, candidate.count / 3)
        return distance <= limit ? candidate : nil
    }

    /// Reports each key of `object` not in `allowed`: `unknown key 'traitz'; did you mean 'traits'?`, or the keys
    /// there are when none is close (the config sections Portrait checks by hand: identity, profiles).
    public static func reportUnknownKeys(
        _ object: [String: JSONValue], allowed: Set<String>, path: JSONPath, report: (JSONPath, String) -> Void
    ) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            var message = "unknown key '\(key)'"
            if let suggestion = closest(to: key, among: allowed) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; expected one of \(allowed.sorted().joined(separator: ", "))"
            }
            report(path.appending(key), message)
        }
    }

    /// Damerau-Levenshtein (optimal string alignment) distance over characters.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
