import Foundation
import JSONKit
import TestSupport
import Testing

@testable import Store

/// The shared team store on a real SQLite file: each change and its pending copy commit
/// together, and the team's log applies the same way on every workstation.
@Suite struct SharedTeamStoreTests {
    func store(role: String = "nurse_a") throws -> SharedTeamStore {
        let cache = try Cache(path: try TempDir.make("team-store") + "/c.sqlite")
        return SharedTeamStore(cache: cache, team: "5N", role: role)
    }

    func pending(_ store: SharedTeamStore) throws -> [String] {
        try store.cache.pendingTeamChanges(team: store.team).map(\.kind)
    }

    @Test func everyChangeIsKeptForTheTeamInTheSameTransaction() throws {
        let store = try store()
        _ = try store.createList("Ward", columns: ["name"])
        #expect(try store.addPatients(["p1", "p2"], to: "Ward") == ["p1", "p2"])
        #expect(try store.addPatients(["p2"], to: "Ward") == [], "already there: nothing to send")
        try store.movePatient("p2", in: "Ward", to: 1)
        let note = try store.addNote(patientId: "p1", text: "Family meeting at 15:00")
        #expect(note.author == "nurse_a" && note.isTeams)
        try store.setHypercapnic("p1", true)
        #expect(
            try pending(store) == [
                "list.create", "member.add", "member.add", "member.move", "note.add", "mark.hypercapnic",
            ])
        // A change that fails leaves neither the change nor a pending copy.
        _ = try store.createList("Night", columns: [])
        let before = try pending(store).count
        #expect(throws: StoreError.self) { try store.renameList("Night", to: "ward") }
        #expect(try pending(store).count == before)
        #expect(try store.cache.list(named: "Night") != nil)
    }

    @Test func theLaterRenameWinsWhicheverArrivesLast() throws {
        let store = try store()
        _ = try store.createList("Ward", columns: [])
        let listId = try #require(try store.cache.teamListId(of: "Ward"))
        let later = Date().addingTimeInterval(60)
        let fields: JSONValue = .object(["listId": .string(listId), "name": .string("Ward B")])
        let renamedByB = SharedTeamStore.AppliedChange(
            kind: TeamChangeKind.listRename, fields: fields, actor: "nurse_b", changeId: UUID().uuidString, at: later)
        let told = try store.apply(renamedByB)
        #expect(told?.sentence == "nurse_b renamed the list 'Ward' to 'Ward B' (the later name is kept).")
        // An earlier rename arriving after it (pushed late, from an offline workstation) is not applied.
        let earlier = SharedTeamStore.AppliedChange(
            kind: TeamChangeKind.listRename, fields: .object(["listId": .string(listId), "name": .string("Ward C")]),
            actor: "nurse_c", changeId: UUID().uuidString, at: later.addingTimeInterval(-30))
        #expect(try store.apply(earlier)?.notable == true)
        #expect(try store.lists().map(\.name) == ["Ward B"])
    }

    @Test func aNoteArrivesOnceAndStaysWhenItsPatientLeftTheList() throws {
        let store = try store()
        _ = try store.createList("Ward", columns: [])
        _ = try store.addPatients(["p1"], to: "Ward")
        let mine = try store.addNote(patientId: "p1", text: "Seen by physio")
        let change = try #require(try store.cache.pendingTeamChanges(team: "5N").last)
        // Pulled back from the log: the same change id, so not a second note.
        let pulled = SharedTeamStore.AppliedChange(
            kind: TeamChangeKind.noteAdd, fields: try JSONParser.parse(change.payload), actor: "nurse_a",
            changeId: change.changeId, at: mine.createdAt)
        #expect(try store.apply(pulled) == nil, "one's own change is not news")
        _ = try store.removePatients(["p1"], from: "Ward")
        let other = SharedTeamStore.AppliedChange(
            kind: TeamChangeKind.noteAdd,
            fields: .object(["patientId": .string("p1"), "text": .string("Call daughter")]),
            actor: "nurse_b", changeId: UUID().uuidString, at: Date())
        #expect(try store.apply(other)?.sentence == "nurse_b wrote a note.")
        #expect(try store.notes(patientId: "p1").map(\.text).sorted() == ["Call daughter", "Seen by physio"])
    }

    /// Replays a store's pending changes on another store, as the team's log does.
    func replay(_ from: SharedTeamStore, on to: SharedTeamStore, actor: String) throws {
        for change in try from.cache.pendingTeamChanges(team: from.team) where change.kind != TeamChangeKind.audit {
            _ = try to.apply(
                SharedTeamStore.AppliedChange(
                    kind: change.kind, fields: try JSONParser.parse(change.payload), actor: actor,
                    changeId: change.changeId, at: change.occurredAt))
        }
    }

    @Test func aHandoffReachesAnotherWorkstationWholeAndReplayingItChangesNothing() throws {
        let a = try store(role: "nurse_a")
        _ = try a.createList("Ward", columns: [])
        _ = try a.addPatients(["p1", "p2"], to: "Ward")
        try a.setHandoff(
            list: "Ward", patient: "p1",
            HandoffEdit(severity: .unstable, summary: "Day 2 sepsis", contingency: "If MAP < 65, bolus 500 mL"))
        _ = try a.addTodo(list: "Ward", patient: "p1", text: "Repeat lactate", owner: "registrar", due: "10:00")
        _ = try a.addTodo(list: "Ward", patient: "p1", text: "Chase cultures", owner: nil, due: nil)
        let done = try a.setTodoDone(list: "Ward", patient: "p1", number: 2, done: true)
        #expect(done.isDone && done.doneBy == "nurse_a")
        #expect(try a.acceptHandoff(list: "Ward", patients: []) == ["p1", "p2"])
        #expect(
            try pending(a).suffix(5) == ["handoff.set", "todo.add", "todo.add", "todo.done", "handoff.accept"])
        let b = try store(role: "nurse_b")
        try replay(a, on: b, actor: "nurse_a")
        try replay(a, on: b, actor: "nurse_a")
        let mine = try a.handoffs(list: "Ward")
        let theirs = try b.handoffs(list: "Ward")
        #expect(theirs.count == 2)
        #expect(theirs[0].severity == .unstable && theirs[0].summary == "Day 2 sepsis")
        #expect(theirs[0].contingency == "If MAP < 65, bolus 500 mL")
        #expect(theirs[0].todos.map(\.text) == ["Repeat lactate", "Chase cultures"], "once each, in order")
        #expect(theirs[0].todos.map(\.number) == [1, 2] && theirs[0].todos.map(\.isDone) == [false, true])
        #expect(theirs[0].todos[1].doneBy == "nurse_a" && theirs[0].todos[0].owner == "registrar")
        #expect(theirs.map(\.acceptedBy) == ["nurse_a", "nurse_a"])
        #expect(theirs[0].todos.map(\.id) == mine[0].todos.map(\.id))
        #expect(theirs[0].acceptedAt == mine[0].acceptedAt)
    }

    @Test func ofTwoHandoffEditsTheLaterWinsWhicheverArrivesLast() throws {
        let store = try store()
        _ = try store.createList("Ward", columns: [])
        _ = try store.addPatients(["p1"], to: "Ward")
        let listId = try #require(try store.cache.teamListId(of: "Ward"))
        func edit(_ severity: String, by actor: String, at: Date) throws -> TeamNews? {
            let fields: JSONValue = .object([
                "listId": .string(listId), "patientId": .string("p1"), "severity": .string(severity),
            ])
            return try store.apply(
                SharedTeamStore.AppliedChange(
                    kind: TeamChangeKind.handoffSet, fields: fields, actor: actor, changeId: UUID().uuidString, at: at))
        }
        let now = Date()
        #expect(try edit("watcher", by: "nurse_b", at: now)?.sentence == "nurse_b updated a handoff on 'Ward'.")
        _ = try edit("stable", by: "nurse_c", at: now.addingTimeInterval(-600))
        #expect(try store.handoffs(list: "Ward")[0].severity == .watcher, "an older edit pushed late is not kept")
        // A handoff for a patient not on the list (removed meanwhile) is dropped, not an error.
        _ = try store.removePatients(["p1"], from: "Ward")
        #expect(try edit("unstable", by: "nurse_b", at: now.addingTimeInterval(60)) == nil)
    }

    @Test func aKindFromANewerRoundsIsSkipped() throws {
        let store = try store()
        let unknown = SharedTeamStore.AppliedChange(
            kind: "handoff.set", fields: .object([:]), actor: "nurse_b", changeId: UUID().uuidString, at: Date())
        #expect(try store.apply(unknown) == nil)
        #expect(try store.lists().isEmpty)
    }
}
