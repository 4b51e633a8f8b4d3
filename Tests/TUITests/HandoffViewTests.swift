import Clinical
import Foundation
import RoundsCore
import ScreenKit
import Store
import TUI
import Testing

/// The handoff on the detail pane and in present mode, the list's Δ column, and the keys and `:`
/// commands that edit the handoff: reducer tests (the effects asked for) and text snapshots.
@Suite struct HandoffViewTests {
    static let handoff = Handoff(
        patientId: "p1", severity: .unstable, summary: "Day 2 urosepsis, on IV abx",
        contingency: "If MAP < 65, bolus 500 mL and call the registrar",
        todos: [
            Todo(
                number: 1, id: "t1", text: "Repeat lactate", owner: "registrar", due: "10:00", addedBy: "RN Jones",
                addedAt: Fixtures.now.addingTimeInterval(-3600)),
            Todo(
                number: 2, id: "t2", text: "Chase cultures", owner: nil, due: nil, addedBy: "RN Jones",
                addedAt: Fixtures.now.addingTimeInterval(-3500), doneBy: "RN Ade",
                doneAt: Fixtures.now.addingTimeInterval(-600)),
        ], acceptedBy: "RN Ade", acceptedAt: Fixtures.now.addingTimeInterval(-7200))

    static let since = RoundChanges(
        since: Fixtures.now.addingTimeInterval(-7200), news2From: 3, news2To: 6, abnormalVitals: ["RR 25 at 09:10"],
        movedFrom: "4 West, Room 401, Bed A", movedTo: "4 West, Room 402, Bed B", newMedications: ["Meropenem"],
        stoppedMedications: [], newAllergies: [], newConditions: [])

    static func state(handoff: Handoff? = handoff, since: RoundChanges? = since, width: Int = 120, height: Int = 40)
        -> AppState
    {
        var state = Fixtures.state(width: width, height: height)
        let detail = state.detail!
        _ = Reducer.reduce(
            &state,
            .detailLoaded(
                .init(record: detail.record, notes: detail.notes, news2: detail.news2, handoff: handoff, since: since)))
        return state
    }

