import Foundation
import RoundsCore
import ScreenKit
import Testing

@testable import TUI

/// The binding table drives every mode; keys and the mouse call the same commands; a command
/// that cannot act says why.
@Suite struct CommandTests {
    func press(_ state: inout AppState, _ keys: Key...) -> [Effect] {
        keys.flatMap { Reducer.reduce(&state, .keyPressed($0)) }
    }

    @Test func aCommandThatCannotActSaysWhy() {
        var state = Fixtures.state()
        _ = Reducer.reduce(&state, .rowsLoaded(list: "4 West high risk", rows: [], columns: Column.defaults))
        let cases: [(Key, String)] = [
            (.char("n"), "Select a patient to write a note on."),
            (.char("d"), "Select a patient to remove."),
            (.char("p"), "Present mode needs a list with patients."),
            (.char("H"), "Select a patient to mark."),
            (.char("r"), "No column is sorted: < or > sorts by one."),
        ]
        for (key, reason) in cases {
            state.sort = nil
            state.status.message = nil
            #expect(press(&state, key) == [], "\(key)")
            #expect(state.status.message == reason, "\(key)")
            #expect(state.mode == .browse)
        }
    }

    @Test func clickingAnotherListClearsTheOldPatientLikeTheKeys() {
        var byMouse = Fixtures.state()
        var byKeys = Fixtures.state()
        let layout = Layout(width: byMouse.width, height: byMouse.height)
        let click = MouseEvent(kind: .click, x: layout.lists.x + 3, y: layout.lists.y + 2)
        let clicked = Reducer.reduce(&byMouse, .keyPressed(.mouse(click)))
        byKeys.focus = .lists
        let keyed = press(&byKeys, .down)
        #expect(clicked == [.loadRows(list: "ICU step-down")])
        #expect(byMouse.detail == nil, "the old list's patient left the detail pane")
        #expect(byMouse == byKeys)
        #expect(keyed == clicked)
    }

    @Test func colonSyncIsTheSyncKey() {
        var byColon = Fixtures.state()
        var byKey = Fixtures.state()
        _ = press(&byColon, .char(":"), .char("s"), .char("y"), .char("n"), .char("c"))
        let colon = press(&byColon, .enter)
        let key = press(&byKey, .char("s"))
        #expect(colon == [.sync(list: "4 West high risk")])
        #expect(colon == key)
        #expect(byColon.status.sync == byKey.status.sync)
        _ = press(&byKey, .char("s"))
        #expect(byKey.status.message == "A sync is already running.")
    }

    @Test func aIsALetterOfTheNameUntilAResultIsSelected() {
        var state = Fixtures.state()
        _ = press(&state, .char("/"), .char("a"), .char("n"), .char("a"))
        #expect(state.search.query == "ana", "typed, not the add command")
        #expect(press(&state, .enter) == [.search(query: "ana")])
        #expect(press(&state, .backspace, .backspace) == [])
        #expect(state.search.query == "a")
    }

    @Test func helpScrollsAndStopsAtTheLastPage() {
        var state = Fixtures.state(width: 80, height: 24)
        _ = press(&state, .char("?"))
        let lines = Overlays.helpLines().count
        let visible = Overlays.helpVisibleLines(state)
        #expect(lines > visible, "at 80×24 the keys do not fit")
        for _ in 0..<200 { _ = press(&state, .down) }
        #expect(state.helpScroll == lines - visible)
        _ = press(&state, .up)
        #expect(state.helpScroll == lines - visible - 1, "up scrolls at once, whatever was pressed before")
        _ = press(&state, .pageUp, .pageUp, .pageUp, .pageUp, .pageUp, .pageUp)
        #expect(state.helpScroll == 0)
        let last = Views.render(state, theme: Theme.fallback).text
        #expect(last.contains("Lists and patients") && last.contains("of \(lines)"))
        _ = press(&state, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown)
        #expect(Views.render(state, theme: Theme.fallback).text.contains("Unlock with the password or PIN typed"))
        _ = press(&state, .escape)
        #expect(state.mode == .browse)
    }

    @Test func everyCommandOfEveryTableActsInItsMode() {
        // No binding is dead: each mode's commands are handled by that mode (not dropped).
        let handled: [AppState.Mode: Set<Command>] = [
            .search: [.open, .add, .up, .down, .erase, .back],
            .note: [.save, .newLine, .erase, .back],
            .command: [.open, .erase, .back],
            .help: [.back, .up, .down, .pageUp, .pageDown],
            .present: [.presentNext, .presentPrevious, .mask, .lock, .back],
            .confirm: [.confirmYes, .confirmNo],
            .failures: [.back],
        ]
        for (mode, commands) in handled {
            #expect(Set(Bindings.table(for: mode).map(\.command)) == commands, "\(mode)")
        }
    }
}
