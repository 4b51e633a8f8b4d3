import Foundation
import RoundsCore
import ScreenKit
import Testing

@testable import TUI

/// The open list refreshes itself on an interval: never while locked or offline, less often while
/// the EHR does not answer, and a patient whose NEWS2 band rose is marked until opened.
@Suite struct RefreshTests {
    static func due() -> AppState {
        var state = Fixtures.state()
        state.refreshAfter = 300
        state.status.lastSync = state.now.addingTimeInterval(-301)
        return state
    }

    @Test func theOpenListIsSyncedWhenTheIntervalHasPassed() {
        var state = Self.due()
        var expected = state
        let later = state.now.addingTimeInterval(1)
        let effects = Reducer.reduce(&state, .clockTicked(later))
        #expect(effects == [.sync(list: "4 West high risk")])
        expected.now = later
        expected.status.sync = SyncProgress(done: 0, total: 3, failed: 0, elapsed: 0)
        expected.lastRefreshAttempt = later
        expected.refreshing = true
        expected.bandsBeforeSync = Dictionary(
            uniqueKeysWithValues: state.rows.compactMap { row in row.news2.map { (row.id, $0.band) } })
        #expect(state == expected)
        // The next tick does not start another.
        #expect(Reducer.reduce(&state, .clockTicked(later.addingTimeInterval(1))).isEmpty)
    }

    @Test func neverWhileLockedOfflineOrBeforeItIsDue() {
        var locked = Self.due()
        locked.mode = .locked
        #expect(Reducer.reduce(&locked, .clockTicked(locked.now)).isEmpty)
        var offline = Self.due()
        offline.status.online = false
        #expect(Reducer.reduce(&offline, .clockTicked(offline.now)).isEmpty)
        var early = Self.due()
        early.status.lastSync = early.now.addingTimeInterval(-60)
        #expect(Reducer.reduce(&early, .clockTicked(early.now)).isEmpty)
        var off = Self.due()
        off.refreshAfter = 0
        #expect(Reducer.reduce(&off, .clockTicked(off.now)).isEmpty)
    }

    @Test func anUnreachableEHRIsAskedLessOften() {
        var state = Self.due()
        let unreachable = SyncSummary(
            list: "4 West high risk", total: 3, synced: 0, unchanged: 0,
            failed: [.init(id: "p1", reason: "Cannot reach", unreachable: true)], durationSeconds: 1,
            interrupted: true, remaining: 2)
        var backoffs: [TimeInterval] = []
        for _ in 0..<4 {
            state.now = state.now.addingTimeInterval(300 + state.refreshBackoff)
            #expect(Commands.backgroundRefreshIfDue(&state) == [.sync(list: "4 West high risk")])
            _ = Reducer.reduce(&state, .syncFinished(unreachable, lastSync: nil))
            backoffs.append(state.refreshBackoff)
        }
        #expect(backoffs == [300, 600, 1200, 1200])
        // Not yet due with the backoff added.
        state.now = state.now.addingTimeInterval(400)
        #expect(Commands.backgroundRefreshIfDue(&state).isEmpty)
        state.now = state.now.addingTimeInterval(1200)
        _ = Commands.backgroundRefreshIfDue(&state)
        let fine = SyncSummary(
            list: "4 West high risk", total: 3, synced: 3, unchanged: 0, failed: [], durationSeconds: 1,
            interrupted: false, remaining: 0)
        _ = Reducer.reduce(&state, .syncFinished(fine, lastSync: state.now))
        #expect(state.refreshBackoff == 0)
        #expect(state.status.message?.hasPrefix("Refreshed at ") == true)
    }

    @Test func aRisenNEWS2IsMarkedUntilThePatientIsOpened() throws {
        var state = Fixtures.state()
        let other = try #require(
            state.rows.first { $0.id != state.detail?.record.id && ($0.news2?.band ?? .routine) > .routine })
        _ = Commands.beginSync(try #require(state.currentList), background: false, &state)
        state.bandsBeforeSync?[other.id] = .routine
        _ = Reducer.reduce(
            &state,
            .syncFinished(
                SyncSummary(
                    list: "4 West high risk", total: 3, synced: 3, unchanged: 0, failed: [], durationSeconds: 1,
                    interrupted: false, remaining: 0), lastSync: state.now))
        _ = Reducer.reduce(&state, .rowsLoaded(list: "4 West high risk", rows: state.rows, columns: state.columns))
        #expect(state.risen == [other.id], "only the patient whose band rose")
        let marks = { (state: AppState) in Views.render(state, theme: Theme.fallback).text.filter { $0 == "▲" }.count }
        var unmarked = state
        unmarked.risen = []
        #expect(marks(state) == marks(unmarked) + 1, "the row carries ▲")
        // Opening it (selecting it brings its detail) clears the mark.
        state.rowIndex = try #require(state.rows.firstIndex { $0.id == other.id })
        _ = Reducer.reduce(
            &state, .detailLoaded(.init(record: try #require(other.record), notes: [], news2: other.news2)))
        #expect(state.risen.isEmpty)
    }
}
