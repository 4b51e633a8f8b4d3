import Foundation
import JSONKit

/// One record of a team's audit trail, as the database stamped and chained it.
public struct TeamAuditRecord: Codable, Sendable, Equatable {
    public var seq: Int64
    public var actor: String
    public var recordedAt: String
    public var occurredAt: String?
    public var operation: String
    public var patientIds: [String]
    public var list: String?
    public var outcome: String
    public var prevHash: String
    public var hash: String
}

/// What walking a team's chain found.
public struct TeamAuditVerification: Sendable, Equatable, CustomStringConvertible {
    public var records: Int
    public var firstBroken: (seq: Int64, reason: String)?
    public var ok: Bool { firstBroken == nil }

    public static func == (a: TeamAuditVerification, b: TeamAuditVerification) -> Bool {
        a.records == b.records && a.firstBroken?.seq == b.firstBroken?.seq
            && a.firstBroken?.reason == b.firstBroken?.reason
    }

    public var description: String {
        firstBroken.map { "broken at record \($0.seq): \($0.reason)" } ?? "intact: \(records) records"
    }
}

/// The team's audit trail of record: append-only for nurse roles, stamped with `current_user`
/// and chained by SHA-256 in the database itself (see `TeamSchema`).
public enum TeamAudit {
    /// Appends one record; a `changeId` already recorded (a push repeated after a crash) adds nothing.
    public static func append(
        _ db: TeamDatabase, team: String, operation: String, patientIds: [String], list: String?,
        outcome: String, occurredAt: Date, changeId: UUID
    ) throws(TeamDatabaseError) {
        let ids = JSONValue.array(patientIds.map(JSONValue.string)).serialized
        try db.execute(
            """
            INSERT INTO rounds_audit(team, change_id, occurred_at, operation, patient_ids, list, outcome)
            VALUES ($1, $2, $3, $4, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6, $7)
            ON CONFLICT (change_id) DO NOTHING
            """, [team, changeId.uuidString, TeamTime.text(occurredAt), operation, ids, list, outcome])
    }

    static let columns = """
        seq, actor, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), operation,
        array_to_json(patient_ids)::text, list, outcome, prev_hash, hash
        """

    public static func records(_ db: TeamDatabase, team: String) throws(TeamDatabaseError) -> [TeamAuditRecord] {
        try db.execute("SELECT \(columns) FROM rounds_audit WHERE team = $1 ORDER BY seq", [team]).map(record)
    }

    /// Each record's hash recomputed by the database's own function, and each link to the one before.
    public static func verify(_ db: TeamDatabase, team: String) throws(TeamDatabaseError) -> TeamAuditVerification {
        let rows = try db.execute(
            """
            SELECT seq, prev_hash, hash, rounds_audit_hash(prev_hash, team, actor, recorded_at, occurred_at, operation,
                                                           patient_ids, list, outcome)
            FROM rounds_audit WHERE team = $1 ORDER BY seq
            """, [team])
        var previous = String(repeating: "0", count: 64)
        for row in rows {
            let seq = Int64(row[0] ?? "") ?? 0
            if row[1] != previous {
                return TeamAuditVerification(
                    records: rows.count,
                    firstBroken: (seq, "does not link to the record before it (a record was deleted)"))
            }
            if row[2] != row[3] {
                return TeamAuditVerification(
                    records: rows.count, firstBroken: (seq, "content does not match its hash (edited)"))
            }
            previous = row[2] ?? ""
        }
        return TeamAuditVerification(records: rows.count, firstBroken: nil)
    }

    static func record(_ row: [String?]) -> TeamAuditRecord {
        let ids = (try? JSONParser.parse(row[5] ?? "[]"))?.array?.compactMap(\.string) ?? []
        return TeamAuditRecord(
            seq: Int64(row[0] ?? "") ?? 0, actor: row[1] ?? "", recordedAt: row[2] ?? "", occurredAt: row[3],
            operation: row[4] ?? "", patientIds: ids, list: row[6], outcome: row[7] ?? "",
            prevHash: row[8] ?? "", hash: row[9] ?? "")
    }
}

/// Instants as the team database takes them (ISO 8601, UTC, milliseconds).
public enum TeamTime {
    public static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
