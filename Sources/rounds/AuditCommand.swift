import Clinical
import Foundation
import RoundsCore
import Store

/// `rounds audit [--since DATE] [--patient ID] [--operation OP] [--json] [--verify]`, and with
/// `--team` the team database's trail of record (`[--json] [--verify]`).
enum AuditCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let a = try Arguments(
            words, valued: ["--since", "--patient", "--operation"], flags: ["--json", "--verify", "--team"])
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        if a.has("--team") { return try team(ws, json: a.has("--json"), verify: a.has("--verify")) }
        if a.has("--verify") {
            let v = try ws.cache.verifyAudit()
            if let b = v.firstBroken {
                Output.err("rounds: audit trail broken at record \(b.id): \(b.reason).")
                return 1
            }
            Output.out("Audit trail intact: \(v.records) records, each hash verified and chained.")
            return 0
        }
        var since: Date? = nil
        if let s = a.value("--since") {
            guard let d = FHIRDateOrDay.parse(s) else {
                throw UsageError(message: "--since takes YYYY-MM-DD or an ISO date-time")
            }
            since = d
        }
        let records = try ws.cache.auditRecords(
            since: since, patient: a.value("--patient"), operation: a.value("--operation"))
        if a.has("--json") {
            let e = JSONEncoder.rounds
            Output.raw(try e.encode(records))
        } else {
            var t = TextTable(headers: ["#", "Time", "User", "Operation", "Patients", "List", "Outcome"])
            for r in records {
                t.rows.append([
                    String(r.id), Age.stamp(r.time), r.displayName.map { "\($0) (\(r.osUser))" } ?? r.osUser,
                    r.operation,
                    r.patientIds.count > 3
                        ? "\(r.patientIds.prefix(3).joined(separator: ",")) +\(r.patientIds.count - 3)"
                        : r.patientIds.joined(separator: ","),
                    r.list ?? "", r.outcome,
                ])
            }
            Output.out(t.render())
        }
        return 0
    }
}

enum FHIRDateOrDay {
    static func parse(_ s: String) -> Date? {
        let d = Clinical.FHIRDate(s)
        return d.precision == .unparsed ? nil : d.instant
    }
}

extension AuditCommand {
    /// The team's trail: pending records pushed first, then read (and walked) from the database.
    static func team(_ ws: Workspace, json: Bool, verify: Bool) throws -> Int32 {
        guard let connection = ws.team else {
            throw CLIError("No team database is connected: 'rounds team connect URL --team NAME' first.")
        }
        let db = try connection.open()
        try TeamAdmin.checkMembership(db, team: connection.team)
        try TeamSync.push(ws, database: db)
        if verify {
            let result = try TeamAudit.verify(db, team: connection.team)
            if let broken = result.firstBroken {
                Output.err("rounds: the team's audit trail is broken at record \(broken.seq): \(broken.reason).")
                return 1
            }
            Output.out(
                "Team '\(connection.team)' audit trail intact: \(result.records) records, each hash verified by the "
                    + "database and chained."
            )
            return 0
        }
        let records = try TeamAudit.records(db, team: connection.team)
        if json {
            Output.raw(try JSONEncoder.rounds.encode(records))
            return 0
        }
        var table = TextTable(headers: ["#", "Time", "Role", "Operation", "Patients", "List", "Outcome"])
        for r in records {
            table.rows.append([
                String(r.seq), r.occurredAt ?? r.recordedAt, r.actor, r.operation,
                r.patientIds.joined(separator: ","), r.list ?? "", r.outcome,
            ])
        }
        Output.out(table.render())
        return 0
    }
}
