import Foundation
import JSONKit
import Store

/// The changes a workstation sends its team, as kept in the pending changes.
public enum TeamChange {
    public static let auditKind = "audit"

    static func audit(operation: String, patients: [String], list: String?, outcome: String) -> String {
        var members: JSONObject = ["operation": .string(operation), "patientIds": .array(patients.map(JSONValue.string)),
                                   "outcome": .string(outcome)]
        if let list { members["list"] = .string(list) }
        return JSONValue.object(members).serialized
    }
}

/// Sends the pending changes to the team database, oldest first, each exactly once: a change is
/// dropped locally only after the database committed it, and the database ignores a change id it
/// already holds, so a push killed at any moment and run again neither loses nor repeats one.
public enum TeamSync {
    public struct Outcome: Sendable, Equatable {
        public var pushed: Int
        public var remaining: Int
    }

    @discardableResult
    public static func push(_ cache: Cache, to connection: TeamConnection, database: TeamDatabase? = nil) throws -> Outcome {
        guard try cache.pendingTeamChangeCount(team: connection.team) > 0 else {
            return Outcome(pushed: 0, remaining: 0)
        }
        let db = try database ?? connection.open()
        var pushed = 0
        while true {
            let batch = try cache.pendingTeamChanges(team: connection.team, limit: 200)
            guard !batch.isEmpty else { break }
            for change in batch {
                try send(change, to: db)
                try cache.removePendingTeamChange(seq: change.seq)
                pushed += 1
            }
        }
        try cache.setTeamState("lastExchange", TeamTime.text(Date()))
        return Outcome(pushed: pushed, remaining: try cache.pendingTeamChangeCount(team: connection.team))
    }

    static func send(_ change: PendingTeamChange, to db: TeamDatabase) throws {
        guard let id = UUID(uuidString: change.changeId) else { return }
        let payload = (try? JSONParser.parse(change.payload)) ?? .object([:])
        switch change.kind {
        case TeamChange.auditKind:
            try TeamAudit.append(db, team: change.team, operation: payload["operation"]?.string ?? "?",
                                 patientIds: payload["patientIds"]?.array?.compactMap(\.string) ?? [],
                                 list: payload["list"]?.string, outcome: payload["outcome"]?.string ?? "success",
                                 occurredAt: change.occurredAt, changeId: id)
        default:
            try db.execute("""
                INSERT INTO rounds_changes(team, change_id, occurred_at, kind, payload)
                VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (change_id) DO NOTHING
                """, [change.team, change.changeId, TeamTime.text(change.occurredAt), change.kind, change.payload])
        }
    }

    /// Pushes when a team is connected, quietly: an unreachable database leaves the changes
    /// pending for the next command. The sentence for anything else.
    public static func pushQuietly(_ workspace: Workspace) -> String? {
        guard let team = workspace.team else { return nil }
        do {
            try push(workspace.cache, to: team)
            return nil
        } catch let error as TeamDatabaseError where error.isUnreachable {
            return nil
        } catch {
            return "\(error)"
        }
    }
}
