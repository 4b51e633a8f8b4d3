import Foundation
import JSONKit

/// The team's data shared through its database: each change is made to the local copy and kept
/// as a pending change in the same SQLite transaction, so a crash between the two cannot lose
/// it; `push` sends the pending changes and `pull` applies the others' (see
/// SharedTeamStore+Exchange.swift).
public struct SharedTeamStore: TeamStore {
    public let cache: Cache
    public let team: String
    /// The database role this workstation logs in as: the author of what it writes.
    public let role: String
    public var author: String { role }

    public init(cache: Cache, team: String, role: String) {
        self.cache = cache
        self.team = team
        self.role = role
    }

    public func lists() throws(StoreError) -> [PatientList] { try cache.lists() }

    public func list(named name: String) throws(StoreError) -> PatientList? { try cache.list(named: name) }

    /// A list created while connected is the team's from the start.
    public func createList(_ name: String, columns: [String]) throws(StoreError) -> PatientList {
        try cache.atomically { () throws(StoreError) -> PatientList in
            let list = try cache.createList(name, columns: columns)
            let listId = UUID().uuidString.lowercased()
            try cache.setTeamListId(listId, for: list.name)
            try record(
                TeamChangeKind.listCreate, listId: listId,
                ["name": .string(list.name), "columns": .array(list.columns.map(JSONValue.string))])
            return list
        }
    }

    /// Sends a list of this workstation only to the team: its id, then its patients in order.
    /// `false` when the list is the team's already (nothing is sent twice).
    public func share(_ name: String) throws(StoreError) -> Bool {
        try cache.atomically { () throws(StoreError) -> Bool in
            guard let list = try cache.list(named: name) else {
                throw .notFound("No list named '\(name)'. 'rounds list ls' shows the lists.")
            }
            guard try cache.teamListId(of: list.name) == nil else { return false }
            let listId = UUID().uuidString.lowercased()
            try cache.setTeamListId(listId, for: list.name)
            try record(
                TeamChangeKind.listCreate, listId: listId,
                ["name": .string(list.name), "columns": .array(list.columns.map(JSONValue.string))])
            for patient in list.patientIds {
                try record(TeamChangeKind.memberAdd, listId: listId, ["patientId": .string(patient)])
            }
            return true
        }
    }

