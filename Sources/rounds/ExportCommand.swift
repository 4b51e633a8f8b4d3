import Foundation
import RoundsCore
import Store

/// `rounds export LIST --format csv|md|json [--output FILE [--overwrite]]`
enum ExportCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let a = try Arguments(words, valued: ["--format", "--output", "--sort"], flags: ["--overwrite"])
        guard a.positionals.count == 1 else { throw UsageError(message: "export needs a LIST") }
        guard let format = ListExport.Format(rawValue: a.value("--format") ?? "csv") else { throw UsageError(message: "--format is csv, md or json") }
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        guard let list = try ws.cache.list(named: a.positionals[0]) else { throw CLIError("No list named '\(a.positionals[0])'.") }
        let now = Date()
        var rows = try ListBuilder.rows(list, cache: ws.cache, now: now, staleAfter: ctx.staleAfter)
        if let (c, d) = try a.value("--sort").map(ListBuilder.parseSort) ?? ListBuilder.defaultSort(list) { rows = ListBuilder.sort(rows, by: c, descending: d, now: now) }
        let data = ListExport.render(listName: list.name, columns: ListBuilder.columns(list), rows: rows, format: format, now: now)
        try? AuditHook.record(ctx, operation: "ExportInitiation", connection: ws.connection, patients: list.patientIds, list: list.name, outcome: "success")
        if let out = a.value("--output") {
            try AtomicFile.checkExportTarget(out, overwrite: a.has("--overwrite"))
            try AtomicFile.write(data, to: out)
            Output.err("Wrote \(rows.count) patients to '\(out)' (mode 0600). This file holds PHI: store and share it as your policy requires, and delete it when done.")
        } else {
            FileHandle.standardOutput.write(data)
            Output.err("This output holds PHI.")
        }
        return 0
    }
}

/// `rounds audit [--since DATE] [--patient ID] [--operation OP] [--json] [--verify]`
enum AuditCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let a = try Arguments(words, valued: ["--since", "--patient", "--operation"], flags: ["--json", "--verify"])
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
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
            guard let d = FHIRDateOrDay.parse(s) else { throw UsageError(message: "--since takes YYYY-MM-DD or an ISO date-time") }
            since = d
        }
        let records = try ws.cache.auditRecords(since: since, patient: a.value("--patient"), operation: a.value("--operation"))
        if a.has("--json") {
            let e = JSONEncoder.rounds
            Output.raw(try e.encode(records))
        } else {
            var t = TextTable(headers: ["#", "Time", "User", "Operation", "Patients", "List", "Outcome"])
            for r in records {
                t.rows.append([String(r.id), Age.stamp(r.time), r.displayName.map { "\($0) (\(r.osUser))" } ?? r.osUser, r.operation,
                               r.patientIds.count > 3 ? "\(r.patientIds.prefix(3).joined(separator: ",")) +\(r.patientIds.count - 3)" : r.patientIds.joined(separator: ","),
                               r.list ?? "", r.outcome])
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
import Clinical
