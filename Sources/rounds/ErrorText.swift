/// The one place that turns any error into the sentence a nurse or admin reads: every error
/// type of Rounds describes itself in words (`CustomStringConvertible`).
enum ErrorText {
    static func describe(_ error: Error) -> String { "\(error)" }
}
