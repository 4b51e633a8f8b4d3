/// The one place that turns any error into the sentence a nurse or admin reads.
enum ErrorText {
    static func describe(_ error: Error) -> String {
        if let e = error as? CustomStringConvertible { return e.description }
        return "\(error)"
    }
}
