import FHIRClient
import Foundation
import RoundsCore
import Store

/// What every command needs: paths, settings, the saved connections, and a way to go online.
struct CLIContext {
    let paths: RoundsPaths
    let settings: Settings
    var book: ConnectionBook
    /// `ROUNDS_TIMEOUT`, checked at load.
    let timeoutOverride: Double?

    static func load() throws -> CLIContext {
        let paths = RoundsPaths()
        return CLIContext(
            paths: paths, settings: try Settings.load(paths), book: try ConnectionBook.load(paths),
            timeoutOverride: try Settings.timeoutFromEnvironment())
    }

    var options: ClientOptions {
        var o = ClientOptions()
        if let t = settings.timeoutSeconds { o.timeout = t }
        if let c = settings.concurrency { o.maxConcurrentRequests = c }
        if let n = settings.patientsPerBatch { o.patientsPerBatch = n }
        if let t = timeoutOverride { o.timeout = t }
        return o
    }

    /// The offline side (cache) of the active connection, opened once per process: the push of
    /// the team's changes after the command uses the same one.
    func workspace() throws -> Workspace {
        let connection = try requireConnection()
        let key = paths.cacheFile(connection: connection.name, tenant: connection.tenant)
        CLIContext.openedLock.lock()
        defer { CLIContext.openedLock.unlock() }
        if let open = CLIContext.opened[key] { return open }
        let workspace = try Workspace(paths: paths, settings: settings, connection: connection)
        CLIContext.opened[key] = workspace
        return workspace
    }

    /// The workspaces this process opened (whose pending team changes go after the command).
    static var openedWorkspaces: [Workspace] {
        openedLock.lock()
        defer { openedLock.unlock() }
        return Array(opened.values)
    }

    private static let openedLock = NSLock()
    nonisolated(unsafe) private static var opened: [String: Workspace] = [:]

    var staleAfter: TimeInterval { (settings.news2StaleHours ?? 24) * 3600 }

    func requireConnection() throws -> SavedConnection {
        guard let c = book.current else { throw CoreError.notConnected }
        return c
    }

    /// Connects with the saved connection; the secret from its file, the environment, or a prompt.
    func connect(_ saved: SavedConnection, maxConcurrentRequests: Int? = nil) async throws -> FHIRConnection {
        var credentials: ClientCredentials? = nil
        if let id = saved.clientId, let keyFile = saved.privateKeyFile {
            credentials = ClientCredentials(
                clientId: id, signingKey: try KeyFile.read(keyFile), keyId: saved.keyId, tenant: saved.tenant)
        } else if let id = saved.clientId {
            let secret = try Secrets.resolve(file: saved.secretFile, promptFor: saved.name)
            credentials = ClientCredentials(clientId: id, secret: secret, tenant: saved.tenant, method: saved.auth)
        }
        var o = options
        if let maxConcurrentRequests { o.maxConcurrentRequests = max(1, maxConcurrentRequests) }
        if saved.allowPlainHTTP == true { o.allowPlainHTTP = true }
        return try await FHIRConnection.connect(
            to: saved.baseURL, credentials: credentials, options: o, pinnedTokenURL: saved.tokenURL,
            trustedTokenOrigin: saved.tokenOrigin)
    }
}

/// Secret resolution for the CLI: file, then `ROUNDS_CLIENT_SECRET`, then a no-echo prompt on a TTY.
enum Secrets {
    static func resolve(file: String?, promptFor name: String) throws -> String {
        if let file { return try SecretSource.read(file: file) }
        if let s = SecretSource.fromEnvironment() { return s }
        if isatty(0) == 1, isatty(2) == 1, let s = prompt("Client secret for '\(name)': "), !s.isEmpty { return s }
        throw CoreError.secret("No client secret: use --secret-file PATH (mode 600) or set ROUNDS_CLIENT_SECRET.")
    }

    /// Reads a line from the terminal with echo off.
    static func prompt(_ text: String) -> String? {
        FileHandle.standardError.write(Data(text.utf8))
        var old = termios()
        tcgetattr(0, &old)
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &old)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
