import Foundation
import RoundsCore
import ScreenKit
import Store
import TUI
import Testing

/// The team link's reports: whole next state and effects.
@Suite struct TeamReducerTests {
    static func connected() -> AppState {
        var state = Fixtures.state()
        state.status.team = AppState.Team(name: "5N", online: true, pending: 0)
        return state
    }

    @Test func anotherWorkstationsChangeReloadsTheListAndSaysWhoMadeIt() throws {
        var state = Self.connected()
        var expected = state
        let news = [
            TeamNews(actor: "nurse_b", sentence: "nurse_b wrote a note.", notable: false),
            TeamNews(actor: "nurse_b", sentence: "nurse_b added a patient to 'Ward'.", notable: false),
        ]
        let effects = Reducer.reduce(&state, .teamReported(.init(online: true, pending: 0, news: news, problem: nil)))
        let clock = Age.short(state.now, now: state.now)
        expected.status.message = "nurse_b added a patient to 'Ward'. (and 1 more changes) at \(clock)"
        #expect(state == expected)
        // The list and the open patient (a new note) are read again from the local copy.
        let open = try #require(state.detail?.record.id)
        #expect(effects == [.loadLists(select: "4 West high risk"), .loadDetail(id: open)])
    }

    @Test func aReportWithNothingNewChangesOnlyTheCount() {
        var state = Self.connected()
        var expected = state
        let effects = Reducer.reduce(&state, .teamReported(.init(online: true, pending: 2, news: [], problem: nil)))
        expected.status.team?.pending = 2
        #expect(state == expected)
        #expect(effects.isEmpty)
    }

    @Test func goingOfflineIsSaidOnceAndWhatWaitsIsCounted() {
        var state = Self.connected()
        var expected = state
        let down = TeamLink.Report(online: false, pending: 3, news: [], problem: "Cannot reach the team database.")
        #expect(Reducer.reduce(&state, .teamReported(down)).isEmpty)
        expected.status.team = AppState.Team(name: "5N", online: false, pending: 3)
        expected.status.message = "Team database: Cannot reach the team database."
        expected.status.messageIsError = true
        #expect(state == expected)
        // Further failed attempts change the count, not the message a nurse may have dismissed.
        state.status.message = nil
        _ = Reducer.reduce(&state, .teamReported(.init(online: false, pending: 4, news: [], problem: "again")))
        #expect(state.status.message == nil && state.status.team?.pending == 4)
        _ = Reducer.reduce(&state, .teamReported(.init(online: true, pending: 0, news: [], problem: nil)))
        #expect(state.status.team == AppState.Team(name: "5N", online: true, pending: 0))
        #expect(state.status.message == "The team database is back; changes made meanwhile were sent.")
        #expect(state.status.messageIsError == false)
    }

    @Test func theHeaderNamesTheTeamAndWhatWaits() {
        var state = Self.connected()
        #expect(Views.render(state, theme: Theme.fallback).text.contains("team 5N"))
        state.status.team = AppState.Team(name: "5N", online: false, pending: 2)
        #expect(Views.render(state, theme: Theme.fallback).text.contains("team OFFLINE (2 waiting)"))
    }
}
