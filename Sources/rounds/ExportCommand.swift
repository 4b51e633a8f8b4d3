import Foundation
import RoundsCore
import Store

/// `rounds export LIST --format csv|md|json|html [--output FILE [--overwrite]] [--masked]`
enum ExportCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let a = try Arguments(words, valued: ["--format", "--output", "--sort"], flags: ["--overwrite", "--masked"])
        guard a.positionals.count == 1 else { throw UsageError(message: "export needs a LIST") }
        guard let format = ListExport.Format(rawValue: a.value("--format") ?? "csv") else {
            throw UsageError(message: "--format is csv, md, json or html")
        }
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        for message in TeamSync.exchange(ws) { Output.err("team: \(message)") }
        guard let list = try ws.cache.list(named: a.positionals[0]) else {
            throw CLIError("No list named '\(a.positionals[0])'.")
        }
        let now = Date()
        var rows = try ListBuilder.rows(list, cache: ws.cache, now: now, staleAfter: ctx.staleAfter)
        if let (c, d) = try a.value("--sort").map(ListBuilder.parseSort) ?? ListBuilder.defaultSort(list) {
            rows = ListBuilder.sort(rows, by: c, descending: d, now: now)
        }
        let handoffs = Dictionary(
            try ws.teamStore.handoffs(list: list.name).map { ($0.patientId, $0) },
            uniquingKeysWith: { first, _ in first })
        let printedBy = ctx.settings.displayName ?? NSUserName()
        let data = ListExport.render(
            listName: list.name, columns: ListBuilder.columns(list), rows: rows, format: format, now: now,
            handoffs: handoffs, printedBy: printedBy, masked: a.has("--masked"))
        AuditHook.record(
            ctx, .exportInitiation, connection: ws.connection, patients: list.patientIds, list: list.name,
            outcome: "success")
        if let out = a.value("--output") {
            try AtomicFile.checkExportTarget(out, overwrite: a.has("--overwrite"))
            try AtomicFile.write(data, to: out)
            Output.err(
                "Wrote \(rows.count) patients to '\(out)' (mode 0600). This file holds PHI: store and share it as "
                    + "your policy requires, and delete it when done."
            )
        } else {
            FileHandle.standardOutput.write(data)
            Output.err("This output holds PHI.")
        }
        return 0
    }
}
