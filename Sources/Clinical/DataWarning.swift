/// A field Rounds could not read as expected: where, what was there, and why it was set aside.
public struct DataWarning: Sendable, Hashable, Codable {
    public var path: String
    public var value: String?
    public var reason: String
    public init(path: String, value: String?, reason: String) {
        self.path = path
        self.value = value
        self.reason = reason
    }
}
