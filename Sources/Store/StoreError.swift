/// What can go wrong with the offline cache, in words an admin can act on.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case insecurePermissions(path: String, mode: String, fix: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case sqlite(String)
    case busy(String)
    case corrupt(String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "Cannot open the cache '\(p)': \(r)."
        case .insecurePermissions(let p, let m, let fix):
            return
                "The cache '\(p)' can be read by other users (mode \(m)). It holds patient data; run '\(fix)' and try "
                + "again."
        case .newerSchema(let p, let found, let supported):
            return
                "The cache '\(p)' was written by a newer Rounds (schema \(found); this Rounds knows up to "
                + "\(supported)). Update Rounds, or move the file aside to start a new cache."
        case .sqlite(let m): return "Cache error: \(m)."
        case .busy(let m): return "The cache is busy (another Rounds is writing): \(m). Try again."
        case .corrupt(let m): return "The cache holds unreadable data: \(m)."
        case .notFound(let m), .conflict(let m): return m
        }
    }
}
