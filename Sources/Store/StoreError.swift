/// What can go wrong with the offline cache, in words an admin can act on.
public enum StoreError: Error, Equatable, Sendable {
    case cannotOpen(path: String, reason: String)
    case insecurePermissions(path: String, mode: String, fix: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case sqlite(String)
    case busy(String)
    case corrupt(String)
    case notFound(String)
    case conflict(String)

}
