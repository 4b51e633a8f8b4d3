import Foundation
import Store

/// The team database this workstation shares lists with (`rounds team connect`): the URL (never
/// a password), the team, the role, and where the password file is, if one was given.
public struct TeamConnection: Codable, Sendable, Equatable {
    public var url: String
    public var team: String
    public var role: String
    public var passwordFile: String?
    public var connectedAt: Date

    public init(url: String, team: String, role: String, passwordFile: String?, connectedAt: Date = Date()) {
        self.url = url
        self.team = team
        self.role = role
        self.passwordFile = passwordFile
        self.connectedAt = connectedAt
    }

    public static func load(_ paths: RoundsPaths) throws -> TeamConnection? {
        guard let data = FileManager.default.contents(atPath: paths.teamFile) else { return nil }
        do { return try JSONDecoder.rounds.decode(TeamConnection.self, from: data) } catch {
            throw CoreError.badConfiguration(
                "Cannot read '\(paths.teamFile)': \(ErrorText.describe(error)). Run 'rounds team connect' again.")
        }
    }

    public func save(_ paths: RoundsPaths) throws {
        try paths.prepare()
        try AtomicFile.write(try JSONEncoder.rounds.encode(self), to: paths.teamFile)
    }

    public static func remove(_ paths: RoundsPaths) throws {
        guard FileManager.default.fileExists(atPath: paths.teamFile) else { return }
        try FileManager.default.removeItem(atPath: paths.teamFile)
    }

    /// Opens the database as this connection's role: the password from its file, else libpq's
    /// PGPASSFILE or ~/.pgpass.
    public func open(password: String? = nil) throws -> TeamDatabase {
        let secret = try password ?? passwordFile.map { try SecretSource.read(file: $0) }
        return try TeamDatabase(url: url, password: secret)
    }
}
