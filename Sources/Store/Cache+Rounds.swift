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

    /// Each patient's snapshot of the list, with the round it was taken for. `briefOnly` (the list's
    /// rows) reads the brief and the whole payload only of a snapshot that has no brief.
    public func roundSnapshots(list name: String, briefOnly: Bool = false) throws(StoreError) -> [String:
        StoredRoundSnapshot]
    {
        let listId = try requireListId(name)
        let payload = briefOnly ? "CASE WHEN brief IS NULL THEN payload END" : "payload"
        return try locked { () throws(StoreError) -> [String: StoredRoundSnapshot] in
            var out: [String: StoredRoundSnapshot] = [:]
            for row in try db.rows(
                "SELECT patient_id, round_at, \(payload), brief FROM round_snapshots WHERE list_id = ?",
                [.int(listId)])
            {
                guard let id = row[0].string, let at = row[1].double else { continue }
                out[id] = StoredRoundSnapshot(
                    roundAt: Date(timeIntervalSince1970: at), payload: row[2].string, brief: row[3].string)
            }
            return out
        }
    }

    /// One patient's snapshot of the list, whole.
    public func roundSnapshot(list name: String, patient: String) throws(StoreError) -> StoredRoundSnapshot? {
        let listId = try requireListId(name)
        return try locked { () throws(StoreError) -> StoredRoundSnapshot? in
            guard
                let row = try db.rows(
                    "SELECT round_at, payload, brief FROM round_snapshots WHERE list_id = ? AND patient_id = ?",
                    [.int(listId), .text(patient)]
                ).first, let at = row[0].double
            else { return nil }
            return StoredRoundSnapshot(
                roundAt: Date(timeIntervalSince1970: at), payload: row[1].string, brief: row[2].string)
        }
    }

    /// Saves each patient's snapshot: its whole payload and its brief (what the list's row compares).
    public func saveRoundSnapshots(
        list name: String, roundAt: Date, _ snapshots: [String: (payload: String, brief: String)]
    ) throws(StoreError) {
        guard !snapshots.isEmpty else { return }
        let listId = try requireListId(name)
        try write {
            for (id, snapshot) in snapshots.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    """
                    INSERT INTO round_snapshots(list_id, patient_id, round_at, payload, brief) VALUES(?,?,?,?,?)
                    ON CONFLICT(list_id, patient_id) DO UPDATE
                    SET round_at = excluded.round_at, payload = excluded.payload, brief = excluded.brief
                    """,
                    [.int(listId), .text(id), .from(roundAt), .text(snapshot.payload), .text(snapshot.brief)])
            }
        }
    }
}

/// A patient's snapshot as kept: opaque to the store. `payload` is whole (`nil` when only the
/// brief was asked for and there is one); `brief` is the short form a list row compares (`nil`
/// for a snapshot saved before there was one).
public struct StoredRoundSnapshot: Sendable, Equatable {
    public var roundAt: Date
    public var payload: String?
    public var brief: String?

    public init(roundAt: Date, payload: String?, brief: String?) {
        self.roundAt = roundAt
        self.payload = payload
        self.brief = brief
    }
}
