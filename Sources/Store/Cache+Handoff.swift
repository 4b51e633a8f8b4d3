import Foundation

/// The handoff of each patient on a list, its to-dos and who accepted it. Every write takes the
/// time it was made (`at`) and keeps a field only if no later write set it: the same change
/// applied twice, or an older one arriving late from another workstation, changes nothing.
extension Cache {
    /// The handoffs of a list's patients, in the list's order (a patient with none written has an
    /// empty one).
    public func handoffs(list name: String) throws(StoreError) -> [Handoff] {
        try handoffs(list: requireList(name))
    }

    /// The same for a list already read (the list's rows: its thousand members are not read twice).
    public func handoffs(list: PatientList) throws(StoreError) -> [Handoff] {
        try locked { () throws(StoreError) -> [Handoff] in
            var byPatient: [String: Handoff] = [:]
            for row in try db.rows(
                "SELECT patient_id, severity, summary, contingency, updated_by, updated_at, accepted_by, accepted_at "
                    + "FROM handoffs WHERE list_id = ?", [.int(list.id)])
            {
                guard let patient = row[0].string else { continue }
                byPatient[patient] = Handoff(
                    patientId: patient, severity: row[1].string.flatMap(Severity.init(rawValue:)),
                    summary: row[2].string, contingency: row[3].string, updatedBy: row[4].string,
                    updatedAt: row[5].double.map(Date.init(timeIntervalSince1970:)), acceptedBy: row[6].string,
                    acceptedAt: row[7].double.map(Date.init(timeIntervalSince1970:)))
            }
            let todos = try todoRows(list.id, patient: nil)
            return list.patientIds.map { patient in
                var handoff = byPatient[patient] ?? Handoff(patientId: patient)
                handoff.todos = todos[patient] ?? []
                return handoff
            }
        }
    }

    /// The to-dos of a list (or of one patient on it), numbered per patient in the order added.
    private func todoRows(_ listId: Int64, patient: String?) throws(StoreError) -> [String: [Todo]] {
        var todos: [String: [Todo]] = [:]
        let filter = patient == nil ? "" : " AND patient_id = ?"
        let values: [SQLValue] = [.int(listId)] + (patient.map { [SQLValue.text($0)] } ?? [])
        for row in try db.rows(
            "SELECT patient_id, id, text, owner, due, added_by, added_at, done_by, done_at FROM todos "
                + "WHERE list_id = ?\(filter) ORDER BY added_at, id", values)
        {
            guard let patient = row[0].string else { continue }
            let number = (todos[patient]?.count ?? 0) + 1
            todos[patient, default: []].append(
                Todo(
                    number: number, id: row[1].string ?? "", text: row[2].string ?? "", owner: row[3].string,
                    due: row[4].string, addedBy: row[5].string ?? "",
                    addedAt: Date(timeIntervalSince1970: row[6].double ?? 0), doneBy: row[7].string,
                    doneAt: row[8].double.map(Date.init(timeIntervalSince1970:))))
        }
        return todos
    }

    /// One patient's handoff on a list (the detail pane: two small queries, whatever the list's size).
    public func handoff(list name: String, patient: String) throws(StoreError) -> Handoff {
        let listId = try requireListId(name)
        return try locked { () throws(StoreError) -> Handoff in
            var handoff = Handoff(patientId: patient)
            if let row = try db.rows(
                "SELECT severity, summary, contingency, updated_by, updated_at, accepted_by, accepted_at "
                    + "FROM handoffs WHERE list_id = ? AND patient_id = ?", [.int(listId), .text(patient)]
            ).first {
                handoff = Handoff(
                    patientId: patient, severity: row[0].string.flatMap(Severity.init(rawValue:)),
                    summary: row[1].string, contingency: row[2].string, updatedBy: row[3].string,
                    updatedAt: row[4].double.map(Date.init(timeIntervalSince1970:)), acceptedBy: row[5].string,
                    acceptedAt: row[6].double.map(Date.init(timeIntervalSince1970:)))
            }
            handoff.todos = try todoRows(listId, patient: patient)[patient] ?? []
            return handoff
        }
    }