    public func renameList(_ old: String, to new: String) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            let listId = try teamListId(old)
            try cache.renameList(old, to: new)
            guard let listId, let renamed = try cache.list(named: new) else { return }
            // The later rename wins on every workstation: remember when this one was made.
            try cache.setTeamState(Self.renamedAtKey(listId), TeamTime.text(cache.now()))
            try record(TeamChangeKind.listRename, listId: listId, ["name": .string(renamed.name)])
        }
    }

    public func deleteList(_ name: String) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            let listId = try teamListId(name)
            try cache.deleteList(name)
            if let listId { try record(TeamChangeKind.listDelete, listId: listId, [:]) }
        }
    }

    public func setDefaultList(_ name: String) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            try cache.setDefaultList(name)
            if let listId = try teamListId(name) { try record(TeamChangeKind.listDefault, listId: listId, [:]) }
        }
    }

    public func setColumns(_ columns: [String], for name: String) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            try cache.setColumns(columns, for: name)
            if let listId = try teamListId(name) {
                try record(
                    TeamChangeKind.listColumns, listId: listId, ["columns": .array(columns.map(JSONValue.string))])
            }
        }
    }

    public func addPatients(_ ids: [String], to name: String) throws(StoreError) -> [String] {
        try cache.atomically { () throws(StoreError) -> [String] in
            let added = try cache.addPatients(ids, to: name)
            if let listId = try teamListId(name) {
                for patient in added {
                    try record(TeamChangeKind.memberAdd, listId: listId, ["patientId": .string(patient)])
                }
            }
            return added
        }
    }

    public func removePatients(_ ids: [String], from name: String) throws(StoreError) -> [String] {
        try cache.atomically { () throws(StoreError) -> [String] in
            let removed = try cache.removePatients(ids, from: name)
            if let listId = try teamListId(name) {
                for patient in removed {
                    try record(TeamChangeKind.memberRemove, listId: listId, ["patientId": .string(patient)])
                }
            }
            return removed
        }
    }

    public func movePatient(_ id: String, in name: String, to position: Int) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            try cache.movePatient(id, in: name, to: position)
            if let listId = try teamListId(name) {
                try record(
                    TeamChangeKind.memberMove, listId: listId,
                    ["patientId": .string(id), "position": .number(Double(position))])
            }
        }
    }

    /// A note goes to the whole team, as the role's, whatever list the patient is on.
    public func addNote(patientId: String, text: String) throws(StoreError) -> Note {
        try cache.atomically { () throws(StoreError) -> Note in
            let changeId = UUID()
            let note = try cache.addNote(patientId: patientId, author: role, text: text, changeId: changeId)
            let fields: JSONObject = ["patientId": .string(patientId), "text": .string(note.text)]
            try cache.enqueueTeamChange(
                team: team, kind: TeamChangeKind.noteAdd, payload: JSONValue.object(fields).serialized,
                changeId: changeId, at: note.createdAt)
            return note
        }
    }

    public func notes(patientId: String) throws(StoreError) -> [Note] { try cache.notes(patientId: patientId) }

    public func setHypercapnic(_ id: String, _ on: Bool) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            try cache.setHypercapnic(id, on)
            let fields: JSONObject = ["patientId": .string(id), "on": .bool(on)]
            try cache.enqueueTeamChange(
                team: team, kind: TeamChangeKind.markHypercapnic, payload: JSONValue.object(fields).serialized)
        }
    }

    public func isHypercapnic(_ id: String) throws(StoreError) -> Bool { try cache.isHypercapnic(id) }

    public func handoffs(list: String) throws(StoreError) -> [Handoff] { try cache.handoffs(list: list) }

    public func handoff(list: String, patient: String) throws(StoreError) -> Handoff {
        try cache.handoff(list: list, patient: patient)
    }

    public func setHandoff(list: String, patient: String, _ edit: HandoffEdit) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            let at = cache.now()
            try cache.setHandoff(list: list, patient: patient, edit, by: role, at: at)
            guard let listId = try teamListId(list) else { return }
            var fields: JSONObject = ["patientId": .string(patient)]
            if let severity = edit.severity { fields["severity"] = .string(severity.rawValue) }
            if let summary = edit.summary { fields["summary"] = .string(summary) }
            if let contingency = edit.contingency { fields["contingency"] = .string(contingency) }
            try record(TeamChangeKind.handoffSet, listId: listId, fields, at: at)
        }
    }

    public func addTodo(list: String, patient: String, text: String, owner: String?, due: String?) throws(StoreError)
        -> Todo
    {
        try cache.atomically { () throws(StoreError) -> Todo in
            let at = cache.now()
            let id = UUID().uuidString.lowercased()
            let todo = try cache.addTodo(
                list: list, patient: patient, id: id, text: text, owner: owner, due: due, by: role, at: at)
            if let listId = try teamListId(list) {
                var fields: JSONObject = [
                    "patientId": .string(patient), "todoId": .string(id), "text": .string(todo.text),
                ]
                if let owner { fields["owner"] = .string(owner) }
                if let due { fields["due"] = .string(due) }
                try record(TeamChangeKind.todoAdd, listId: listId, fields, at: at)
            }
            return todo
        }
    }

    public func setTodoDone(list: String, patient: String, number: Int, done: Bool) throws(StoreError) -> Todo {
        try cache.atomically { () throws(StoreError) -> Todo in
            let at = cache.now()
            let todo = try cache.todo(list: list, patient: patient, number: number)
            try cache.setTodoDone(id: todo.id, done: done, by: role, at: at)
            if let listId = try teamListId(list) {
                try record(
                    TeamChangeKind.todoDone, listId: listId, ["todoId": .string(todo.id), "done": .bool(done)], at: at)
            }
            return try cache.todo(list: list, patient: patient, number: number)
        }
    }

    public func acceptHandoff(list: String, patients: [String]) throws(StoreError) -> [String] {
        try cache.atomically { () throws(StoreError) -> [String] in
            let at = cache.now()
            let accepted = try cache.acceptedPatients(list: list, patients)
            try cache.acceptHandoff(list: list, patients: accepted, by: role, at: at)
            if let listId = try teamListId(list) {
                try record(
                    TeamChangeKind.handoffAccept, listId: listId,
                    ["patientIds": .array(accepted.map(JSONValue.string))], at: at)
            }
            return accepted
        }
    }

    public func markRoundDone(list: String) throws(StoreError) {
        try cache.atomically { () throws(StoreError) in
            let at = cache.now()
            try cache.markRound(list: list, by: role, at: at)
            if let listId = try teamListId(list) { try record(TeamChangeKind.roundDone, listId: listId, [:], at: at) }
        }
    }

    /// Keeps an audit record for the team's trail (pushed like every change).
    public static func recordAudit(
        _ cache: Cache, team: String, operation: String, patients: [String], list: String?, outcome: String, at: Date
    ) throws(StoreError) {
        var fields: JSONObject = [
            "operation": .string(operation), "patientIds": .array(patients.map(JSONValue.string)),
            "outcome": .string(outcome),
        ]
        if let list { fields["list"] = .string(list) }
        try cache.enqueueTeamChange(
            team: team, kind: TeamChangeKind.audit, payload: JSONValue.object(fields).serialized, at: at)
    }

    func teamListId(_ name: String) throws(StoreError) -> String? {
        guard let list = try cache.list(named: name) else { return nil }
        return try cache.teamListId(of: list.name)
    }

    func record(_ kind: String, listId: String, _ fields: JSONObject, at: Date? = nil) throws(StoreError) {
        var members = fields
        members["listId"] = .string(listId)
        try cache.enqueueTeamChange(team: team, kind: kind, payload: JSONValue.object(members).serialized, at: at)
    }

    static func renamedAtKey(_ listId: String) -> String { "renamedAt:\(listId)" }
}
