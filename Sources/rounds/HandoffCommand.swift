import Clinical
import Foundation
import RoundsCore
import Store

/// `rounds handoff show|set|accept` and `rounds todo add|done|undo|ls`: the team's I-PASS handoff
/// of each patient on a list, through the team store (local, or the team's database).
enum HandoffCommand {
    static func handoff(_ words: [String]) throws -> Int32 {
        guard let verb = words.first else {
            throw UsageError(message: "handoff needs show, set, accept or round-done")
        }
        let a = try Arguments(
            Array(words.dropFirst()), valued: ["--list", "--severity", "--summary", "--contingency"], flags: ["--json"])
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        for message in TeamSync.exchange(ws) { Output.err("team: \(message)") }
        switch verb {
        case "show":
            guard let list = a.positionals.first else { throw UsageError(message: "handoff show needs a LIST") }
            let handoffs = try ws.teamStore.handoffs(list: list)
            try SinceLastRound.refreshSnapshots(list: list, cache: ws.cache)
            let changes = try SinceLastRound.wholeChanges(list: list, cache: ws.cache)
            let round = try ws.cache.lastRound(list: list)
            try AuditHook.recordOrRefuse(
                ctx, .handoffView, connection: ws.connection, patients: handoffs.map(\.patientId), list: list,
                outcome: "success")
            let names = try patientNames(ws, handoffs.map(\.patientId))
            if a.has("--json") {
                let patients = handoffs.map { handoff in
                    PatientJSON(handoff, name: names[handoff.patientId], since: changes[handoff.patientId])
                }
                try Output.json(
                    ListJSON(
                        list: list, lastRoundAt: round.map { FHIRDateText.iso($0.at) }, lastRoundBy: round?.by,
                        patients: patients))
            } else {
                show(list, handoffs, names, changes)
            }
        case "set":
            guard let id = a.positionals.first, let list = a.value("--list") else {
                throw UsageError(message: "handoff set needs a patient ID and --list LIST")
            }
            var edit = HandoffEdit(summary: a.value("--summary"), contingency: a.value("--contingency"))
            if let word = a.value("--severity") {
                guard let severity = Severity(rawValue: word.lowercased()) else {
                    throw UsageError(message: "--severity is stable, watcher or unstable, not '\(word)'")
                }
                edit.severity = severity
            }
            guard !edit.isEmpty else {
                throw UsageError(message: "handoff set needs --severity, --summary or --contingency")
            }
            try ws.teamStore.setHandoff(list: list, patient: id, edit)
            AuditHook.record(
                ctx, .handoffEdit, connection: ws.connection, patients: [id], list: list, outcome: "success")
            if a.has("--json") {
                let handoff = try ws.teamStore.handoffs(list: list).first { $0.patientId == id }
                let names = try patientNames(ws, [id])
                try Output.json(PatientJSON(handoff ?? Handoff(patientId: id), name: names[id], since: nil))
            } else {
                Output.out("Handoff of \(id) on '\(list)' updated.")
            }
        case "accept":
            guard let list = a.positionals.first else { throw UsageError(message: "handoff accept needs a LIST") }
            let accepted = try ws.teamStore.acceptHandoff(list: list, patients: Array(a.positionals.dropFirst()))
            // The baseline of "since the last round": what this cache holds now.
            try SinceLastRound.refreshSnapshots(list: list, cache: ws.cache)
            AuditHook.record(
                ctx, .handoffAccept, connection: ws.connection, patients: accepted, list: list, outcome: "success")
            let who = ws.teamStore.author
            let round = try ws.cache.lastRound(list: list)
            if a.has("--json") {
                try Output.json(
                    RoundJSON(list: list, patientIds: accepted, by: who, at: round.map { FHIRDateText.iso($0.at) }))
            } else {
                Output.out(
                    "\(who) accepted the handoff of \(accepted.count) patient(s) on '\(list)' at \(Age.short(Date())).")
            }
        case "round-done":
            guard let list = a.positionals.first else { throw UsageError(message: "handoff round-done needs a LIST") }
            try ws.teamStore.markRoundDone(list: list)
            try SinceLastRound.refreshSnapshots(list: list, cache: ws.cache)
            let patients = try ws.cache.list(named: list)?.patientIds ?? []
            AuditHook.record(
                ctx, .roundDone, connection: ws.connection, patients: patients, list: list, outcome: "success")
            if a.has("--json") {
                let round = try ws.cache.lastRound(list: list)
                try Output.json(
                    RoundJSON(
                        list: list, patientIds: patients, by: ws.teamStore.author,
                        at: round.map { FHIRDateText.iso($0.at) }))
            } else {
                Output.out("Round of '\(list)' marked done at \(Age.short(Date())); changes are counted from now.")
            }
        default: throw UsageError(message: "unknown handoff command '\(verb)'")
        }
        return 0
    }

