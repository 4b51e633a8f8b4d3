import Foundation

/// A change waiting to be pushed to the team database.
public struct PendingTeamChange: Sendable, Equatable {
    public var seq: Int64
    public var changeId: String
    public var team: String
    public var kind: String
    /// JSON text.
    public var payload: String
    public var occurredAt: Date
}

extension Cache {
    /// Queues a change for the team; pushed in `seq` order.
    public func enqueueTeamChange(
        team: String, kind: String, payload: String, changeId: UUID = UUID(),
        at: Date? = nil
    ) throws(StoreError) {
        let when = at ?? now()
        try write { () throws in
            try db.run(
                "INSERT INTO team_outbox(change_id, team, kind, payload, occurred_at) VALUES(?,?,?,?,?)",
                [.text(changeId.uuidString.lowercased()), .text(team), .text(kind), .text(payload), .from(when)])
        }
    }

    /// The changes not yet pushed, oldest first.
    public func pendingTeamChanges(team: String, limit: Int = 500) throws(StoreError) -> [PendingTeamChange] {
        try locked { () throws(StoreError) -> [PendingTeamChange] in
            try db.rows(
                "SELECT seq, change_id, team, kind, payload, occurred_at FROM team_outbox "
                    + "WHERE team = ? ORDER BY seq LIMIT ?",
                [.text(team), .int(Int64(limit))]
            ).map { r in
                PendingTeamChange(
                    seq: r[0].int ?? 0, changeId: r[1].string ?? "", team: r[2].string ?? "", kind: r[3].string ?? "",
                    payload: r[4].string ?? "{}", occurredAt: Date(timeIntervalSince1970: r[5].double ?? 0))
            }
        }
    }

    public func pendingTeamChangeCount(team: String) throws(StoreError) -> Int {
        try locked { () throws(StoreError) -> Int in
            Int(try db.rows("SELECT count(*) FROM team_outbox WHERE team = ?", [.text(team)]).first?.first?.int ?? 0)
        }
    }

    /// Drops the changes the team database has, up to `seq` (after its commit: a crash before
    /// this line only means the next push sends them again, and the database ignores a change id
    /// it holds).
    public func removePendingTeamChanges(throughSeq seq: Int64, team: String) throws(StoreError) {
        try write { () throws in
            try db.run("DELETE FROM team_outbox WHERE seq <= ? AND team = ?", [.int(seq), .text(team)])
        }
    }

    public func teamState(_ key: String) throws(StoreError) -> String? {
        try locked { () throws(StoreError) -> String? in
            try db.rows("SELECT value FROM team_state WHERE key = ?", [.text(key)]).first?.first?.string
        }
    }

    public func setTeamState(_ key: String, _ value: String) throws(StoreError) {
        try write { () throws in
            try db.run(
                "INSERT INTO team_state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [.text(key), .text(value)])
        }
    }
}
