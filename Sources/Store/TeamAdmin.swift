import Foundation

/// What an administrator does to the team database: teams and the roles that make them up.
/// Roles are the database's own (each nurse logs in as hers); Rounds only groups them.
public enum TeamAdmin {
    public static func create(_ db: TeamDatabase, team: String, members: [String]) throws(TeamDatabaseError) {
        try requireSchema(db)
        guard !team.isEmpty, team.count <= 200 else { throw .refused("A team name is 1 to 200 characters.") }
        guard !members.isEmpty else { throw .refused("A team needs at least one --member ROLE.") }
        try db.transaction { () throws(TeamDatabaseError) in
            let exists = try db.execute("SELECT 1 FROM rounds_teams WHERE name = $1", [team])
            guard exists.isEmpty else {
                throw .refused("A team named '\(team)' exists already; change it with 'rounds team members'.")
            }
            try db.execute("INSERT INTO rounds_teams(name) VALUES ($1)", [team])
            for role in members { try add(db, role: role, to: team) }
        }
    }

    public static func members(
        _ db: TeamDatabase, team: String, add added: [String], remove removed: [String]
    ) throws(TeamDatabaseError) -> [String] {
        try requireSchema(db)
        return try db.transaction { () throws(TeamDatabaseError) -> [String] in
            guard !(try db.execute("SELECT 1 FROM rounds_teams WHERE name = $1", [team])).isEmpty else {
                throw .noSuchTeam(team)
            }
            for role in added { try add(db, role: role, to: team) }
            for role in removed {
                try db.execute("DELETE FROM rounds_team_members WHERE team = $1 AND role = $2", [team, role])
            }
            return try memberRoles(db, team: team)
        }
    }

    public static func memberRoles(_ db: TeamDatabase, team: String) throws(TeamDatabaseError) -> [String] {
        try db.execute("SELECT role FROM rounds_team_members WHERE team = $1 ORDER BY role", [team]).compactMap {
            $0.first ?? nil
        }
    }

    private static func add(_ db: TeamDatabase, role: String, to team: String) throws(TeamDatabaseError) {
        guard !(try db.execute("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).isEmpty else {
            throw .noSuchRole(role)
        }
        try db.execute(
            "INSERT INTO rounds_team_members(team, role) VALUES ($1, $2) ON CONFLICT DO NOTHING", [team, role])
        // GRANT takes no parameters: the role name is quoted by the server itself.
        guard let quoted = try db.execute("SELECT quote_ident($1)", [role]).first?.first ?? nil else { return }
        try db.execute("GRANT rounds_nurse TO \(quoted)")
    }

    static func requireSchema(_ db: TeamDatabase) throws(TeamDatabaseError) {
        guard let version = try TeamSchema.version(db) else { throw .notInitialised(url: db.displayURL) }
        if version > TeamSchema.latest { throw .newerSchema(found: version, supported: TeamSchema.latest) }
    }

    /// Checks that the connected role belongs to `team` (what RLS lets it see of itself).
    public static func checkMembership(_ db: TeamDatabase, team: String) throws(TeamDatabaseError) {
        try requireSchema(db)
        let rows: [[String?]]
        do {
            rows = try db.execute("SELECT 1 FROM rounds_team_members WHERE team = $1 AND role = current_user", [team])
        } catch .refused {
            // A role in no team at all has no grant on the tables.
            throw .notMember(role: db.role, team: team)
        }
        guard !rows.isEmpty else { throw .notMember(role: db.role, team: team) }
    }
}
