import Clinical
import FHIRClient
import Foundation
import RoundsCore
import Store
import TUI

/// `rounds --plain`: no full-screen drawing; plain lines a screen reader can follow, and a prompt.
enum PlainMode {
    static func run(env: TUIEnvironment, ctx: CLIContext) async throws -> Int32 {
        let cache = env.workspace.cache
        let trail = AuditTrail(env.workspace)
        // The team's changes before each command (and this workstation's sent), as lines.
        func exchange() {
            for message in TeamSync.exchange(env.workspace) { Output.out("team: \(message)") }
        }
        exchange()
        var current = try cache.lists().first(where: \.isDefault) ?? cache.lists().first
        var rows: [ListRow] = []
        var conn: FHIRConnection? = nil
        do {
            conn = try await env.connect()
            Output.out(
                "Connected to \(env.workspace.connection.name) (\(conn!.release.rawValue), tenant "
                    + "\(env.workspace.connection.tenant))."
            )
        } catch {
            Output.out(env.workspace.offlineBanner() + " — \(ErrorText.describe(error))")
        }
        func showList() throws {
            guard let l = current else {
                Output.out("No lists. Type: create NAME")
                return
            }
            rows = try ListBuilder.rows(l, cache: cache, staleAfter: env.staleAfter)
            if let (c, d) = ListBuilder.defaultSort(l) { rows = ListBuilder.sort(rows, by: c, descending: d) }
            trail.recordOrWarn(.patientListView, patients: l.patientIds, list: l.name)
            Output.out("List \(l.name), \(rows.count) patients:")
            let cols = ListBuilder.columns(l)
            for (k, r) in rows.enumerated() {
                // Words, not symbols, for a screen reader: "NEWS2 15 HIGH", "HR 129 abnormal".
                Output.out(
                    "\(k + 1). "
                        + cols.map { c in
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
            // Idle past the lock time: the screen is cleared and the lock waits for the nurse.
            while env.lockAfter > 0, !PlainLock.inputArrives(within: env.lockAfter) {
                guard PlainLock.lock(env.unlocker, trail: trail) else { return 0 }
                FileHandle.standardOutput.write(Data("rounds> ".utf8))
            }
            guard let line = readLine() else { break }
            let words = line.split(separator: " ").map(String.init)
            guard let cmd = words.first else { continue }
            let arg = words.dropFirst().joined(separator: " ")
            exchange()
            if let shown = current { current = try cache.list(named: shown.name) ?? cache.lists().first }
            do {
                switch cmd {
                case "help", "?":
                    Output.out(
                        "lists | list NAME | show N (or ID) | search TEXT | add ID | note N TEXT | sync | lock | quit")
                case "lock":
                    guard PlainLock.lock(env.unlocker, trail: trail) else { return 0 }
                case "lists":
                    for l in try cache.lists() {
                        Output.out("\(l.name)\(l.isDefault ? " (default)" : ""): \(l.patientIds.count) patients")
                    }
                case "list":
                    guard let l = try cache.list(named: arg) else {
                        Output.out("No list named \(arg).")
                        continue
                    }
                    current = l
                    try showList()
                case "show", "open":
                    let id = Int(arg).flatMap { rows.indices.contains($0 - 1) ? rows[$0 - 1].id : nil } ?? arg
                    var r = try cache.record(id)
                    if r == nil, let conn { r = try await conn.patientRecord(id: id) }
                    guard let record = r else {
                        Output.out("Patient \(id) is not cached.")
                        continue
                    }
                    trail.recordOrWarn(.patientView, patients: [id], list: current?.name)
                    Output.out(RecordSummary.text(record, showAge: true))
                    let n = NEWS2.score(
                        record, hypercapnic: (try? cache.isHypercapnic(id)) ?? false, staleAfter: env.staleAfter)
                    Output.out(n.summary + " — " + n.band.response)
                    for note in try cache.notes(patientId: id) {
                        Output.out("Note \(Age.stamp(note.createdAt)) \(note.author): \(note.text)")
                    }
                case "search":
                    let q = SearchParser.query(arg)
                    trail.recordOrWarn(.patientSearch)
                    var found: [Patient] = []
                    if let conn {
                        found = try await conn.searchPatients(q).patients
                    } else {
                        found = try cache.search(q).patients
                        Output.out("(offline cache)")
                    }
                    for p in found {
                        Output.out(
                            "\(p.displayName); MRN \(p.mrn ?? "none"); \(p.sexLetter); born "
                                + "\(p.birthDate?.raw ?? "unknown"); id \(p.id)"
                        )
                    }
                    if found.isEmpty { Output.out("No patients found.") }
                case "add":
                    guard let l = current, let conn else {
                        Output.out("Adding needs a list and a connection.")
                        continue
                    }
                    let r = try await conn.patientRecord(id: arg)
                    try cache.save(r)
                    _ = try env.workspace.teamStore.addPatients([r.id], to: l.name)
                    trail.recordOrWarn(.patientListAddPatient, patients: [r.id], list: l.name)
                    current = try cache.list(named: l.name)
                    Output.out("Added \(r.patient.displayName).")
                case "note":
                    guard words.count > 2 else {
                        Output.out("note N TEXT")
                        continue
                    }
                    let id = Int(words[1]).flatMap { rows.indices.contains($0 - 1) ? rows[$0 - 1].id : nil } ?? words[1]
                    _ = try env.workspace.teamStore.addNote(
                        patientId: id, text: words.dropFirst(2).joined(separator: " "))
                    trail.recordOrWarn(.patientNoteAdd, patients: [id], list: current?.name)
                    Output.out("Note saved.")
                case "sync":
                    guard let conn, let l = current else {
                        Output.out("Cannot sync while offline.")
                        continue
                    }
                    let s = await SyncEngine(cache: cache, fetcher: conn).run(ids: l.patientIds, list: l.name)
                    trail.recordOrWarn(.syncRun, patients: l.patientIds, list: l.name)
                    Output.out("Synced \(s.synced), unchanged \(s.unchanged), failed \(s.failed.count).")
                case "quit", "q", "exit": return 0
                default: Output.out("Unknown command \(cmd). Type help.")
                }
            } catch {
                Output.out("Error: \(ErrorText.describe(error))")
            }
        }
        return 0
    }
}

/// The lock of plain mode: the terminal and its scrollback are cleared, then the password or PIN
/// is asked for with no echo until it is right; five wrong attempts make it wait a minute.
enum PlainLock {
    static func inputArrives(within seconds: TimeInterval) -> Bool {
        var watched = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(min(seconds, 86_400) * 1000)
        return poll(&watched, 1, milliseconds) != 0
    }

    /// False when standard input closed while locked (the terminal is gone: Rounds ends).
    static func lock(_ unlocker: ScreenUnlocker, trail: AuditTrail) -> Bool {
        trail.recordOrWarn(.screenLock)
        if isatty(1) == 1 {
            // Home, erase the screen, erase the scrollback (xterm's E3, which tmux honours too).
            FileHandle.standardOutput.write(Data("\u{1B}[H\u{1B}[2J\u{1B}[3J".utf8))
        }
        Output.out("Rounds is locked.")
        var failures = 0
        while true {
            guard let typed = Secrets.prompt("\(unlocker.prompt): ") else { return false }
            if !typed.isEmpty, unlocker.verify(typed) {
                trail.recordOrWarn(.screenUnlock)
                Output.out("Unlocked.")
                return true
            }
            guard !typed.isEmpty else { continue }
            trail.recordOrWarn(.screenUnlockFailed)
            failures += 1
            if failures >= ScreenUnlocker.attemptsBeforeBlock {
                Output.out("\(failures) wrong attempts: the lock refuses every attempt for a minute.")
                sleep(UInt32(ScreenUnlocker.blockSeconds))
                tcflush(0, TCIFLUSH)
                failures = 0
            } else {
                let left = ScreenUnlocker.attemptsBeforeBlock - failures
                Output.out("Not right. \(left) more attempt\(left == 1 ? "" : "s") before the lock waits a minute.")
            }
        }
    }
}

extension AuditTrail {
    /// Appends an audit record; one that cannot be written is said (the trail must not silently
    /// lack what was shown).
    func recordOrWarn(_ operation: AuditOperation, patients: [String] = [], list: String? = nil) {
        do {
            try record(operation, patients: patients, list: list)
        } catch {
            Output.out(
                "Warning: the audit record \(operation.rawValue) could not be written: \(ErrorText.describe(error))")
        }
    }
}
