import Foundation

extension Cache {
    /// Adds a note; the time is the cache's clock. `changeId` names a note that is the team's.
    @discardableResult
    public func addNote(
        patientId: String, author: String, text: String, changeId: UUID? = nil
    ) throws(StoreError) -> Note {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw .conflict("A note needs some text.") }
        let at = now()
        let change: SQLValue = changeId.map { .text($0.uuidString.lowercased()) } ?? .null
        let id = try write { () throws -> Int64 in
            try db.run(
                "INSERT INTO notes(patient_id, author, created_at, text, change_id) VALUES(?,?,?,?,?)",
                [.text(patientId), .text(author), .from(at), .text(body), change])
            return db.lastInsertRowID
        }
        return Note(id: id, patientId: patientId, author: author, createdAt: at, text: body, isTeams: changeId != nil)
    }

    /// A patient's notes, newest first.
    public func notes(patientId: String) throws(StoreError) -> [Note] {
        try locked { () throws(StoreError) -> [Note] in
            try db.rows(
                "SELECT id, author, created_at, text, change_id FROM notes WHERE patient_id = ? "
                    + "ORDER BY created_at DESC, id DESC",
                [.text(patientId)]
            ).map { row in
                Note(
                    id: row[0].int ?? 0, patientId: patientId, author: row[1].string ?? "",
                    createdAt: Date(timeIntervalSince1970: row[2].double ?? 0), text: row[3].string ?? "",
                    isTeams: row[4].string != nil)
            }
        }
    }

    /// Imports a note as written elsewhere (list import), keeping its author and time.
    public func importNote(_ n: Note) throws(StoreError) {
        try write {
            let dup = try db.rows(
                "SELECT 1 FROM notes WHERE patient_id = ? AND author = ? AND created_at = ? AND text = ?",
                [.text(n.patientId), .text(n.author), .from(n.createdAt), .text(n.text)])
            if dup.isEmpty {
                try db.run(
                    "INSERT INTO notes(patient_id, author, created_at, text) VALUES(?,?,?,?)",
                    [.text(n.patientId), .text(n.author), .from(n.createdAt), .text(n.text)])
            }
        }
    }
}
