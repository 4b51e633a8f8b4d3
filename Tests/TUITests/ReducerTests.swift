import Clinical
import Foundation
import RoundsCore
import ScreenKit
import TUI
import Testing

/// Whole next state and effects for each action that matters.
@Suite struct ReducerTests {
    func press(_ s: inout AppState, _ keys: Key...) -> [Effect] {
        keys.flatMap { Reducer.reduce(&s, .keyPressed($0)) }
    }

    @Test func rowsOfARiskListOpenWithTheHighestNEWS2First() {
        let s = Fixtures.state()
        #expect(s.sort == SortSpec(column: .news2, descending: true))
        #expect(s.rows.map(\.id) == ["p1", "p3", "p2"])
    }

    @Test func movingDownSelectsAndLoadsTheNextPatient() {
        var s = Fixtures.state()
        var expected = s
        let effects = press(&s, .down)
        expected.rowIndex = 1
        expected.lastActivity = s.now
        #expect(s == expected)
        #expect(effects == [.loadDetail(id: "p3")])
        #expect(press(&s, .char("j")) == [.loadDetail(id: "p2")])
        _ = Reducer.reduce(&s, .detailLoaded(.init(record: Fixtures.records[1], notes: [], news2: nil)))
        #expect(press(&s, .down) == [], "the last row stays selected")
        #expect(s.rowIndex == 2)
    }

    @Test func tabMovesBetweenPanesAndListsLoadTheirRows() {
        var s = Fixtures.state()
        _ = press(&s, .tab)
        #expect(s.focus == .detail)
        _ = press(&s, .tab)
        #expect(s.focus == .lists)
        let effects = press(&s, .down)
        #expect(effects == [.loadRows(list: "ICU step-down")])
        #expect(s.listIndex == 1 && s.rowIndex == 0 && s.detail == nil && s.sort == nil)
    }

    @Test func sortKeysCycleColumnsAndReverse() {
        var s = Fixtures.state()
        _ = press(&s, .char(">"))
        #expect(s.sort == SortSpec(column: .heartRate, descending: false))
        #expect(s.rows.map(\.id) == ["p2", "p3", "p1"])
        _ = press(&s, .char("r"))
        #expect(s.rows.map(\.id) == ["p1", "p3", "p2"])
        _ = press(&s, .char("<"), .char("<"))
        #expect(s.sort?.column == .location)
    }

    @Test func maskTogglesAndLockOpensOnlyForTheRightSecret() {
        var s = Fixtures.state()
        _ = press(&s, .char("m"))
        #expect(s.masked)
        #expect(press(&s, .char("L")) == [.audit(operation: .screenLock, patients: [], list: nil)])
        #expect(s.mode == .locked)
        #expect(press(&s, .enter) == [], "Enter alone does not unlock")
        #expect(press(&s, .char("q")) == [], "q is part of the secret, it does not quit")
        #expect(!s.quit)
        _ = press(&s, .backspace, .char("1"), .char("2"), .char("3"), .char("x"), .backspace, .char("4"))
        #expect(s.lock.typed == "1234")
        #expect(press(&s, .enter) == [.checkUnlock("1234")])
        #expect(s.lock.typed.isEmpty, "the typed secret is not kept")
        #expect(press(&s, .char("9")) == [] && s.lock.typed.isEmpty, "keys wait while the check runs")
        #expect(Reducer.reduce(&s, .unlockChecked(true)) == [.audit(operation: .screenUnlock, patients: [], list: nil)])
        #expect(s.mode == .browse)
        #expect(s.masked, "unlocking keeps the mask")
    }

