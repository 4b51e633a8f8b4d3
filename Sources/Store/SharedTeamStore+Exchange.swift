import Foundation
import JSONKit

/// One change another workstation made, in words for the status line. Patients are not named:
/// the sentence may be on a shared screen.
public struct TeamNews: Sendable, Equatable {
    public var actor: String
    public var sentence: String
    /// A rename, a deletion, a list shared, a conflict settled: worth telling outside the TUI too.
    public var notable: Bool

    public init(actor: String, sentence: String, notable: Bool) {
        self.actor = actor
        self.sentence = sentence
        self.notable = notable
    }
}

extension SharedTeamStore {
    /// Sends the pending changes, oldest first, each exactly once: a batch is dropped locally
    /// only after the database committed it, and the database ignores a change id it already
    /// holds, so a push killed at any moment and run again neither loses nor repeats one.
    /// Returns how many were sent.
    @discardableResult
    public func push(to db: TeamDatabase) throws -> Int {
        var pushed = 0
        while true {
            let batch = try cache.pendingTeamChanges(team: team, limit: 200)
            guard let last = batch.last else { break }
            try db.transaction { () throws(TeamDatabaseError) in
                for change in batch { try send(change, to: db) }
            }
            try cache.removePendingTeamChanges(throughSeq: last.seq, team: team)
            pushed += batch.count
        }
        if pushed > 0 { try noteExchange() }
        return pushed
    }

    func send(_ change: PendingTeamChange, to db: TeamDatabase) throws(TeamDatabaseError) {
        guard let changeId = UUID(uuidString: change.changeId) else { return }
        let payload = (try? JSONParser.parse(change.payload)) ?? .object([:])
        if change.kind == TeamChangeKind.audit {
            try TeamAudit.append(
                db, team: change.team, operation: payload["operation"]?.string ?? "?",
                patientIds: payload["patientIds"]?.array?.compactMap(\.string) ?? [],
                list: payload["list"]?.string, outcome: payload["outcome"]?.string ?? "success",
                occurredAt: change.occurredAt, changeId: changeId)
            return
        }
        try db.execute(
            """
            INSERT INTO rounds_changes(team, change_id, occurred_at, kind, payload)
            VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (change_id) DO NOTHING
            """,
            [change.team, change.changeId, TeamTime.text(change.occurredAt), change.kind, change.payload])
    }

    /// When this workstation last sent or received a change (`rounds team status`).
    public func noteExchange() throws(StoreError) {
        try cache.setTeamState("lastExchange", TeamTime.text(Date()))
    }

    /// The notification channel the database signals this team's new changes on.
    public func listen(on db: TeamDatabase) throws(TeamDatabaseError) {
        let channel = try db.execute("SELECT 'rounds_' || md5($1)", [team]).first?.first ?? nil
        guard let channel else { return }
        try db.listen(channel)
    }

    /// Applies, in the log's order, the team's changes this workstation has not seen. Every
    /// workstation applies the same log in the same order, so all converge: adds and removes
    /// merge, the later rename wins, notes are only ever added. Returns what the others did.
    @discardableResult
    public func pull(from db: TeamDatabase) throws -> [TeamNews] {
        let since = Int64(try cache.teamState("lastSeq") ?? "0") ?? 0
        let rows = try db.execute(
            """
            SELECT seq, change_id, actor, kind, payload::text,
                   to_char(coalesce(occurred_at, recorded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            FROM rounds_changes WHERE team = $1 AND seq > $2 ORDER BY seq
            """, [team, String(since)])
        guard !rows.isEmpty else { return [] }
        var news: [TeamNews] = []
        try cache.atomically { () throws(StoreError) in
            var last = since
            for row in rows {
                let change = AppliedChange(
                    kind: row[3] ?? "", fields: (try? JSONParser.parse(row[4] ?? "{}")) ?? .object([:]),
                    actor: row[2] ?? "?", changeId: (row[1] ?? "").lowercased(),
                    at: row[5].flatMap(TeamTime.date) ?? Date())
                if let sentence = try apply(change) { news.append(sentence) }
                last = Int64(row[0] ?? "") ?? last
            }
            try cache.setTeamState("lastSeq", String(last))
            try noteExchange()
        }
        return news
    }

    struct AppliedChange {
        var kind: String
        var fields: JSONValue
        var actor: String
        var changeId: String
        var at: Date
    }

