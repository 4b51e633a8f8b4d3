import Foundation
import Clinical
import RoundsCore
import Store
import TUI
import FHIRClient

/// `rounds --plain`: no full-screen drawing; plain lines a screen reader can follow, and a prompt.
enum PlainMode {
    static func run(env: TUIEnvironment, ctx: CLIContext) async throws -> Int32 {
        let cache = env.workspace.cache
        let trail = AuditTrail(cache: cache, connection: env.workspace.connection, settings: env.workspace.settings)
        var current = try cache.lists().first(where: \.isDefault) ?? cache.lists().first
        var rows: [ListRow] = []
        var conn: FHIRConnection? = nil
        do { conn = try await env.connect(); Output.out("Connected to \(env.workspace.connection.name) (\(conn!.release.rawValue), tenant \(env.workspace.connection.tenant)).") } catch {
            Output.out(env.workspace.offlineBanner() + " — \("\(error)")")
        }
        func showList() throws {
            guard let l = current else { Output.out("No lists. Type: create NAME"); return }
            rows = try ListBuilder.rows(l, cache: cache, staleAfter: env.staleAfter)
            if let (c, d) = ListBuilder.defaultSort(l) { rows = ListBuilder.sort(rows, by: c, descending: d) }
            try? trail.record(.patientListView, patients: l.patientIds, list: l.name)
            Output.out("List \(l.name), \(rows.count) patients:")
            let cols = ListBuilder.columns(l)
            for (k, r) in rows.enumerated() {
                // Words, not symbols, for a screen reader: "NEWS2 15 HIGH", "HR 129 abnormal".
                Output.out("\(k + 1). " + cols.map { c in
                    if c == .news2 { return r.news2?.summary ?? "NEWS2 unknown" }
                    let v = c.value(r)
                    return "\(c.title) \(v.text)\(v.abnormal && c != .allergies ? " abnormal" : "")"
                }.joined(separator: "; "))
            }
        }
        try showList()
        Output.out("Type help for commands.")
        while true {
            FileHandle.standardOutput.write(Data("rounds> ".utf8))
            guard let line = readLine() else { break }
            let words = line.split(separator: " ").map(String.init)
            guard let cmd = words.first else { continue }
            let arg = words.dropFirst().joined(separator: " ")
            do {
                switch cmd {
                case "help", "?":
                    Output.out("lists | list NAME | show N (or ID) | search TEXT | add ID | note N TEXT | sync | quit")
                case "lists":
                    for l in try cache.lists() { Output.out("\(l.name)\(l.isDefault ? " (default)" : ""): \(l.patientIds.count) patients") }
                case "list":
                    guard let l = try cache.list(named: arg) else { Output.out("No list named \(arg)."); continue }
                    current = l; try showList()
                case "show", "open":
                    let id = Int(arg).flatMap { rows.indices.contains($0 - 1) ? rows[$0 - 1].id : nil } ?? arg
                    var r = try cache.record(id)
                    if r == nil, let conn { r = try await conn.patientRecord(id: id) }
                    guard let record = r else { Output.out("Patient \(id) is not cached."); continue }
                    try? trail.record(.patientView, patients: [id], list: current?.name)
                    Output.out(RecordSummary.text(record, showAge: true))
                    let n = NEWS2.score(record, hypercapnic: (try? cache.isHypercapnic(id)) ?? false, staleAfter: env.staleAfter)
                    Output.out(n.summary + " — " + n.band.response)
                    for note in try cache.notes(patientId: id) { Output.out("Note \(Age.stamp(note.createdAt)) \(note.author): \(note.text)") }
                case "search":
                    let q = SearchParser.query(arg)
                    try? trail.record(.patientSearch)
                    var found: [Patient] = []
                    if let conn { found = try await conn.searchPatients(q).patients } else {
                        found = try cache.search(q).patients
                        Output.out("(offline cache)")
                    }
                    for p in found { Output.out("\(p.displayName); MRN \(p.mrn ?? "none"); \(p.sexLetter); born \(p.birthDate?.raw ?? "unknown"); id \(p.id)") }
                    if found.isEmpty { Output.out("No patients found.") }
                case "add":
                    guard let l = current, let conn else { Output.out("Adding needs a list and a connection."); continue }
                    let r = try await conn.patientRecord(id: arg)
                    try cache.save(r)
                    try cache.addPatients([r.id], to: l.name)
                    try? trail.record(.patientListAddPatient, patients: [r.id], list: l.name)
                    current = try cache.list(named: l.name); Output.out("Added \(r.patient.displayName).")
                case "note":
                    guard words.count > 2 else { Output.out("note N TEXT"); continue }
                    let id = Int(words[1]).flatMap { rows.indices.contains($0 - 1) ? rows[$0 - 1].id : nil } ?? words[1]
                    try cache.addNote(patientId: id, author: env.workspace.settings.author, text: words.dropFirst(2).joined(separator: " "))
                    try? trail.record(.patientNoteAdd, patients: [id], list: current?.name)
                    Output.out("Note saved.")
                case "sync":
                    guard let conn, let l = current else { Output.out("Cannot sync while offline."); continue }
                    let s = await SyncEngine(cache: cache, fetcher: conn).run(ids: l.patientIds, list: l.name)
                    try? trail.record(.syncRun, patients: l.patientIds, list: l.name)
                    Output.out("Synced \(s.synced), unchanged \(s.unchanged), failed \(s.failed.count).")
                case "quit", "q", "exit": return 0
                default: Output.out("Unknown command \(cmd). Type help.")
                }
            } catch {
                Output.out("Error: \("\(error)")")
            }
        }
        return 0
    }
}
