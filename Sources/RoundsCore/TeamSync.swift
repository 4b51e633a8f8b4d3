import Foundation
import JSONKit
import Store

/// The changes a workstation sends its team, as kept in the pending changes.
public enum TeamChange {
    public static let auditKind = "audit"

    static func audit(operation: String, patients: [String], list: String?, outcome: String) -> String {
        var members: JSONObject = [
            "operation": .string(operation), "patientIds": .array(patients.map(JSONValue.string)),
            "outcome": .string(outcome),
        ]
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
    public static func push(
        _ cache: Cache, to connection: TeamConnection, database: TeamDatabase? = nil
    ) throws -> Outcome {
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
            try TeamAudit.append(
                db, team: change.team, operation: payload["operation"]?.string ?? "?",
                patientIds: payload["patientIds"]?.array?.compactMap(\.string) ?? [],
                list: payload["list"]?.string, outcome: payload["outcome"]?.string ?? "success",
                occurredAt: change.occurredAt, changeId: id)
        default:
            try db.execute(
                """
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

/// Lists, patients on them and notes shared through the team's ordered log of changes. Every
/// workstation applies the same log in the same order, so all converge: adds and removes merge,
/// the later rename wins (and the other workstation is told), notes are only ever added.
public enum TeamLists {
    public enum Kind {
        public static let listCreate = "list.create", listRename = "list.rename", listDelete = "list.delete"
        public static let memberAdd = "member.add", memberRemove = "member.remove", noteAdd = "note.add"
    }

    /// Sends a list of this workstation to the team: a list id, then its patients in order.
    public static func share(_ name: String, workspace: Workspace) throws {
        guard let team = workspace.team else {
            throw CoreError.usage("No team database is connected: 'rounds team connect URL --team NAME' first.")
        }
        let cache = workspace.cache
        guard let list = try cache.list(named: name) else { throw CoreError.notFound("No list named '\(name)'.") }
        if try cache.teamListId(of: list.name) != nil {
            throw CoreError.usage("'\(list.name)' is shared with the team already.")
        }
        let id = UUID().uuidString.lowercased()
        try cache.setTeamListId(id, for: list.name)
        try cache.enqueueTeamChange(
            team: team.team, kind: Kind.listCreate,
            payload: payload(
                id,
                [
                    "name": .string(list.name),
                    "columns": .array(list.columns.map(JSONValue.string)),
                ]))
        for patient in list.patientIds {
            try cache.enqueueTeamChange(
                team: team.team, kind: Kind.memberAdd, payload: payload(id, ["patientId": .string(patient)]))
        }
    }

    /// Records a change made to a list on this workstation, when that list is the team's.
    public static func changed(_ name: String, kind: String, workspace: Workspace, fields: JSONObject = [:]) throws {
        guard let team = workspace.team, let id = try workspace.cache.teamListId(of: name) else { return }
        try workspace.cache.enqueueTeamChange(team: team.team, kind: kind, payload: payload(id, fields))
    }

    /// A note written on this workstation while connected goes to the team, as the role's.
    public static func noteAdded(patientId: String, text: String, changeId: UUID, workspace: Workspace) throws {
        guard let team = workspace.team else { return }
        let fields: JSONObject = ["patientId": .string(patientId), "text": .string(text)]
        try workspace.cache.enqueueTeamChange(
            team: team.team, kind: Kind.noteAdd, payload: JSONValue.object(fields).serialized,
            changeId: changeId)
    }

    static func payload(_ listId: String, _ fields: JSONObject) -> String {
        var members = fields
        members["listId"] = .string(listId)
        return JSONValue.object(members).serialized
    }

    /// Applies the team's changes this workstation has not seen, in the log's order. Returns what
    /// others did that a nurse should be told (a rename, a list removed).
    @discardableResult
    public static func pull(_ workspace: Workspace, database db: TeamDatabase) throws -> [String] {
        guard let team = workspace.team else { return [] }
        let cache = workspace.cache
        let since = Int64(try cache.teamState("lastSeq") ?? "0") ?? 0
        let rows = try db.execute(
            """
            SELECT seq, change_id, actor, kind, payload::text,
                   to_char(coalesce(occurred_at, recorded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            FROM rounds_changes WHERE team = $1 AND seq > $2 ORDER BY seq
            """, [team.team, String(since)])
        var told: [String] = []
        var last = since
        for row in rows {
            let actor = row[2] ?? "?"
            let fields = (try? JSONParser.parse(row[4] ?? "{}")) ?? .object([:])
            let when = row[5].flatMap(FHIRTimeParser.date) ?? Date()
            if let message = try apply(
                kind: row[3] ?? "", fields: fields, actor: actor, changeId: row[1] ?? "", at: when,
                mine: actor == team.role, cache: cache)
            {
                told.append(message)
            }
            last = Int64(row[0] ?? "") ?? last
        }
        if last != since { try cache.setTeamState("lastSeq", String(last)) }
        return told
    }

    static func apply(
        kind: String, fields: JSONValue, actor: String, changeId: String, at: Date, mine: Bool,
        cache: Cache
    ) throws -> String? {
        let listId = fields["listId"]?.string ?? ""
        let local = try cache.listName(teamListId: listId)
        switch kind {
        case Kind.listCreate:
            guard local == nil, let name = fields["name"]?.string else { return nil }
            var chosen = name
            var n = 2
            while try cache.list(named: chosen) != nil {
                chosen = "\(name) (\(n))"
                n += 1
            }
            let columns = fields["columns"]?.array?.compactMap(\.string) ?? []
            _ = try cache.createList(chosen, columns: columns)
            try cache.setTeamListId(listId, for: chosen)
            return mine ? nil : "\(actor) shared the list '\(chosen)'."
        case Kind.listRename:
            guard let local, let name = fields["name"]?.string, local != name else { return nil }
            guard try cache.list(named: name) == nil else {
                return "\(actor) renamed '\(local)' to '\(name)', a name used here; kept '\(local)'."
            }
            try cache.renameList(local, to: name)
            return mine ? nil : "\(actor) renamed the list '\(local)' to '\(name)' (the later name is kept)."
        case Kind.listDelete:
            guard let local else { return nil }
            try cache.deleteList(local)
            return mine ? nil : "\(actor) deleted the team's list '\(local)'."
        case Kind.memberAdd:
            guard let local, let patient = fields["patientId"]?.string else { return nil }
            _ = try cache.addPatients([patient], to: local)
        case Kind.memberRemove:
            guard let local, let patient = fields["patientId"]?.string else { return nil }
            _ = try cache.removePatients([patient], from: local)
        case Kind.noteAdd:
            // Kept even when the patient left every list meanwhile: notes are never lost.
            guard let patient = fields["patientId"]?.string, let text = fields["text"]?.string else { return nil }
            try cache.addTeamNote(
                patientId: patient, author: actor, text: text, createdAt: at, changeId: changeId.lowercased())
        default:
            break
        }
        return nil
    }

    /// Push what waits, then pull what others did; quietly offline. The sentences to show.
    public static func exchange(_ workspace: Workspace) -> [String] {
        guard let team = workspace.team else { return [] }
        do {
            let db = try team.open()
            try TeamSync.push(workspace.cache, to: team, database: db)
            return try pull(workspace, database: db)
        } catch let error as TeamDatabaseError where error.isUnreachable {
            return []
        } catch {
            return ["the team's changes stay pending: \(error)"]
        }
    }
}

/// ISO instants from the team database.
enum FHIRTimeParser {
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
