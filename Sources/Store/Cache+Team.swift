import Foundation

extension Cache {
    /// The team's id of a shared list, or `nil` for a list of this workstation only.
    public func teamListId(of name: String) throws(StoreError) -> String? {
        try locked { () throws(StoreError) -> String? in
            try db.rows("SELECT team_list_id FROM lists WHERE name = ?", [.text(name)]).first?.first?.string
        }
    }

    /// The name of the local list that is the team's list `id`.
    public func listName(teamListId id: String) throws(StoreError) -> String? {
        try locked { () throws(StoreError) -> String? in
            try db.rows("SELECT name FROM lists WHERE team_list_id = ?", [.text(id)]).first?.first?.string
        }
    }

    public func setTeamListId(_ id: String, for name: String) throws(StoreError) {
        try write { () throws in
            try db.run("UPDATE lists SET team_list_id = ? WHERE name = ?", [.text(id), .text(name)])
        }
    }

    /// A note as the team recorded it (author role, time); one whose change is already here is not added twice.
    public func addTeamNote(
        patientId: String, author: String, text: String, createdAt: Date, changeId: String
    ) throws(StoreError) {
        try write { () throws in
            try db.run(
                "INSERT OR IGNORE INTO notes(patient_id, author, created_at, text, change_id) VALUES(?,?,?,?,?)",
                [.text(patientId), .text(author), .from(createdAt), .text(text), .text(changeId)])
        }
    }
}
