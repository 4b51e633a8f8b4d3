import Foundation
import RoundsCore
import Store

/// `rounds team init|create|members|connect|status|disconnect`: the team database that shares
/// lists, notes, marks and the audit trail among workstations. Passwords come from
/// `--password-file` (0600), libpq's PGPASSFILE or ~/.pgpass, or a no-echo prompt; never argv.
enum TeamCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let verb = words.first else {
            throw UsageError(message: "team needs init, create, members, connect, status or disconnect")
        }
        let rest = Array(words.dropFirst())
        let ctx = try CLIContext.load()
        switch verb {
        case "init":
            let a = try Arguments(rest, valued: ["--password-file"], flags: [])
            guard a.positionals.count == 1 else { throw UsageError(message: "team init needs exactly one URL") }
            let db = try open(a.positionals[0], passwordFile: a.value("--password-file"))
            let (before, after) = try TeamSchema.migrate(db)
            Output.out(
                before == after
                    ? "The team schema is already at version \(after); nothing to do."
                    : "Team schema \(before == 0 ? "created" : "migrated from version \(before)") at version \(after).")
            return 0
        case "create":
            let a = try Arguments(rest, valued: ["--member", "--admin", "--password-file"], flags: [])
            guard a.positionals.count == 1 else { throw UsageError(message: "team create needs exactly one NAME") }
            guard let admin = a.value("--admin") else { throw UsageError(message: "team create needs --admin URL") }
            let db = try open(admin, passwordFile: a.value("--password-file"))
            try TeamAdmin.create(db, team: a.positionals[0], members: a.values("--member"))
            Output.out("Team '\(a.positionals[0])' created with \(a.values("--member").joined(separator: ", ")).")
            return 0
        case "members":
            let a = try Arguments(rest, valued: ["--add", "--remove", "--admin", "--password-file"], flags: [])
            guard a.positionals.count == 1 else { throw UsageError(message: "team members needs exactly one NAME") }
            guard let admin = a.value("--admin") else { throw UsageError(message: "team members needs --admin URL") }
            let db = try open(admin, passwordFile: a.value("--password-file"))
            let now = try TeamAdmin.members(
                db, team: a.positionals[0], add: a.values("--add"), remove: a.values("--remove"))
            Output.out("Team '\(a.positionals[0])': \(now.isEmpty ? "no members" : now.joined(separator: ", ")).")
            return 0
        case "connect":
            let a = try Arguments(rest, valued: ["--team", "--password-file"], flags: [])
            guard a.positionals.count == 1 else { throw UsageError(message: "team connect needs exactly one URL") }
            guard let team = a.value("--team") else { throw UsageError(message: "team connect needs --team NAME") }
            let file = a.value("--password-file").map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let db = try open(a.positionals[0], passwordFile: file)
            try TeamAdmin.checkMembership(db, team: team)
            let connection = TeamConnection(
                url: TeamDatabase.redacted(a.positionals[0]), team: team, role: db.role, passwordFile: file)
            try connection.save(ctx.paths)
            Output.out("Connected to team '\(team)' as role '\(db.role)' at \(db.displayURL).")
            return 0
        case "status":
            let a = try Arguments(rest, flags: ["--json"])
            guard let connection = try TeamConnection.load(ctx.paths) else {
                if a.has("--json") {
                    try Output.json(TeamStatus(connected: false))
                } else {
                    Output.out("No team database: lists are this workstation's own.")
                }
                return 0
            }
            var status = TeamStatus(connected: true, team: connection.team, role: connection.role, url: connection.url)
            let workspace = ctx.book.current == nil ? nil : try ctx.workspace()
            do {
                let db = try connection.open()
                try TeamAdmin.checkMembership(db, team: connection.team)
                status.online = true
                if let workspace {
                    try TeamSync.push(workspace, database: db)
                    try workspace.sharedTeamStore?.noteExchange()
                }
            } catch let e as TeamDatabaseError {
                status.online = false
                status.problem = ErrorText.describe(e)
            }
            status.pendingChanges = try workspace.map { try $0.cache.pendingTeamChangeCount(team: connection.team) }
            status.lastExchange = try workspace?.cache.teamState("lastExchange")
            if a.has("--json") {
                try Output.json(status)
                return 0
            }
            Output.out(
                "Team '\(connection.team)' as '\(connection.role)' at \(connection.url): "
                    + (status.online == true ? "online" : "offline")
            )
            Output.out(
                "  pending changes: \(status.pendingChanges ?? 0); last exchange: \(status.lastExchange ?? "never")")
            if let problem = status.problem { Output.out("  \(problem)") }
            return 0
        case "disconnect":
            _ = try Arguments(rest, flags: [])
            try TeamConnection.remove(ctx.paths)
            Output.out("Disconnected from the team database: lists are this workstation's own again.")
            return 0
        default:
            throw UsageError(message: "team takes init, create, members, connect, status or disconnect, not '\(verb)'")
        }
    }

    /// After any command: what it queued for the team (audit records, changes) goes now, or stays
    /// pending while the team database is unreachable.
    static func pushAfterCommand() {
        TeamSync.waitForBackgroundWork()
        for workspace in CLIContext.openedWorkspaces where workspace.team != nil {
            if let problem = TeamSync.pushQuietly(workspace) {
                Output.err("rounds: the team's changes stay pending: \(problem)")
            }
        }
    }

    /// Opens a database: the password from the file, else libpq's sources, else a no-echo prompt.
    static func open(_ url: String, passwordFile: String?) throws -> TeamDatabase {
        let password = try passwordFile.map { try SecretSource.read(file: $0) }
        let failure: TeamDatabaseError
        do {
            return try TeamDatabase(url: url, password: password)
        } catch {
            failure = error
        }
        guard case .needsPassword(let role) = failure, password == nil, isatty(0) == 1, isatty(2) == 1,
            let typed = Secrets.prompt("Password for database role '\(role)': "), !typed.isEmpty
        else { throw failure }
        return try TeamDatabase(url: url, password: typed)
    }
}

/// `rounds team status --json`.
struct TeamStatus: Codable {
    var connected: Bool
    var team: String?
    var role: String?
    var url: String?
    var online: Bool?
    var problem: String?
    var pendingChanges: Int?
    var lastExchange: String?
}