    static func snapshot(_ name: String, _ text: String) throws {
        if ProcessInfo.processInfo.environment["TZ"] != "UTC" {
            setenv("TZ", "UTC", 1)
            tzset()
        }
        let file = SnapshotTests.dir.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.lastPathComponent); run again without RECORD_SNAPSHOTS")
            return
        }
        #expect(text + "\n" == (try String(contentsOf: file, encoding: .utf8)), "\(name) differs:\n\(text)")
    }

    @Test func theDetailPaneShowsTheHandoffAndWhatChangedSinceTheRound() throws {
        setenv("TZ", "UTC", 1)
        tzset()
        let text = Views.render(Self.state(), theme: Theme.fallback).text
        #expect(text.contains("Handoff UNSTABLE · held by RN Ade since"), "\(text)")
        #expect(text.contains("Summary: Day 2 urosepsis, on IV abx"))
        #expect(text.contains("If: If MAP < 65, bolus 500 mL and call the registrar"))
        #expect(text.contains("1. [ ] Repeat lactate — registrar, due 10:00"))
        #expect(text.contains("2. [x] Chase cultures — done by RN Ade"))
        #expect(text.contains("NEWS2 up: 3 → 6; New abnormal: RR 25 at 09:10"))
        try Self.snapshot("handoff-120x40", text)
        try Self.snapshot("handoff-80x24", Views.render(Self.state(width: 80, height: 24), theme: Theme.fallback).text)
    }

    @Test func aPatientWithNoHandoffYetSaysHowToWriteOne() {
        let empty = Self.state(handoff: Handoff(patientId: "p1"), since: nil)
        let text = Views.render(empty, theme: Theme.fallback).text
        #expect(text.contains("Handoff severity not set · not accepted yet (A accepts)"), "\(text)")
        #expect(text.contains("v sets the severity, t adds a to-do"))
        #expect(!text.contains("Since "), "no round yet: nothing compared")
    }

    @Test func presentModeOpensWithWhatChanged() throws {
        var state = Self.state()
        _ = Reducer.reduce(&state, .keyPressed(.char("p")))
        let detail = Self.state().detail!
        _ = Reducer.reduce(&state, .detailLoaded(detail))
        let lines = Views.render(state, theme: Theme.fallback).text.split(separator: "\n").map(String.init)
        let since = try #require(lines.firstIndex { $0.contains("Since ") })
        let vitals = try #require(lines.firstIndex { $0.contains("Respiratory rate") || $0.contains("Resp") })
        #expect(since < vitals, "what changed comes before the vital signs")
        #expect(lines.contains { $0.contains("Handoff UNSTABLE") })
    }

    @Test func theDeltaColumnSaysItInBrief() throws {
        var state = Fixtures.state()
        var rows = Fixtures.rows()
        rows[0].sinceRound = Self.since
        var quiet = Self.since
        (quiet.news2From, quiet.news2To, quiet.abnormalVitals, quiet.movedTo, quiet.newMedications) = (
            2, 2, [], nil, []
        )
        rows[1].sinceRound = quiet
        _ = Reducer.reduce(
            &state, .rowsLoaded(list: "4 West high risk", rows: rows, columns: [.name, .news2, .delta, .location]))
        let text = Views.render(state, theme: Theme.fallback).text
        #expect(text.contains("3→6▲ 1 abn moved +1 med"), "\(text)")
        #expect(Column.delta.value(rows[1]).text == "·" && Column.delta.value(rows[2]).text == "—")
        #expect(Column.delta.value(rows[0]).abnormal)
        try Self.snapshot("delta-120x40", text)
    }

    @Test func keysAndCommandsAskForTheHandoffEffects() {
        var state = Self.state()
        #expect(
            Reducer.reduce(&state, .keyPressed(.char("v")))
                == [.setHandoff(id: "p1", list: "4 West high risk", HandoffEdit(severity: .stable))],
            "unstable → stable")
        var watcher = Self.state(handoff: Handoff(patientId: "p1", severity: .stable))
        #expect(
            Reducer.reduce(&watcher, .keyPressed(.char("v")))
                == [.setHandoff(id: "p1", list: "4 West high risk", HandoffEdit(severity: .watcher))])
        _ = Reducer.reduce(&state, .keyPressed(.char("t")))
        #expect(state.mode == .command && state.commandLine == "todo ")
        for character in "Repeat lactate @registrar 10:00" { _ = Reducer.reduce(&state, .keyPressed(.char(character))) }
        #expect(
            Reducer.reduce(&state, .keyPressed(.enter))
                == [
                    .addTodo(
                        id: "p1", list: "4 West high risk", text: "Repeat lactate", owner: "registrar", due: "10:00")
                ])
        var done = Self.state()
        _ = Reducer.reduce(&done, .keyPressed(.char(":")))
        for character in "done 2" { _ = Reducer.reduce(&done, .keyPressed(.char(character))) }
        #expect(
            Reducer.reduce(&done, .keyPressed(.enter))
                == [.setTodoDone(id: "p1", list: "4 West high risk", number: 2, done: true)])
        var accept = Self.state()
        _ = Reducer.reduce(&accept, .keyPressed(.char("A")))
        #expect(
            accept.mode == .confirm && accept.confirm?.onYes == .acceptHandoff(list: "4 West high risk", patients: []))
        #expect(accept.confirm?.question.contains("Accept the handoff of all 3 patients") == true)
        var one = Self.state()
        _ = Reducer.reduce(&one, .keyPressed(.char(":")))
        for character in "accept this" { _ = Reducer.reduce(&one, .keyPressed(.char(character))) }
        _ = Reducer.reduce(&one, .keyPressed(.enter))
        #expect(one.confirm?.onYes == .acceptHandoff(list: "4 West high risk", patients: ["p1"]))
        #expect(one.confirm?.question.contains("Black, Ruth C.") == true, "\(String(describing: one.confirm))")
        var bad = Self.state()
        _ = Reducer.reduce(&bad, .keyPressed(.char(":")))
        for character in "severity critical" { _ = Reducer.reduce(&bad, .keyPressed(.char(character))) }
        #expect(Reducer.reduce(&bad, .keyPressed(.enter)).isEmpty)
        #expect(bad.status.message == "Usage: :severity stable|watcher|unstable" && bad.status.messageIsError)
    }
}
