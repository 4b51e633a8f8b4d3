import Clinical
import FHIRClient
import Foundation

/// A connection the user made with `rounds connect`: everything but the secret.
public struct SavedConnection: Codable, Sendable, Equatable {
    public var name: String
    public var baseURL: String
    public var clientId: String?
    public var tenant: String
    /// Where the secret lives (a file readable only by the user); never the secret itself.
    public var secretFile: String?
    public var auth: ClientAuthMethod
    public var fhirVersion: String
    public var tokenURL: String?
    public var savedAt: Date
    /// SMART Backend Services: where the private key lives (0600, the user's own) and the `kid`
    /// registered for it; never the key itself.
    public var privateKeyFile: String?
    public var keyId: String?
    /// The token endpoint's origin when it is not the base's (`--token-origin`), as the admin confirmed it.
    public var tokenOrigin: String?
    /// The admin allowed plain `http://` to this server (`--allow-plain-http`): a test network.
    public var allowPlainHTTP: Bool?

    public init(
        name: String, baseURL: String, clientId: String?, tenant: String, secretFile: String?, auth: ClientAuthMethod,
        fhirVersion: String, tokenURL: String?, savedAt: Date = Date()
    ) {
        self.name = name
        self.baseURL = baseURL
        self.clientId = clientId
        self.tenant = tenant
        self.secretFile = secretFile
        self.auth = auth
        self.fhirVersion = fhirVersion
        self.tokenURL = tokenURL
        self.savedAt = savedAt
    }
}

/// `connections.json`: the saved connections and which one is active.
public struct ConnectionBook: Codable, Sendable {
    public var active: String?
    public var connections: [SavedConnection] = []

    public init() {}

    public static func load(_ paths: RoundsPaths) throws -> ConnectionBook {
        guard let data = FileManager.default.contents(atPath: paths.connectionsFile) else { return ConnectionBook() }
        do { return try JSONDecoder.rounds.decode(ConnectionBook.self, from: data) } catch {
            let why = ErrorText.describe(error)
            throw CoreError.badConfiguration(
                "Cannot read '\(paths.connectionsFile)': \(why). Fix or remove the file, then run 'rounds connect' "
                    + "again."
            )
        }
    }

    public func save(_ paths: RoundsPaths) throws {
        try paths.prepare()
        try AtomicFile.write(try JSONEncoder.rounds.encode(self), to: paths.connectionsFile)
    }

    public var current: SavedConnection? { connections.first { $0.name == active } ?? connections.first }

    public mutating func upsert(_ c: SavedConnection) {
        connections.removeAll { $0.name == c.name }
        connections.append(c)
        active = c.name
    }
}

/// Writes a file atomically (temp file + rename) with mode 0600.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        // The temporary file is created new (O_EXCL) and never through a link (O_NOFOLLOW), with a
        // name nobody can guess: in a shared directory no one can make Rounds write elsewhere.
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw CoreError.io("Cannot write '\(tmp)': \(String(cString: strerror(errno))).") }
        let written = data.withUnsafeBytes { raw in raw.baseAddress.map { Foundation.write(fd, $0, raw.count) } ?? 0 }
        fchmod(fd, mode)
        close(fd)
        guard written == data.count else {
            unlink(tmp)
            throw CoreError.io("Cannot write '\(tmp)'.")
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw CoreError.io("Cannot replace '\(path)': \(String(cString: strerror(errno))).")
        }
    }

    /// Refuses an export target that would lose or leak something: an existing file unless asked
    /// to replace it, a symbolic link, or a file of another user's.
    public static func checkExportTarget(_ path: String, overwrite: Bool) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFLNK {
            throw CoreError.io(
                "'\(path)' is a symbolic link; Rounds does not write patient data through one. Choose another --output."
            )
        }
        if st.st_uid != getuid() {
            throw CoreError.io(
                "'\(path)' belongs to another user; Rounds does not replace it. Choose another --output.")
        }
        if !overwrite {
            throw CoreError.io("'\(path)' exists; add --overwrite to replace it, or choose another --output.")
        }
    }
}

extension JSONEncoder {
    /// Pretty, sorted, ISO-8601 dates (written and read by arithmetic: Foundation's ISO 8601 strategy
    /// builds a calendar and time zone first, a few milliseconds of every command's start).
    public static var rounds: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(FHIRDate.iso8601(date))
        }
        return e
    }
}

extension JSONDecoder {
    public static var rounds: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            let date = FHIRDate(text)
            guard date.precision == .dateTime, date.utcOffsetSeconds != nil, let instant = date.instant else {
                let why = "expected an ISO 8601 date and time with a zone (2026-12-04T07:45:00Z), got '\(text)'"
                throw DecodingError.dataCorruptedError(in: container, debugDescription: why)
            }
            return instant
        }
        return d
    }
}
