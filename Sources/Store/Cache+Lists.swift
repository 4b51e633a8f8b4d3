import Foundation

extension Cache {
    /// Every list in order, each with its patients in order.
    public func lists() throws(StoreError) -> [PatientList] {
        try locked { () throws(StoreError) -> [PatientList] in
            var members: [Int64: [String]] = [:]
            for r in try db.rows("SELECT list_id, patient_id FROM list_members ORDER BY list_id, position") {
                if let l = r[0].int, let p = r[1].string { members[l, default: []].append(p) }
            }
            return try db.rows(
                "SELECT id, name, position, is_default, columns, created_at FROM lists ORDER BY position, id"
            ).map { r throws(StoreError) in
                PatientList(
                    id: r[0].int ?? 0, name: r[1].string ?? "", position: Int(r[2].int ?? 0), isDefault: r[3].int == 1,
                    columns: try Cache.decode([String].self, r[4].string), patientIds: members[r[0].int ?? 0] ?? [],
                    createdAt: Date(timeIntervalSince1970: r[5].double ?? 0))
            }
        }
    }

    /// The list with this name (case-insensitive).
    public func list(named name: String) throws(StoreError) -> PatientList? {
        try lists().first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    func listId(_ name: String) throws(StoreError) -> Int64 {
        guard
            let id = try db.rows("SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [.text(name)]).first?.first?.int
        else {
            throw .notFound("No list named '\(name)'. 'rounds list ls' shows the lists.")
        }
        return id
    }

    /// Creates a list at the end; the first list becomes the default.
    @discardableResult
    public func createList(_ name: String, columns: [String]) throws(StoreError) -> PatientList {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .conflict("A list needs a name.") }
        try write {
            if try !db.rows("SELECT 1 FROM lists WHERE name = ? COLLATE NOCASE", [.text(trimmed)]).isEmpty {
                throw StoreError.conflict("A list named '\(trimmed)' already exists.")
            }
            let count = try db.rows("SELECT count(*) FROM lists").first?.first?.int ?? 0
            try db.run(
                "INSERT INTO lists(name, position, is_default, columns, created_at) VALUES(?,?,?,?,?)",
                [.text(trimmed), .int(count), .int(count == 0 ? 1 : 0), .text(try Cache.json(columns)), .from(now())])
        }
        guard let l = try list(named: trimmed) else { throw .notFound("List '\(trimmed)' vanished.") }
        return l
    }

    public func renameList(_ old: String, to new: String) throws(StoreError) {
        let trimmed = new.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .conflict("A list needs a name.") }
        try write {
            let id = try listId(old)
            if let other = try db.rows("SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [.text(trimmed)]).first?
                .first?.int, other != id
            {
                throw StoreError.conflict("A list named '\(trimmed)' already exists.")
            }
            try db.run("UPDATE lists SET name = ? WHERE id = ?", [.text(trimmed), .int(id)])
        }
    }

    /// Deletes a list; its patients stay cached (purge decides what no list needs).
    public func deleteList(_ name: String) throws(StoreError) {
        try write {
            let id = try listId(name)
            let wasDefault = try db.rows("SELECT is_default FROM lists WHERE id = ?", [.int(id)]).first?.first?.int == 1
            try db.run("DELETE FROM lists WHERE id = ?", [.int(id)])
            if wasDefault {
                try db.run(
                    "UPDATE lists SET is_default = 1 WHERE id = (SELECT id FROM lists ORDER BY position, id LIMIT 1)")
            }
        }
    }

    public func setDefaultList(_ name: String) throws(StoreError) {
        try write {
            let id = try listId(name)
            try db.run("UPDATE lists SET is_default = (id = ?)", [.int(id)])
        }
    }

    /// Appends patients not yet on the list; returns the ids actually added.
    @discardableResult
    public func addPatients(_ ids: [String], to name: String) throws(StoreError) -> [String] {
        try write { () throws -> [String] in
            let id = try listId(name)
            var next =
                try db.rows("SELECT coalesce(max(position) + 1, 0) FROM list_members WHERE list_id = ?", [.int(id)])
                .first?.first?.int ?? 0
            var added: [String] = []
            for p in ids
            where try db.rows("SELECT 1 FROM list_members WHERE list_id = ? AND patient_id = ?", [.int(id), .text(p)])
                .isEmpty
            {
                try db.run(
                    "INSERT INTO list_members(list_id, patient_id, position, added_at) VALUES(?,?,?,?)",
                    [.int(id), .text(p), .int(next), .from(now())])
                next += 1
                added.append(p)
            }
            return added
        }
    }

    @discardableResult
    public func removePatients(_ ids: [String], from name: String) throws(StoreError) -> [String] {
        try write { () throws -> [String] in
            let id = try listId(name)
            var removed: [String] = []
            for p in ids {
                try db.run("DELETE FROM list_members WHERE list_id = ? AND patient_id = ?", [.int(id), .text(p)])
                if db.changes > 0 { removed.append(p) }
            }
            try renumber(id)
            return removed
        }
    }

    /// Moves a patient to a 1-based position in the list.
    public func movePatient(_ patient: String, in name: String, to position: Int) throws(StoreError) {
        try write {
            let id = try listId(name)
            var order = try db.rows(
                "SELECT patient_id FROM list_members WHERE list_id = ? ORDER BY position", [.int(id)]
            ).compactMap { $0[0].string }
            guard let from = order.firstIndex(of: patient) else {
                throw StoreError.notFound("Patient '\(patient)' is not on '\(name)'.")
            }
            order.remove(at: from)
            order.insert(patient, at: max(0, min(order.count, position - 1)))
            for (k, p) in order.enumerated() {
                try db.run(
                    "UPDATE list_members SET position = ? WHERE list_id = ? AND patient_id = ?",
                    [.int(Int64(k)), .int(id), .text(p)])
            }
        }
    }

    private func renumber(_ id: Int64) throws {
        let order = try db.rows("SELECT patient_id FROM list_members WHERE list_id = ? ORDER BY position", [.int(id)])
            .compactMap { $0[0].string }
        for (k, p) in order.enumerated() {
            try db.run(
                "UPDATE list_members SET position = ? WHERE list_id = ? AND patient_id = ?",
                [.int(Int64(k)), .int(id), .text(p)])
        }
    }

    public func setColumns(_ columns: [String], for name: String) throws(StoreError) {
        try write {
            let id = try listId(name)
            try db.run("UPDATE lists SET columns = ? WHERE id = ?", [.text(try Cache.json(columns)), .int(id)])
        }
    }

    /// Every patient on any list.
    public func listedPatientIds() throws(StoreError) -> Set<String> {
        try locked { () throws(StoreError) -> Set<String> in
            Set(try db.rows("SELECT DISTINCT patient_id FROM list_members").compactMap { $0[0].string })
        }
    }

    /// Removes cached patients no list needs (and, with `olderThan`, only those fetched before it):
    /// their sections, notes, settings and index rows. Returns how many were removed.
    @discardableResult
    public func purge(olderThan cutoff: Date? = nil) throws(StoreError) -> Int {
        try write { () throws -> Int in
            var sql = "SELECT id, rowid FROM patients WHERE id NOT IN (SELECT patient_id FROM list_members)"
            var values: [SQLValue] = []
            if let cutoff {
                sql += " AND fetched_at < ?"
                values.append(.from(cutoff))
            }
            let doomed = try db.rows(sql, values)
            for r in doomed {
                guard let id = r[0].string, let rowid = r[1].int else { continue }
                try db.run("DELETE FROM patient_names WHERE rowid = ?", [.int(rowid)])
                try db.run("DELETE FROM notes WHERE patient_id = ?", [.text(id)])
                try db.run("DELETE FROM patient_settings WHERE patient_id = ?", [.text(id)])
                try db.run("DELETE FROM patients WHERE id = ?", [.text(id)])
            }
            return doomed.count
        }
    }
}