    static func todo(_ words: [String]) throws -> Int32 {
        guard let verb = words.first else { throw UsageError(message: "todo needs add, done, undo or ls") }
        let a = try Arguments(
            Array(words.dropFirst()), valued: ["--list", "--owner", "--due"], flags: ["--json", "--mine", "--open"])
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        for message in TeamSync.exchange(ws) { Output.err("team: \(message)") }
        switch verb {
        case "add":
            guard a.positionals.count >= 2, let list = a.value("--list") else {
                throw UsageError(message: "todo add needs a patient ID, TEXT and --list LIST")
            }
            let id = a.positionals[0]
            if let due = a.value("--due"), !validClock(due) {
                throw UsageError(message: "--due is a time of day HH:MM (24-hour), not '\(due)'")
            }
            let text = a.positionals.dropFirst().joined(separator: " ")
            let todo = try ws.teamStore.addTodo(
                list: list, patient: id, text: text, owner: a.value("--owner"), due: a.value("--due"))
            AuditHook.record(ctx, .todoAdd, connection: ws.connection, patients: [id], list: list, outcome: "success")
            if a.has("--json") {
                try Output.json(TodoRowJSON(list: list, patientId: id, todo))
            } else {
                Output.out("To-do \(todo.number) added for \(id) on '\(list)'.")
            }
        case "done", "undo":
            guard a.positionals.count == 2, let list = a.value("--list") else {
                throw UsageError(message: "todo \(verb) needs a patient ID, the to-do's number N and --list LIST")
            }
            let id = a.positionals[0]
            guard let number = Int(a.positionals[1]), number > 0 else {
                throw UsageError(message: "N is the to-do's number (1, 2, …), not '\(a.positionals[1])'")
            }
            let done = verb == "done"
            let todo = try ws.teamStore.setTodoDone(list: list, patient: id, number: number, done: done)
            AuditHook.record(
                ctx, done ? .todoComplete : .todoReopen, connection: ws.connection, patients: [id], list: list,
                outcome: "success")
            if a.has("--json") {
                try Output.json(TodoRowJSON(list: list, patientId: id, todo))
            } else {
                Output.out("To-do \(todo.number) for \(id) on '\(list)' is \(done ? "done" : "open again").")
            }
        case "ls":
            let lists = try a.value("--list").map { [$0] } ?? ws.teamStore.lists().map(\.name)
            var rows: [TodoRowJSON] = []
            for list in lists {
                for handoff in try ws.teamStore.handoffs(list: list) {
                    for todo in handoff.todos {
                        rows.append(TodoRowJSON(list: list, patientId: handoff.patientId, todo))
                    }
                }
            }
            if a.has("--mine") {
                let me = Set(myNames(ctx, ws).map { $0.lowercased() })
                rows = rows.filter { me.contains(($0.owner ?? "").lowercased()) }
            }
            if a.has("--open") { rows = rows.filter { !$0.done } }
            try AuditHook.recordOrRefuse(
                ctx, .handoffView, connection: ws.connection, patients: Array(Set(rows.map(\.patientId))).sorted(),
                list: a.value("--list"), outcome: "success")
            if a.has("--json") {
                try Output.json(rows)
            } else if rows.isEmpty {
                Output.out(
                    a.has("--mine") ? "No to-dos for \(myNames(ctx, ws).joined(separator: " / "))." : "No to-dos.")
            } else {
                for row in rows { Output.out(row.line) }
            }
        default: throw UsageError(message: "unknown todo command '\(verb)'")
        }
        return 0
    }

