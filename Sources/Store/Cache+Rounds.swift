import Foundation

/// The last round of a list and, per patient, what the cache held at it (an opaque payload the
/// core writes and reads), so the team sees what changed since.
extension Cache {
    /// The list's last round: when and by whom (the later of two marks is kept).
    public func lastRound(list name: String) throws(StoreError) -> (at: Date, by: String)? {
        let listId = try requireListId(name)
        return try locked { () throws(StoreError) -> (at: Date, by: String)? in
            guard
                let row = try db.rows("SELECT marked_at, marked_by FROM list_rounds WHERE list_id = ?", [.int(listId)])
                    .first, let at = row[0].double
            else { return nil }
            return (Date(timeIntervalSince1970: at), row[1].string ?? "")
        }
    }

    public func markRound(list name: String, by author: String, at: Date) throws(StoreError) {
        let listId = try requireListId(name)
        try write {
            try db.run(
                """
                INSERT INTO list_rounds(list_id, marked_at, marked_by) VALUES(?,?,?)
                ON CONFLICT(list_id) DO UPDATE SET marked_at = excluded.marked_at, marked_by = excluded.marked_by
                WHERE excluded.marked_at >= list_rounds.marked_at
                """, [.int(listId), .from(at), .text(author)])
        }
    }

    /// Each patient's snapshot of the list, with the round it was taken for.
    public func roundSnapshots(list name: String) throws(StoreError) -> [String: (roundAt: Date, payload: String)] {
        let listId = try requireListId(name)
        return try locked { () throws(StoreError) -> [String: (roundAt: Date, payload: String)] in
            var out: [String: (roundAt: Date, payload: String)] = [:]
            for row in try db.rows(
                "SELECT patient_id, round_at, payload FROM round_snapshots WHERE list_id = ?", [.int(listId)])
            {
                guard let id = row[0].string, let at = row[1].double, let payload = row[2].string else { continue }
                out[id] = (Date(timeIntervalSince1970: at), payload)
            }
            return out
        }
    }

    /// One patient's snapshot of the list.
    public func roundSnapshot(list name: String, patient: String) throws(StoreError) -> (
        roundAt: Date, payload: String
    )? {
        let listId = try requireListId(name)
        return try locked { () throws(StoreError) -> (roundAt: Date, payload: String)? in
            guard
                let row = try db.rows(
                    "SELECT round_at, payload FROM round_snapshots WHERE list_id = ? AND patient_id = ?",
                    [.int(listId), .text(patient)]
                ).first, let at = row[0].double, let payload = row[1].string
            else { return nil }
            return (Date(timeIntervalSince1970: at), payload)
        }
    }

    public func saveRoundSnapshots(list name: String, roundAt: Date, _ payloads: [String: String]) throws(StoreError) {
        guard !payloads.isEmpty else { return }
        let listId = try requireListId(name)
        try write {
            for (id, payload) in payloads.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    """
                    INSERT INTO round_snapshots(list_id, patient_id, round_at, payload) VALUES(?,?,?,?)
                    ON CONFLICT(list_id, patient_id) DO UPDATE
                    SET round_at = excluded.round_at, payload = excluded.payload
                    """, [.int(listId), .text(id), .from(roundAt), .text(payload)])
            }
        }
    }
}
