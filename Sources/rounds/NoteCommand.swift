import Foundation
import RoundsCore
import Store

/// `rounds note add ID [TEXT]` ($EDITOR when TEXT is omitted) and `rounds note ls ID [--json]`.
enum NoteCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let verb = words.first else { throw UsageError(message: "note needs add or ls") }
        let a = try Arguments(Array(words.dropFirst()), flags: ["--json"])
        guard let id = a.positionals.first else { throw UsageError(message: "note \(verb) needs a patient ID") }
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        for message in TeamSync.exchange(ws) { Output.err("team: \(message)") }
        switch verb {
        case "add":
            // A note for a patient nobody has: a mistyped id would file it where no one reads it.
            let known = try ws.cache.listedPatientIds().contains(id) || ws.cache.cachedPatientIds().contains(id)
            guard known else {
                throw CLIError(
                    "No patient '\(id)' is cached or on a list here; add the patient to a list first "
                        + "('rounds list add LIST \(id)'), then add the note.")
            }
            var text = a.positionals.dropFirst().joined(separator: " ")
            if text.isEmpty { text = try editor() }
            // A team's note is by the database role, as every workstation will show it.
            let n = try ws.teamStore.addNote(patientId: id, text: text)
            AuditHook.record(ctx, .patientNoteAdd, connection: ws.connection, patients: [id], outcome: "success")
            Output.out("Note added \(Age.stamp(n.createdAt)) by \(n.author).")
        case "ls":
            let notes = try ws.cache.notes(patientId: id)
            try AuditHook.recordOrRefuse(
                ctx, .patientNoteView, connection: ws.connection, patients: [id],
                outcome: "success")
            if a.has("--json") {
                try Output.json(notes.map(NoteJSON.init))
            } else if notes.isEmpty {
                Output.out("No notes for '\(id)'.")
            } else {
                for n in notes {
                    Output.out(
                        "\(Age.stamp(n.createdAt))  \(n.author)\n  "
                            + "\(n.text.replacingOccurrences(of: "\n", with: "\n  "))"
                    )
                }
            }
        default: throw UsageError(message: "unknown note command '\(verb)'")
        }
        return 0
    }

    struct NoteJSON: Encodable {
        let author: String
        /// The team database role that wrote it (`nil` for a note of this workstation only).
        let authorRole: String?
        let createdAt: String
        let text: String

        init(_ note: Note) {
            author = note.author
            authorRole = note.isTeams ? note.author : nil
            createdAt = FHIRDateText.iso(note.createdAt)
            text = note.text
        }
    }

    /// Writes the note in `$EDITOR` (a private temporary file, removed after).
    static func editor() throws -> String {
        guard let ed = ProcessInfo.processInfo.environment["EDITOR"] ?? ProcessInfo.processInfo.environment["VISUAL"],
            !ed.isEmpty
        else {
            throw UsageError(message: "note add needs TEXT, or set $EDITOR")
        }
        let file = NSTemporaryDirectory() + "rounds-note-\(getpid()).txt"
        // The note is PHI: the file must be ours and private before the editor writes to it.
        guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("Could not create a private temporary file for the editor (\(file)).")
        }
        defer { unlink(file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\(ed) \"$1\"", "sh", file]
        try p.run()
        p.waitUntilExit()
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError("Empty note; nothing saved.")
        }
        return text
    }
}
