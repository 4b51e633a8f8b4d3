internal import CPostgres
import Foundation

/// What can go wrong with the team database, each in a sentence a nurse or an admin can act on.
public enum TeamDatabaseError: Error, Equatable {
    case unreachable(url: String, detail: String)
    case wrongPassword(role: String)
    case needsPassword(role: String)
    /// The URL asks for TLS (`sslmode=require` or stricter) and the server offers none.
    case tlsNotOffered(url: String)
    /// The server accepts only TLS connections and the URL did not ask for one.
    case tlsRequired(url: String)
    case certificate(url: String, detail: String)
    case notMember(role: String, team: String)
    case noSuchTeam(String)
    case noSuchRole(String)
    case notInitialised(url: String)
    case newerSchema(found: Int, supported: Int)
    case refused(String)
    case query(String)

    /// How a libpq message reads to a nurse (for tests of messages no test server can produce).
    public static func classifyForTests(_ message: String) -> TeamDatabaseError {
        TeamDatabase.classify(message, url: "postgresql://db", role: "nurse", needsPassword: false)
    }

    /// The database could not be reached at all: work goes on locally and is pushed later.
    public var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }
}

/// One libpq connection. Not shared between threads at once (callers serialise).
public final class TeamDatabase: @unchecked Sendable {
    private let connection: OpaquePointer
    private let lock = NSLock()
    /// The URL without any password, for messages.
    public let displayURL: String

    /// Connects to a libpq URI (`postgresql://role@host:5432/db?sslmode=verify-full`). The password
    /// comes from `password`, else libpq's own PGPASSFILE / ~/.pgpass; never from the URL's text
    /// shown anywhere.
    public init(url: String, password: String?, connectTimeout: Int = 5) throws(TeamDatabaseError) {
        displayURL = TeamDatabase.redacted(url)
        var keys = ["dbname", "connect_timeout", "application_name"]
        var values = [url, String(connectTimeout), "rounds"]
        if let password {
            keys.append("password")
            values.append(password)
        }
        let conn: OpaquePointer? = TeamDatabase.withCStrings(keys) { keyPointers in
            TeamDatabase.withCStrings(values) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, 1)
            }
        }
        guard let conn else { throw .unreachable(url: displayURL, detail: "libpq could not start") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn))
            let needsPassword = PQconnectionNeedsPassword(conn) == 1
            let role = TeamDatabase.role(in: url)
            PQfinish(conn)
            throw TeamDatabase.classify(message, url: displayURL, role: role, needsPassword: needsPassword)
        }
        connection = conn
        // The server's notices ("already exists, skipping") are not the nurse's business.
        PQsetNoticeProcessor(conn, quietNotices, nil)
        // Every statement is bounded: a stuck database must not hang a nurse's command.
        _ = try? execute("SET statement_timeout = '15s'")
    }

    deinit { PQfinish(connection) }

    /// Runs one statement with text parameters (`$1`, `$2`…); the rows as text (`nil` for NULL).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(TeamDatabaseError) -> [[String?]] {
        lock.lock()
        defer { lock.unlock() }
        let result: OpaquePointer? = TeamDatabase.withOptionalCStrings(parameters) { pointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        guard let result else { throw connectionLost() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            if PQstatus(connection) != CONNECTION_OK { throw connectionLost() }
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            if state == "42501" {
                throw .refused("The team database refused this for role '\(currentRoleUnlocked())': \(message)")
            }
            throw .query(message)
        }
        var rows: [[String?]] = []
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            for column in 0..<columnCount {
                values.append(
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(values)
        }
        return rows
    }

    /// Runs several statements at once (a migration); no parameters.
    public func executeScript(_ sql: String) throws(TeamDatabaseError) {
        lock.lock()
        defer { lock.unlock() }
        guard let result = PQexec(connection, sql) else { throw connectionLost() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            if PQstatus(connection) != CONNECTION_OK { throw connectionLost() }
            throw .query(String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Runs `body` in one transaction, rolled back if it throws.
    public func transaction<T>(_ body: () throws(TeamDatabaseError) -> T) throws(TeamDatabaseError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// The role this connection acts as (what notes and audit records are written by).
    public var role: String {
        lock.lock()
        defer { lock.unlock() }
        return currentRoleUnlocked()
    }

    private func currentRoleUnlocked() -> String {
        PQuser(connection).map { String(cString: $0) } ?? "?"
    }

    /// Starts receiving notifications on `channel`.
    public func listen(_ channel: String) throws(TeamDatabaseError) {
        try execute("LISTEN \"\(channel.replacingOccurrences(of: "\"", with: ""))\"")
    }

    /// Waits up to `timeout` seconds for notifications; their payloads (empty when none came).
    /// Throws when the connection is gone.
    public func notifications(waiting timeout: TimeInterval) throws(TeamDatabaseError) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        var payloads = drainNotifications()
        guard payloads.isEmpty else { return payloads }
        var watched = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        let ready = poll(&watched, 1, Int32(timeout * 1000))
        if ready > 0 {
            guard PQconsumeInput(connection) == 1 else { throw connectionLost() }
            payloads = drainNotifications()
        }
        if PQstatus(connection) != CONNECTION_OK { throw connectionLost() }
        return payloads
    }

    private func drainNotifications() -> [String] {
        var payloads: [String] = []
        while let note = PQnotifies(connection) {
            payloads.append(String(cString: note.pointee.extra))
            PQfreemem(note)
        }
        return payloads
    }

    private func connectionLost() -> TeamDatabaseError {
        let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
        return .unreachable(url: displayURL, detail: message.isEmpty ? "the connection was lost" : message)
    }

    /// libpq's message, as the sentence that says what to do.
    static func classify(_ message: String, url: String, role: String, needsPassword: Bool) -> TeamDatabaseError {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("password authentication failed") { return .wrongPassword(role: role) }
        if needsPassword || text.contains("no password supplied") { return .needsPassword(role: role) }
        if text.contains("server does not support SSL") || text.contains("SSL is not enabled") {
            return .tlsNotOffered(url: url)
        }
        if text.contains("no encryption") || (text.contains("pg_hba.conf") && text.contains("SSL off")) {
            return .tlsRequired(url: url)
        }
        if text.contains("certificate") { return .certificate(url: url, detail: text) }
        if text.contains("does not exist"), text.contains("role") { return .noSuchRole(role) }
        return .unreachable(url: url, detail: text.split(separator: "\n").first.map(String.init) ?? text)
    }

    /// The role a URL names (`postgresql://nurse_a@…`), or the OS user libpq would use.
    static func role(in url: String) -> String {
        if let parsed = URLComponents(string: url), let user = parsed.user, !user.isEmpty { return user }
        if let query = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "user" })?.value {
            return query
        }
        return ProcessInfo.processInfo.environment["PGUSER"] ?? NSUserName()
    }

    /// The URL with any password in it removed.
    public static func redacted(_ url: String) -> String {
        guard var parsed = URLComponents(string: url) else { return url }
        parsed.password = nil
        parsed.queryItems = parsed.queryItems?.filter { $0.name != "password" }
        if parsed.queryItems?.isEmpty == true { parsed.queryItems = nil }
        return parsed.string ?? url
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func withOptionalCStrings<T>(
        _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T
    ) -> T {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        if pointers.isEmpty { return body(nil) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

private let quietNotices: PQnoticeProcessor = { _, _ in }