    @Test func fiveWrongAttemptsAreAuditedAndBlockTheLockForAMinute() {
        var s = Fixtures.state()
        _ = press(&s, .char("L"))
        for attempt in 1...5 {
            _ = press(&s, .char("0"), .char("0"), .char("0"), .char("0"))
            #expect(press(&s, .enter) == [.checkUnlock("0000")])
            #expect(
                Reducer.reduce(&s, .unlockChecked(false)) == [
                    .audit(operation: .screenUnlockFailed, patients: [], list: nil)
                ])
            #expect(s.mode == .locked)
            #expect((attempt < 5) == (s.lock.blockedUntil == nil), "attempt \(attempt)")
        }
        #expect(s.lock.blockedUntil == Fixtures.now.addingTimeInterval(60))
        #expect(Views.render(s, theme: Theme.fallback).text.contains("try again in 60 s"))
        _ = press(&s, .char("1"), .char("2"), .char("3"), .char("4"))
        #expect(press(&s, .enter) == [], "a blocked lock checks nothing")
        #expect(s.lock.typed.isEmpty)
        _ = Reducer.reduce(&s, .clockTicked(Fixtures.now.addingTimeInterval(59)))
        _ = press(&s, .char("1"))
        #expect(s.lock.typed.isEmpty, "still blocked at 59 s")
        _ = Reducer.reduce(&s, .clockTicked(Fixtures.now.addingTimeInterval(61)))
        _ = press(&s, .char("1"))
        #expect(press(&s, .enter) == [.checkUnlock("1")], "after the minute the lock listens again")
    }

    @Test func idleTimeLocksTheScreen() {
        var s = Fixtures.state()
        s.lockAfter = 300
        #expect(Reducer.reduce(&s, .clockTicked(Fixtures.now.addingTimeInterval(299))) == [])
        #expect(s.mode == .browse)
        #expect(
            Reducer.reduce(&s, .clockTicked(Fixtures.now.addingTimeInterval(301))) == [
                .audit(operation: .screenLock, patients: [], list: nil)
            ])
        #expect(s.mode == .locked)
    }

    @Test func searchTypesRunsPicksAndAdds() {
        var s = Fixtures.state()
        _ = press(&s, .char("/"))
        #expect(s.mode == .search)
        _ = press(&s, .char("z"), .char("o"), .char("x"), .backspace)
        #expect(s.search.query == "zo")
        #expect(press(&s, .enter) == [.search(query: "zo")])
        #expect(s.search.busy)
        let zoe = Fixtures.records[2].patient
        _ = Reducer.reduce(&s, .searchCompleted(query: "zo", results: [zoe], total: 1, source: "server"))
        #expect(!s.search.busy && s.search.total == 1)
        #expect(press(&s, .down) == [.loadDetail(id: "p3")])
        #expect(s.search.focusResults)
        #expect(press(&s, .char("a")) == [.addToList(id: "p3", list: "4 West high risk")])
        #expect(
            press(&s, .enter) == [.loadDetail(id: "p3"), .audit(operation: .patientView, patients: ["p3"], list: nil)])
        _ = press(&s, .escape)
        #expect(s.mode == .browse)
    }

    @Test func staleSearchResultsAreIgnored() {
        var s = Fixtures.state()
        _ = press(&s, .char("/"), .char("a"))
        _ = Reducer.reduce(
            &s, .searchCompleted(query: "old", results: [Fixtures.records[0].patient], total: 1, source: "server"))
        #expect(s.search.results.isEmpty)
    }

    @Test func noteEditorSavesWithCtrlS() {
        var s = Fixtures.state()
        _ = press(&s, .char("n"))
        #expect(s.mode == .note)
        _ = press(&s, .char("o"), .char("k"), .enter, .char("!"))
        #expect(press(&s, .ctrl("s")) == [.saveNote(id: "p1", text: "ok\n!")])
        #expect(s.mode == .browse && s.noteDraft.isEmpty)
    }

    @Test func removeAsksFirst() {
        var s = Fixtures.state()
        #expect(press(&s, .char("d")) == [])
        #expect(s.mode == .confirm)
        #expect(s.confirm?.question == "Remove Black, Ruth C. from '4 West high risk'?")
        #expect(press(&s, .char("y")) == [.removeFromList(id: "p1", list: "4 West high risk")])
        _ = press(&s, .char("d"), .char("n"))
        #expect(s.mode == .browse && s.status.message == "Cancelled.")
    }

    @Test func presentWalksTheListInOrder() {
        var s = Fixtures.state()
        #expect(press(&s, .char("p")) == [.loadDetail(id: "p1")])
        #expect(s.mode == .present)
        #expect(
            press(&s, .right) == [
                .loadDetail(id: "p3"), .audit(operation: .patientView, patients: ["p3"], list: "4 West high risk"),
            ])
        #expect(s.presentIndex == 1)
        _ = press(&s, .left, .left)
        #expect(s.presentIndex == 0)
        _ = press(&s, .escape)
        #expect(s.mode == .browse && s.rowIndex == 0)
    }

    @Test func commandLineRunsListAndThemeCommands() {
        var s = Fixtures.state()
        _ = press(&s, .char(":"))
        for c in "list create Night shift" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.createList("Night shift")])
        _ = press(&s, .char(":"))
        for c in "theme high-contrast" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.setTheme("high-contrast")])
        _ = press(&s, .char(":"))
        for c in "columns name,bogus" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [])
        #expect(s.status.messageIsError)
        #expect(s.status.message?.contains("Unknown column 'bogus'") == true)
    }

    @Test func syncRunsInTheBackgroundAndReports() {
        var s = Fixtures.state()
        #expect(press(&s, .char("s")) == [.sync(list: "4 West high risk")])
        #expect(s.status.sync?.total == 3)
        #expect(press(&s, .char("s")) == [], "one sync at a time")
        _ = Reducer.reduce(&s, .syncProgressed(SyncProgress(done: 2, total: 3, failed: 1, elapsed: 1)))
        #expect(s.status.sync?.done == 2)
        let summary = SyncSummary(
            list: "4 West high risk", total: 3, synced: 2, unchanged: 0, failed: [.init(id: "p2", reason: "timed out")],
            durationSeconds: 1, interrupted: false, remaining: 0)
        #expect(
            Reducer.reduce(&s, .syncFinished(summary, lastSync: Fixtures.now)) == [.loadRows(list: "4 West high risk")])
        #expect(s.status.sync == nil && s.status.syncFailures.count == 1 && s.status.messageIsError)
        _ = press(&s, .char("f"))
        #expect(s.mode == .failures)
    }

    @Test func errorsStayUntilDismissed() {
        var s = Fixtures.state()
        _ = Reducer.reduce(&s, .operationFailed("Cannot reach 'x' (timed out after 15 s)."))
        _ = press(&s, .down)
        #expect(s.status.message != nil)
        _ = press(&s, .escape)
        #expect(s.status.message == nil)
    }

    @Test func quitOnlyFromTheTopLevel() {
        var s = Fixtures.state()
        _ = press(&s, .char("/"), .char("q"))
        #expect(!s.quit && s.search.query == "q")
        _ = press(&s, .escape)
        #expect(press(&s, .char("q")) == [.quit])
        #expect(s.quit)
    }

    @Test func mouseClickSelectsRowsAndSortsByHeader() {
        var s = Fixtures.state()
        let l = Layout(width: 120, height: 40)
        #expect(
            Reducer.reduce(&s, .keyPressed(.mouse(MouseEvent(kind: .click, x: l.patients.x + 5, y: l.firstRowY + 2))))
                == [.loadDetail(id: "p2")])
        _ = Reducer.reduce(&s, .keyPressed(.mouse(MouseEvent(kind: .click, x: l.patients.x + 3, y: l.headerY))))
        #expect(s.sort?.column == .name)
        s.mouseEnabled = false
        #expect(
            Reducer.reduce(&s, .keyPressed(.mouse(MouseEvent(kind: .click, x: l.patients.x + 5, y: l.firstRowY)))) == []
        )
    }

    @Test func resizeKeepsTheSelectionVisible() {
        var s = Fixtures.state()
        _ = press(&s, .end)
        _ = Reducer.reduce(&s, .resized(width: 80, height: 24))
        #expect(s.width == 80 && s.rowIndex == 2)
        #expect(s.rowIndex >= s.rowScroll && s.rowIndex < s.rowScroll + Layout(width: 80, height: 24).visibleRows)
    }

    @Test func searchFieldUnderstandsWhatWasTyped() {
        #expect(SearchParser.query("1951-08-23").birthDate == "1951-08-23")
        #expect(SearchParser.query("1234567").mrn == "1234567")
        #expect(SearchParser.query("ruth black").name == "ruth black")
        let q = SearchParser.query("Black, Ruth")
        #expect(q.family == "Black" && q.given == "Ruth")
        let g = SearchParser.query("zoe female")
        #expect(g.name == "zoe" && g.gender == "female")
    }

    @Test func bindingsDocIsGeneratedFromTheTable() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Docs/keybindings.md")
        #expect(
            try String(contentsOf: doc, encoding: .utf8) == Bindings.markdown, "run: rounds keys > Docs/keybindings.md")
        for b in Bindings.browse where b.footer != nil { #expect(Bindings.markdown.contains(b.description)) }
    }
}
