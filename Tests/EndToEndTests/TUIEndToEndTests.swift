import Clinical
import FHIRAdapters
import FHIRClient
import Foundation
import Store
import TestSupport
import Testing

/// The real `rounds` under tmux against the sandbox, driven by keys and read off the screen.
@Suite(.serialized) struct TUIEndToEndTests {
    @Test func aNurseSearchesAddsSyncsGoesOfflinePresentsMasksLocksAndQuits() async throws {
        let h = try SandboxHarness(patients: 40)
        let cli = CLIRunner(home: try TempDir.make("tui"))
        #expect(
            try cli.run([
                "connect", h.base("stu3"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file",
                h.secretFile, "--name", "sandbox",
            ]).status == 0)
        #expect(try cli.run(["list", "create", "Ward 4"]).status == 0)
        // The screen lock opens with this PIN (read from stdin: never on the command line).
        #expect(try cli.run(["lock", "set-pin"], input: "2580\n").status == 0)
        // Pick three patients to look for, from the server itself.
        let conn = try await FHIRConnection.connect(
            to: h.base("stu3"), credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant)
        )
        let byName = try await conn.patientRecord(id: "contos-0003").patient
        let byMRN = try await conn.patientRecord(id: "contos-0011").patient
        let byBirth = try await conn.patientRecord(id: "contos-0020").patient
        let family = try #require(byName.name?.family)

        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        try tui.waitFor("Ward 4")
        try tui.waitFor("online")

        // Search by name, pick the result, add it.
        try tui.press("/")
        try tui.type(family)
        try tui.press("Enter")
        try tui.waitFor("from the EHR")
        try tui.waitFor(byName.mrn!)
        try tui.press("Down")
        try tui.press("a")
        try tui.waitFor("Added \(byName.displayName)")
        // By MRN.
        try tui.press("Escape", "/")
        try tui.type(byMRN.mrn!)
        try tui.press("Enter")
        try tui.waitFor("1 of 1 from the EHR")
        try tui.press("Down", "a")
        try tui.waitFor("Added \(byMRN.displayName)")
        // By birth date.
        try tui.press("Escape", "/")
        try tui.type(byBirth.birthDate!.raw)
        try tui.press("Enter")
        try tui.waitFor("from the EHR")
        try tui.waitFor(byBirth.mrn!)
        try tui.press("Escape")
        try tui.waitFor("Ward 4 (2)")

        // Open a patient: the detail pane shows the record. (Right after the last add the detail can
        // still be empty while the list reloads; moving the selection opens it, as a nurse would.)
        let detail: String
        if let shown = try? tui.waitFor("Vital signs", timeout: 3) {
            detail = shown
        } else {
            try tui.press("Up")
            try tui.press("Down")
            detail = try tui.waitFor("Vital signs")
        }
        #expect(detail.contains("Medications"))
        // Each row shows the patient's NEWS2 value, with `?` when it is partial; the detail of the
        // selected (first) patient its summary.
        let shown = try JSONParser.parse(try cli.run(["list", "show", "Ward 4", "--json"]).stdout)
        let rows = shown["patients"]?.array ?? []
        #expect(rows.count == 2)
        let names = rows.compactMap { $0["cells"]?["name"]?.string.map { String($0.prefix(14)) } }
        let listed = try tui.waitUntil(what: "both rows on the list") { screen in
            names.allSatisfy { name in
                screen.split(separator: "\n").contains { $0.contains(name) && !$0.contains(" · ") }
            }
        }
        for row in rows {
            let name = String(try #require(row["cells"]?["name"]?.string).prefix(14))
            let score = try #require(row["news2"]?["score"]?.double.map { Int($0) })
            let marker = row["news2"]?["partial"]?.bool == true ? "?" : ""
            // The list row, not the detail's header line (which has " · " between its parts).
            let line =
                listed.split(separator: "\n").first { $0.contains(name) && !$0.contains(" · ") }.map(String.init) ?? ""
            #expect(
                line.contains(" \(score)\(marker)"), "row of \(name) shows NEWS2 \(score)\(marker): \(line)\n\(listed)")
        }
        // (The detail's NEWS2 line is checked against the bed and score in ServerProfileTests.)

        // Sync in the background.
        try tui.press("s")
        try tui.waitFor("unchanged 2, failed 0.")

        // The partner goes away: the search falls back to the cache, the header says OFFLINE, the data stays.
        let before = try tui.screen()
        h.stop()
        try tui.press("/")
        try tui.type(family)
        try tui.press("Enter")
        let offline = try tui.waitFor("OFFLINE")
        try tui.waitFor("offline cache")
        let offlineNow = try tui.screen()
        #expect(offline.contains(byName.mrn!) || offlineNow.contains(byName.mrn!))
        try tui.press("Escape", "Escape")
        // The same patients, from the cache.
        try tui.waitUntil(what: "both MRNs offline") { s in
            s.contains(byName.mrn!) && s.contains(byMRN.mrn!) && s.contains("OFFLINE")
        }
        #expect(before.contains(byName.mrn!) && before.contains(byMRN.mrn!))

        // Present mode for the meeting.
        try tui.press("g", "p")
        let present = try tui.waitFor("1 of 2")
        #expect(present.contains("Present"))
        try tui.press("Right")
        try tui.waitFor("2 of 2")
        try tui.press("Escape")

        // Mask: no names, MRNs or birth dates anywhere.
        try tui.press("m")
        let masked = try tui.waitFor("MASKED")
        for p in [byName, byMRN] {
            #expect(!masked.contains(p.mrn!))
            #expect(!masked.contains(p.name!.family!))
            #expect(!masked.contains(p.birthDate!.raw))
        }
        try tui.press("m")

        // Lock: nothing of a patient on the screen or in the scrollback; Enter alone and a wrong
        // PIN do not open it, the right one does.
        try tui.press("L")
        let locked = try tui.waitFor("PIN:")
        #expect(!locked.contains(byName.mrn!) && !locked.contains(family) && !locked.contains("Ward 4"))
        let history = try tui.captureWithHistory()
        #expect(!history.contains(byName.mrn!) && !history.contains(family), "the scrollback keeps nothing")
        try tui.press("Enter")
        try tui.type("1111")
        try tui.press("Enter")
        try tui.waitFor("4 more attempts")
        try tui.type("2580")
        try tui.press("Enter")
        try tui.waitFor("Ward 4")

        // Resize: 80×24 still works, 40×12 says what is needed.
        try tui.resize(width: 80, height: 24)
        let small = try tui.waitUntil(what: "80-column layout") { s in
            s.split(separator: "\n").allSatisfy { $0.count <= 80 } && s.contains("Ward 4")
        }
        #expect(small.contains("Patients"))
        try tui.resize(width: 40, height: 12)
        try tui.waitFor("60 × 20")
        try tui.resize(width: 120, height: 40)
        try tui.waitFor("Lists")

        try tui.press("q")
        _ = try tui.waitUntil(what: "exit") { _ in tui.exited }
        let audit = try JSONParser.parse(try cli.run(["audit", "--json"]).stdout).array ?? []
        let ops = audit.compactMap { $0["operation"]?.string }
        for op in [
            "PatientSearch", "PatientListAddPatient", "PatientView", "SyncRun", "ScreenLock", "ScreenUnlockFailed",
            "ScreenUnlock",
            "PatientListView",
        ] {
            #expect(ops.contains(op), "audit lacks \(op)")
        }
    }
}
