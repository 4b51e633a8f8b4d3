/// Errors of the core layer, each a sentence for the user.
public enum CoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case badConfiguration(String)
    case io(String)
    case notConnected
    case secret(String)
    case usage(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .badConfiguration(let m), .io(let m), .secret(let m), .usage(let m), .notFound(let m): return m
        case .notConnected:
            return "No EHR connection yet. Run 'rounds connect URL --client-id ID --tenant TENANT' first."
        }
    }
}
