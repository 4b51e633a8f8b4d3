import Clinical
import Foundation
import JSONKit
import RoundsCore
import Store

/// `rounds list ls|show|create|rename|delete|default|add|remove|move|columns|export|import …`
enum ListCommand {
    static func run(_ words: [String]) async throws -> Int32 {
        guard let verb = words.first else {
            throw UsageError(
                message:
                    "list needs one of ls, show, create, rename, delete, default, add, remove, move, columns, export, "
                    + "import"
            )
        }
        let rest = Array(words.dropFirst())
        let a = try Arguments(
            rest, valued: ["--to", "--sort", "--set", "--columns", "--output", "--as"],
            flags: ["--json", "--yes", "--overwrite"])
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        let cache = ws.cache
        // Lists, patients and notes are the team's once a team database is connected.
        let store = ws.teamStore
        // The team's changes are fetched while a read (ls, show) reads the local copy; every other
        // verb waits for them first.
        let exchange = TeamSync.startExchange(ws)
        func exchanged() -> Bool {
            let (messages, arrived) = exchange.wait()
            for message in messages { Output.err("team: \(message)") }
            return arrived
        }
        if verb != "ls" && verb != "show" { _ = exchanged() }
        func need(_ n: Int, _ usage: String) throws {
            guard a.positionals.count >= n else { throw UsageError(message: "usage: rounds list \(usage)") }
        }
        func audit(_ operation: AuditOperation, _ list: String?, _ patients: [String] = []) {
            AuditHook.record(
                ctx, operation, connection: ws.connection, patients: patients, list: list, outcome: "success")
        }
        switch verb {
        case "ls":
            _ = exchanged()
            let lists = try cache.lists()
            if a.has("--json") {
                try Output.json(
                    lists.map {
                        LsRow(
                            name: $0.name, patients: $0.patientIds.count, isDefault: $0.isDefault, columns: $0.columns)
                    })
            } else if lists.isEmpty {
                Output.out("No lists yet. Create one with: rounds list create NAME")
            } else {
                var t = TextTable(headers: ["", "List", "Patients", "Columns"])
                for l in lists {
                    t.rows.append([
                        l.isDefault ? "*" : "", l.name, String(l.patientIds.count), l.columns.joined(separator: ","),
                    ])
                }
                Output.out(t.render())
            }
        case "show":
            try need(1, "show NAME [--sort COLUMN[-]] [--json]")
            func read() throws -> (PatientList, [ListRow])? {
                guard let list = try cache.list(named: a.positionals[0]) else { return nil }
                return (list, try ListBuilder.rows(list, cache: cache, now: Date(), staleAfter: ctx.staleAfter))
            }
            var shown = try read()
            if exchanged() { shown = try read() }
            guard let (list, rows) = shown else { throw CLIError("No list named '\(a.positionals[0])'.") }
            let sort = try a.value("--sort").map(ListBuilder.parseSort) ?? ListBuilder.defaultSort(list)
            // Recorded before the rows are shown; its copy for the team goes while they print.
            audit(.patientListView, list.name, list.patientIds)
            if ws.team != nil { TeamSync.startPush(ws) }
            try ListShow.print(list, rows: rows, sort: sort, json: a.has("--json"))
        case "share":
            try need(1, "share NAME")
            let newlyShared = try TeamSync.share(a.positionals[0], workspace: ws)
            let pushed = TeamSync.exchange(ws)
            for message in pushed { Output.err("team: \(message)") }
            let pending = try ws.team.map { try cache.pendingTeamChangeCount(team: $0.team) } ?? 0
            let waiting = pending > 0 ? " (\(pending) changes wait for the team database)." : "."
            if newlyShared {
                Output.out("Shared '\(a.positionals[0])' with team '\(ws.team?.team ?? "?")'\(waiting)")
            } else {
                Output.out("'\(a.positionals[0])' is team '\(ws.team?.team ?? "?")''s list already\(waiting)")
            }
        case "create":
            try need(1, "create NAME [--columns col,col,…]")
            let cols = try a.value("--columns").map(Column.parse) ?? Column.defaults
            let l = try store.createList(a.positionals[0], columns: cols.map(\.rawValue))
            audit(.patientListCreate, l.name)
            Output.out("Created list '\(l.name)'\(l.isDefault ? " (default)" : "").")
        case "rename":
            try need(2, "rename OLD NEW")
            try store.renameList(a.positionals[0], to: a.positionals[1])
            audit(.patientListRename, a.positionals[1])
            Output.out("Renamed '\(a.positionals[0])' to '\(a.positionals[1])'.")
        case "delete":
            try need(1, "delete NAME [--yes]")
            guard let l = try cache.list(named: a.positionals[0]) else {
                throw CLIError("No list named '\(a.positionals[0])'.")
            }
            if !a.has("--yes") {
                guard isatty(0) == 1 else { throw CLIError("Deleting '\(l.name)' needs --yes when not on a terminal.") }
                FileHandle.standardError.write(
                    Data(
                        ("Delete list '\(l.name)' with \(l.patientIds.count) patients? Cached data of patients on "
                            + "other lists is kept. [y/N] ").utf8))
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    Output.out("Kept '\(l.name)'.")
                    return 0
                }
            }
            try store.deleteList(l.name)
            audit(.patientListDelete, l.name, l.patientIds)
            Output.out("Deleted list '\(l.name)'. Run 'rounds cache purge' to remove cached data no list needs.")
        case "default":
            try need(1, "default NAME")
            try store.setDefaultList(a.positionals[0])
            audit(.patientListDefaultSet, a.positionals[0])
            Output.out("'\(a.positionals[0])' opens first.")
        case "add":
            try need(2, "add NAME ID…")
            let name = a.positionals[0]
            let ids = Array(a.positionals.dropFirst())
            guard try cache.list(named: name) != nil else { throw CLIError("No list named '\(name)'.") }
            // Fetch all first: an unknown id adds nothing.
            let conn = try await ctx.connect(ws.connection)
            var records: [PatientRecord] = []
            for id in ids { records.append(try await conn.patientRecord(id: id)) }
            for r in records { try cache.save(r) }
            let added = try store.addPatients(ids, to: name)
            audit(.patientListAddPatient, name, added)
            Output.out(
                "Added \(added.count) to "
                    + "'\(name)'\(added.count < ids.count ? " (\(ids.count - added.count) already there)" : "")."
            )
        case "remove":
            try need(2, "remove NAME ID…")
            let removed = try store.removePatients(Array(a.positionals.dropFirst()), from: a.positionals[0])
            audit(.patientListRemovePatient, a.positionals[0], removed)
            Output.out("Removed \(removed.count) from '\(a.positionals[0])'.")
        case "move":
            try need(2, "move NAME ID --to POS")
            guard let pos = try a.int("--to") else {
                throw UsageError(message: "move needs --to POSITION (1 is the top)")
            }
            try store.movePatient(a.positionals[1], in: a.positionals[0], to: pos)
            audit(.patientListReorder, a.positionals[0], [a.positionals[1]])
            Output.out("Moved '\(a.positionals[1])' to position \(pos) in '\(a.positionals[0])'.")
        case "columns":
            try need(1, "columns NAME [--set col,col,…]")
            guard let l = try cache.list(named: a.positionals[0]) else {
                throw CLIError("No list named '\(a.positionals[0])'.")
            }
            if let set = a.value("--set") {
                let cols = try Column.parse(set)
                guard !cols.isEmpty else { throw UsageError(message: "--set needs at least one column") }
                try store.setColumns(cols.map(\.rawValue), for: l.name)
                audit(.patientListEditColumns, l.name)
                Output.out("Columns of '\(l.name)': \(cols.map(\.rawValue).joined(separator: ","))")
            } else {
                Output.out(ListBuilder.columns(l).map(\.rawValue).joined(separator: ","))
                Output.out("available: \(Column.allCases.map(\.rawValue).joined(separator: ","))")
            }
        case "export":
            try need(1, "export NAME [--output FILE]")
            guard let l = try cache.list(named: a.positionals[0]) else {
                throw CLIError("No list named '\(a.positionals[0])'.")
            }
            let data = try JSONEncoder.rounds.encode(try ListTransfer.export(l, cache: cache))
            if let out = a.value("--output") {
                try AtomicFile.checkExportTarget(out, overwrite: a.has("--overwrite"))
                try AtomicFile.write(data, to: out)
                Output.err("Wrote '\(out)' (0600). It holds patient ids and notes: handle it as PHI.")
            } else {
                Output.raw(data)
            }
            audit(.exportInitiation, l.name, l.patientIds)
        case "import":
            try need(1, "import FILE [--as NAME]")
            guard let data = FileManager.default.contents(atPath: a.positionals[0]) else {
                throw CLIError("Cannot read '\(a.positionals[0])'.")
            }
            let t = try ListTransfer.decode(data)
            let l = try t.apply(to: cache, as: a.value("--as"), importer: ctx.settings.author)
            audit(.patientListCreate, l.name, l.patientIds)
            let withNotes = t.patients.filter { !$0.notes.isEmpty }.map(\.id)
            if !withNotes.isEmpty { audit(.patientNoteAdd, l.name, withNotes) }
            Output.out(
                "Imported '\(l.name)' with \(l.patientIds.count) patients. Run 'rounds sync --list \"\(l.name)\"' to "
                    + "fetch their data."
            )
        default:
            throw UsageError(message: "unknown list command '\(verb)'")
        }
        return 0
    }

    struct LsRow: Encodable {
        let name: String
        let patients: Int
        let isDefault: Bool
        let columns: [String]
    }
}

/// A tiny JSON value for ad-hoc `--json` shapes.
indirect enum JSONish: Encodable {
    case s(String)
    case n(Double)
    case b(Bool)
    case a([JSONish])
    case o([String: JSONish])
    case null
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .s(let v): try c.encode(v)
        case .n(let v): try c.encode(v)
        case .b(let v): try c.encode(v)
        case .a(let v): try c.encode(v)
        case .o(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }
}