    /// Sets the fields `edit` gives of a patient's handoff on a list.
    public func setHandoff(list name: String, patient: String, _ edit: HandoffEdit, by author: String, at: Date)
        throws(StoreError)
    {
        let list = try requireMember(name, patient)
        try write {
            try ensureHandoffRow(list.id, patient)
            let fields: [(String, String?)] = [
                ("severity", edit.severity?.rawValue), ("summary", edit.summary), ("contingency", edit.contingency),
            ]
            for (column, value) in fields {
                guard let value else { continue }
                let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
                try db.run(
                    "UPDATE handoffs SET \(column) = ?, \(column)_at = ?, updated_by = ?, updated_at = ? "
                        + "WHERE list_id = ? AND patient_id = ? AND (\(column)_at IS NULL OR \(column)_at <= ?)",
                    [
                        text.isEmpty ? .null : .text(text), .from(at), .text(author), .from(at), .int(list.id),
                        .text(patient), .from(at),
                    ])
            }
        }
    }

    /// Adds a to-do (kept once, by `id`); its number is its place among the patient's, by the
    /// time it was added.
    @discardableResult
    public func addTodo(
        list name: String, patient: String, id: String, text: String, owner: String?, due: String?, by author: String,
        at: Date
    ) throws(StoreError) -> Todo {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw .conflict("A to-do needs some text.") }
        let list = try requireMember(name, patient)
        try write {
            try db.run(
                "INSERT OR IGNORE INTO todos(id, list_id, patient_id, text, owner, due, added_by, added_at) "
                    + "VALUES(?,?,?,?,?,?,?,?)",
                [
                    .text(id), .int(list.id), .text(patient), .text(body), .from(owner), .from(due), .text(author),
                    .from(at),
                ])
        }
        let mine = try locked { () throws(StoreError) -> [Todo] in
            try todoRows(list.id, patient: patient)[patient] ?? []
        }
        guard let todo = mine.first(where: { $0.id == id }) else {
            throw .notFound("The to-do just added is not there.")
        }
        return todo
    }

    /// Marks a to-do done (by whom, when) or not done; the later of two marks wins.
    public func setTodoDone(id: String, done: Bool, by author: String, at: Date) throws(StoreError) {
        try write {
            try db.run(
                "UPDATE todos SET done_by = ?, done_at = ?, state_at = ? "
                    + "WHERE id = ? AND (state_at IS NULL OR state_at <= ?)",
                [done ? .text(author) : .null, done ? .from(at) : .null, .from(at), .text(id), .from(at)])
        }
    }

    /// Records that `author` read and accepted the handoff of these patients on the list.
    public func acceptHandoff(list name: String, patients: [String], by author: String, at: Date) throws(StoreError) {
        let list = try requireList(name)
        let members = Set(list.patientIds)
        try write {
            for patient in patients where members.contains(patient) {
                try ensureHandoffRow(list.id, patient)
                try db.run(
                    "UPDATE handoffs SET accepted_by = ?, accepted_at = ? WHERE list_id = ? AND patient_id = ? "
                        + "AND (accepted_at IS NULL OR accepted_at <= ?)",
                    [.text(author), .from(at), .int(list.id), .text(patient), .from(at)])
            }
        }
        // Accepting the handoff is the team's review of the list: "since the last round" starts here.
        try markRound(list: name, by: author, at: at)
    }

    /// A list's row id by name (no member read), or a sentence saying it does not exist.
    func requireListId(_ name: String) throws(StoreError) -> Int64 {
        let id = try locked { () throws(StoreError) -> Int64? in
            try db.rows("SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [.text(name)]).first?.first?.int
        }
        guard let id else { throw .notFound("No list named '\(name)'. 'rounds list ls' shows the lists.") }
        return id
    }

    /// A list by name, or a sentence saying it does not exist.
    func requireList(_ name: String) throws(StoreError) -> PatientList {
        guard let list = try self.list(named: name) else {
            throw .notFound("No list named '\(name)'. 'rounds list ls' shows the lists.")
        }
        return list
    }

    private func requireMember(_ name: String, _ patient: String) throws(StoreError) -> PatientList {
        let list = try requireList(name)
        guard list.patientIds.contains(patient) else {
            throw .notFound("'\(patient)' is not on the list '\(list.name)'; the handoff is kept per list.")
        }
        return list
    }

    private func ensureHandoffRow(_ listId: Int64, _ patient: String) throws {
        try db.run(
            "INSERT OR IGNORE INTO handoffs(list_id, patient_id) VALUES(?, ?)", [.int(listId), .text(patient)])
    }
}