    /// Who "mine" is: the display name in the settings, the OS user, and the team role.
    static func myNames(_ ctx: CLIContext, _ ws: Workspace) -> [String] {
        var names = [ws.teamStore.author]
        if let display = ctx.settings.displayName { names.append(display) }
        names.append(NSUserName())
        var seen: Set<String> = []
        return names.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    static func validClock(_ text: String) -> Bool {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1])
        else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute)
    }

    static func patientNames(_ ws: Workspace, _ ids: [String]) throws -> [String: String] {
        let records = try ws.cache.records(ids, sections: [])
        return Dictionary(records.map { ($0.id, $0.patient.displayName) }, uniquingKeysWith: { first, _ in first })
    }

    static func show(
        _ list: String, _ handoffs: [Handoff], _ names: [String: String], _ changes: [String: RoundChanges]
    ) {
        Output.out("Handoff of '\(list)' (\(handoffs.count) patients)")
        for handoff in handoffs {
            let severity = handoff.severity.map { $0.rawValue.uppercased() } ?? "severity not set"
            Output.out("")
            Output.out("\(handoff.patientId)  \(names[handoff.patientId] ?? "(not synced)")  \(severity)")
            if let since = changes[handoff.patientId] {
                let lines = since.lines
                let said = lines.isEmpty ? "no change" : lines.joined(separator: "; ")
                Output.out("  Since \(Age.short(since.since)): \(said)")
            }
            if let summary = handoff.summary { Output.out("  Summary: \(summary)") }
            if let contingency = handoff.contingency { Output.out("  If: \(contingency)") }
            for todo in handoff.todos { Output.out("  " + TodoRowJSON.describe(todo)) }
            if let holder = handoff.holder() {
                Output.out("  Held by \(holder)")
            } else {
                Output.out("  Not accepted yet")
            }
        }
    }

    /// An accept or a round done: the list, the patients it covers, who and when.
    struct RoundJSON: Encodable {
        let list: String
        let patientIds: [String]
        let by: String
        let at: String?
    }

    struct ListJSON: Encodable {
        let list: String
        let lastRoundAt: String?
        let lastRoundBy: String?
        let patients: [PatientJSON]
    }

    /// What changed since the last round.
    struct SinceJSON: Encodable {
        let since: String
        let news2From: Int?
        let news2To: Int?
        let abnormalVitals: [String]
        let movedFrom: String?
        let movedTo: String?
        let newMedications: [String]
        let stoppedMedications: [String]
        let newAllergies: [String]
        let newConditions: [String]

        init(_ changes: RoundChanges) {
            since = FHIRDateText.iso(changes.since)
            news2From = changes.news2From
            news2To = changes.news2To
            abnormalVitals = changes.abnormalVitals
            movedFrom = changes.movedFrom
            movedTo = changes.movedTo
            newMedications = changes.newMedications
            stoppedMedications = changes.stoppedMedications
            newAllergies = changes.newAllergies
            newConditions = changes.newConditions
        }
    }

    struct PatientJSON: Encodable {
        let id: String
        let name: String?
        let severity: String?
        let summary: String?
        let contingency: String?
        let updatedBy: String?
        let updatedAt: String?
        let acceptedBy: String?
        let acceptedAt: String?
        let todos: [TodoJSON]
        let sinceLastRound: SinceJSON?

        init(_ handoff: Handoff, name: String?, since: RoundChanges?) {
            sinceLastRound = since.map(SinceJSON.init)
            id = handoff.patientId
            self.name = name
            severity = handoff.severity?.rawValue
            summary = handoff.summary
            contingency = handoff.contingency
            updatedBy = handoff.updatedBy
            updatedAt = handoff.updatedAt.map(FHIRDateText.iso)
            acceptedBy = handoff.acceptedBy
            acceptedAt = handoff.acceptedAt.map(FHIRDateText.iso)
            todos = handoff.todos.map(TodoJSON.init)
        }
    }

    struct TodoJSON: Encodable {
        let number: Int
        let text: String
        let owner: String?
        let due: String?
        let done: Bool
        let doneBy: String?
        let doneAt: String?
        let addedBy: String
        let addedAt: String

        init(_ todo: Todo) {
            number = todo.number
            text = todo.text
            owner = todo.owner
            due = todo.due
            done = todo.isDone
            doneBy = todo.doneBy
            doneAt = todo.doneAt.map(FHIRDateText.iso)
            addedBy = todo.addedBy
            addedAt = FHIRDateText.iso(todo.addedAt)
        }
    }

    /// A to-do with its list and patient (`todo ls`).
    struct TodoRowJSON: Encodable {
        let list: String
        let patientId: String
        let number: Int
        let text: String
        let owner: String?
        let due: String?
        let done: Bool
        let doneBy: String?
        let doneAt: String?
        private let todo: Todo

        enum CodingKeys: String, CodingKey { case list, patientId, number, text, owner, due, done, doneBy, doneAt }

        init(list: String, patientId: String, _ todo: Todo) {
            self.list = list
            self.patientId = patientId
            number = todo.number
            text = todo.text
            owner = todo.owner
            due = todo.due
            done = todo.isDone
            doneBy = todo.doneBy
            doneAt = todo.doneAt.map(FHIRDateText.iso)
            self.todo = todo
        }

        var line: String { "\(list)  \(patientId)  " + Self.describe(todo) }

        /// `2. [ ] Repeat lactate — registrar, due 10:00` or `[x] … — done by nurse_b 08:10`.
        static func describe(_ todo: Todo) -> String {
            let details = todo.details()
            return todo.checkboxLine + (details.isEmpty ? "" : " — " + details.joined(separator: ", "))
        }
    }
}