    func apply(_ change: AppliedChange) throws(StoreError) -> TeamNews? {
        let mine = change.actor == role
        let actor = change.actor
        let listId = change.fields["listId"]?.string ?? ""
        let local = try cache.listName(teamListId: listId)
        func told(_ sentence: String, notable: Bool = false) -> TeamNews? {
            mine ? nil : TeamNews(actor: actor, sentence: sentence, notable: notable)
        }
        switch change.kind {
        case TeamChangeKind.listCreate:
            guard local == nil, let name = change.fields["name"]?.string else { return nil }
            var chosen = name
            var suffix = 2
            while try cache.list(named: chosen) != nil {
                chosen = "\(name) (\(suffix))"
                suffix += 1
            }
            let columns = change.fields["columns"]?.array?.compactMap(\.string) ?? []
            _ = try cache.createList(chosen, columns: columns)
            try cache.setTeamListId(listId, for: chosen)
            return told("\(actor) shared the list '\(chosen)'.", notable: true)
        case TeamChangeKind.listRename:
            guard let local, let name = change.fields["name"]?.string else { return nil }
            let key = Self.renamedAtKey(listId)
            let renamedAt = try cache.teamState(key).flatMap(TeamTime.date) ?? .distantPast
            guard change.at >= renamedAt else {
                return told("\(actor)'s earlier rename to '\(name)' was not kept: '\(local)' is later.", notable: true)
            }
            try cache.setTeamState(key, TeamTime.text(change.at))
            guard local != name else { return nil }
            guard try cache.list(named: name) == nil else {
                return TeamNews(
                    actor: actor,
                    sentence: "\(actor) renamed '\(local)' to '\(name)', a name used here; kept '\(local)'.",
                    notable: true)
            }
            try cache.renameList(local, to: name)
            return told("\(actor) renamed the list '\(local)' to '\(name)' (the later name is kept).", notable: true)
        case TeamChangeKind.listDelete:
            guard let local else { return nil }
            try cache.deleteList(local)
            return told("\(actor) deleted the team's list '\(local)'.", notable: true)
        case TeamChangeKind.listDefault:
            guard let local else { return nil }
            try cache.setDefaultList(local)
            return told("\(actor) made '\(local)' the list that opens first.")
        case TeamChangeKind.listColumns:
            guard let local, let columns = change.fields["columns"]?.array?.compactMap(\.string) else { return nil }
            try cache.setColumns(columns, for: local)
            return told("\(actor) changed the columns of '\(local)'.")
        case TeamChangeKind.memberAdd:
            guard let local, let patient = change.fields["patientId"]?.string else { return nil }
            let added = try cache.addPatients([patient], to: local)
            return added.isEmpty ? nil : told("\(actor) added a patient to '\(local)'.")
        case TeamChangeKind.memberRemove:
            guard let local, let patient = change.fields["patientId"]?.string else { return nil }
            let removed = try cache.removePatients([patient], from: local)
            return removed.isEmpty ? nil : told("\(actor) removed a patient from '\(local)'.")
        case TeamChangeKind.memberMove:
            guard let local, let patient = change.fields["patientId"]?.string,
                let position = change.fields["position"]?.double,
                try cache.list(named: local)?.patientIds.contains(patient) == true
            else { return nil }
            try cache.movePatient(patient, in: local, to: Int(position))
            return told("\(actor) moved a patient on '\(local)'.")
        case TeamChangeKind.noteAdd:
            // Kept even when the patient left every list meanwhile: notes are never lost.
            guard let patient = change.fields["patientId"]?.string, let text = change.fields["text"]?.string else {
                return nil
            }
            try cache.addTeamNote(
                patientId: patient, author: actor, text: text, createdAt: change.at, changeId: change.changeId)
            return told("\(actor) wrote a note.")
        case TeamChangeKind.markHypercapnic:
            guard let patient = change.fields["patientId"]?.string, let on = change.fields["on"]?.bool else {
                return nil
            }
            try cache.setHypercapnic(patient, on)
            return told(on ? "\(actor) marked a patient hypercapnic (SpO2 scale 2)." : "\(actor) set SpO2 scale 1.")
        case TeamChangeKind.handoffSet:
            guard let local, let patient = change.fields["patientId"]?.string,
                try cache.list(named: local)?.patientIds.contains(patient) == true
            else { return nil }
            let edit = HandoffEdit(
                severity: change.fields["severity"]?.string.flatMap(Severity.init(rawValue:)),
                summary: change.fields["summary"]?.string, contingency: change.fields["contingency"]?.string)
            try cache.setHandoff(list: local, patient: patient, edit, by: actor, at: change.at)
            return told("\(actor) updated a handoff on '\(local)'.")
        case TeamChangeKind.todoAdd:
            guard let local, let patient = change.fields["patientId"]?.string,
                let id = change.fields["todoId"]?.string, let text = change.fields["text"]?.string,
                try cache.list(named: local)?.patientIds.contains(patient) == true
            else { return nil }
            try cache.addTodo(
                list: local, patient: patient, id: id, text: text, owner: change.fields["owner"]?.string,
                due: change.fields["due"]?.string, by: actor, at: change.at)
            return told("\(actor) added a to-do on '\(local)'.")
        case TeamChangeKind.todoDone:
            guard let id = change.fields["todoId"]?.string, let done = change.fields["done"]?.bool else { return nil }
            try cache.setTodoDone(id: id, done: done, by: actor, at: change.at)
            return told(done ? "\(actor) ticked off a to-do." : "\(actor) reopened a to-do.")
        case TeamChangeKind.handoffAccept:
            guard let local, let patients = change.fields["patientIds"]?.array?.compactMap(\.string) else { return nil }
            try cache.acceptHandoff(list: local, patients: patients, by: actor, at: change.at)
            return told("\(actor) accepted the handoff of '\(local)'.", notable: true)
        case TeamChangeKind.roundDone:
            guard let local else { return nil }
            try cache.markRound(list: local, by: actor, at: change.at)
            return told("\(actor) marked the round of '\(local)' done.", notable: true)
        default:
            // A kind from a newer Rounds: skipped, the log keeps it for when this one is updated.
            return nil
        }
    }
}
