import Foundation

extension Cache {
    /// Starts a sync run record (left unfinished if the process is killed).
    public func beginSyncRun(list: String?) throws(StoreError) -> Int64 {
        try write { () throws -> Int64 in
            try db.run("INSERT INTO sync_runs(started_at, list) VALUES(?,?)", [.from(now()), .from(list)])
            return db.lastInsertRowID
        }
    }

    /// What became of each patient of a batch, in one transaction (a write per patient cost a
    /// commit each while the next batch waited).
    public func recordSyncOutcomes(run: Int64, _ outcomes: [SyncOutcomeRow]) throws(StoreError) {
        guard !outcomes.isEmpty else { return }
        try write {
            for row in outcomes {
                try db.run(
                    "INSERT OR REPLACE INTO sync_outcomes(run_id, patient_id, outcome, reason) VALUES(?,?,?,?)",
                    [.int(run), .text(row.patientId), .text(row.outcome), .from(row.reason)])
            }
        }
    }

    public func finishSyncRun(_ run: Int64, synced: Int, unchanged: Int, failed: Int, interrupted: Bool)
        throws(StoreError)
    {
        try write {
            try db.run(
                "UPDATE sync_runs SET finished_at = ?, synced = ?, unchanged = ?, failed = ?, interrupted = ? WHERE "
                    + "id = ?",
                [
                    .from(now()), .int(Int64(synced)), .int(Int64(unchanged)), .int(Int64(failed)),
                    .int(interrupted ? 1 : 0), .int(run),
                ])
        }
    }

    /// The latest finished sync run.
    public func lastSyncRun() throws(StoreError) -> SyncRunRecord? {
        try locked { () throws(StoreError) -> SyncRunRecord? in
            guard
                let r = try db.rows(
                    "SELECT id, started_at, finished_at, list, synced, unchanged, failed, interrupted FROM sync_runs "
                        + "WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1"
                ).first
            else { return nil }
            return SyncRunRecord(
                id: r[0].int ?? 0, startedAt: Date(timeIntervalSince1970: r[1].double ?? 0),
                finishedAt: r[2].double.map(Date.init(timeIntervalSince1970:)),
                list: r[3].string, synced: Int(r[4].int ?? 0), unchanged: Int(r[5].int ?? 0),
                failed: Int(r[6].int ?? 0), interrupted: r[7].int == 1)
        }
    }
}
