/// Errors of the core layer, each a sentence for the user.
public enum CoreError: Error, Equatable, Sendable {
    case badConfiguration(String)
    case io(String)
    case notConnected
    case secret(String)
    case usage(String)
    case notFound(String)

}
