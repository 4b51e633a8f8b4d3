import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// The pure heart of the TUI: (state, action) → (state, effects). No I/O, no clock of its own.
public enum Reducer {
    public static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .keyPressed(let key):
            state.lastActivity = state.now
            if case .resize(let w, let h) = key { return reduce(&state, .resized(width: w, height: h)) }
            if case .mouse(let m) = key { return state.mouseEnabled ? mouse(&state, m) : [] }
            return Keys.handle(&state, key)
        case .resized(let w, let h):
            state.width = w
            state.height = h
            clampRows(&state)
            return []
        case .unlockChecked(let ok):
            return unlockChecked(&state, ok)
        case .clockTicked(let now):
            state.now = now
            if let until = state.lock.blockedUntil, now >= until {
                state.lock.blockedUntil = nil
                state.lock.message = nil
            }
            if state.mode != .locked, state.lockAfter > 0, now.timeIntervalSince(state.lastActivity) >= state.lockAfter
            {
                return lock(&state)
            }
            return Commands.backgroundRefreshIfDue(&state)
        case .listsLoaded(let lists, let select):
            // The first lists to arrive open on the default list.
            let firstLoad = state.lists.isEmpty
            state.lists = lists
            if let select, let i = lists.firstIndex(where: { $0.name == select }) {
                state.listIndex = i
            } else if firstLoad || state.currentList == nil || state.listIndex >= lists.count {
                state.listIndex = lists.firstIndex(where: \.isDefault) ?? 0
            }
            guard let l = state.currentList else {
                state.rows = []
                state.detail = nil
                return []
            }
            return [.loadRows(list: l.name)]
        case .rowsLoaded(let list, let rows, let columns):
            guard list == state.currentList?.name else { return [] }
            let keepId = state.selectedRow?.id
            state.columns = columns
            if state.sort == nil, columns.contains(.news2) { state.sort = SortSpec(column: .news2, descending: true) }
            state.rows = sorted(rows, state.sort, now: state.now)
            if let keepId, let i = state.rows.firstIndex(where: { $0.id == keepId }) {
                state.rowIndex = i
            } else {
                state.rowIndex = min(state.rowIndex, max(0, state.rows.count - 1))
            }
            clampRows(&state)
            if let i = state.lists.firstIndex(where: { $0.name == list }) { state.lists[i].count = rows.count }
            // After a sync: the patients whose NEWS2 band rose are marked until opened.
            if state.status.sync == nil, let before = state.bandsBeforeSync {
                state.bandsBeforeSync = nil
                for row in state.rows {
                    guard let band = row.news2?.band, let old = before[row.id], band > old else { continue }
                    if row.id != state.detail?.record.id { state.risen.insert(row.id) }
                }
            }
            return state.selectedRow.map { [.loadDetail(id: $0.id)] } ?? []
        case .detailLoaded(let d):
            if state.mode == .present || state.selectedRow?.id == d.record.id || state.mode == .search
                || state.detail?.record.id == d.record.id || state.selectedRow == nil
            {
                if state.detail?.record.id != d.record.id { state.detailScroll = 0 }
                state.detail = d
                state.risen.remove(d.record.id)
            }
            return []
        case .searchCompleted(let q, let results, let total, let source):
            guard q == state.search.query else { return [] }
            state.search.results = results
            state.search.total = total
            state.search.source = source
            state.search.busy = false
            state.search.index = 0
            state.search.error = nil
            return []
        case .searchFailed(let q, let message):
            guard q == state.search.query else { return [] }
            state.search.busy = false
            state.search.error = message
            return []
        case .connectionChanged(let online, let conn, let version, let tenant, let lastSync, let message):
            state.status.online = online
            state.status.connection = conn
            state.status.fhirVersion = version
            state.status.tenant = tenant
            if let lastSync { state.status.lastSync = lastSync }
            if let message {
                state.status.message = message
                state.status.messageIsError = !online
            }
            return []
        case .syncProgressed(let p):
            state.status.sync = p
            return []
        case .syncFinished(let summary, let lastSync):
            state.status.sync = nil
            state.status.syncFailures = summary.failed
            if let lastSync { state.status.lastSync = lastSync }
            let counts = "\(summary.synced), unchanged \(summary.unchanged), failed \(summary.failed.count)"
            let why = summary.failed.isEmpty ? "." : " — press f to see why."
            if state.refreshing {
                state.refreshing = false
                state.status.message = "Refreshed at \(Age.short(state.now, now: state.now)): \(counts)\(why)"
                // An EHR that does not answer is asked less often, up to four times the interval.
                let unreachable = summary.failed.first?.unreachable == true
                state.refreshBackoff =
                    unreachable ? min(max(state.refreshBackoff * 2, state.refreshAfter), state.refreshAfter * 4) : 0
            } else {
                state.status.message = "Synced \(counts)\(why)"
            }
            state.status.messageIsError = !summary.failed.isEmpty
            return state.currentList.map { [.loadRows(list: $0.name)] } ?? []
        case .operationSucceeded(let m):
            state.status.message = m
            state.status.messageIsError = false
            return []
        case .operationFailed(let m):
            state.status.message = m
            state.status.messageIsError = true
            return []
        case .teamReported(let report):
            return teamReported(&state, report)
        case .themeChanged(let name):
            state.themeName = name
            return []
        }
    }

    static func sorted(_ rows: [ListRow], _ sort: SortSpec?, now: Date) -> [ListRow] {
        guard let sort else { return rows }
        return ListBuilder.sort(rows, by: sort.column, descending: sort.descending, now: now)
    }

    static func clampRows(_ state: inout AppState) {
        let visible = Layout(width: state.width, height: state.height).visibleRows
        state.rowIndex = max(0, min(state.rowIndex, state.rows.count - 1))
        if state.rowIndex < state.rowScroll { state.rowScroll = state.rowIndex }
        if state.rowIndex >= state.rowScroll + visible { state.rowScroll = state.rowIndex - visible + 1 }
        state.rowScroll = max(0, min(state.rowScroll, max(0, state.rows.count - visible)))
    }

    /// The team link's report: the status shows the database's state, the others' changes are
    /// read again from the local copy, and the status line says who made the latest.
    static func teamReported(_ state: inout AppState, _ report: TeamLink.Report) -> [Effect] {
        let wasOnline = state.status.team?.online
        state.status.team?.online = report.online
        state.status.team?.pending = report.pending
        if !report.online, wasOnline != false, let problem = report.problem {
            state.status.message = "Team database: \(problem)"
            state.status.messageIsError = true
        }
        if report.online, wasOnline == false {
            state.status.message = "The team database is back; changes made meanwhile were sent."
            state.status.messageIsError = false
        }
        guard let latest = report.news.last else { return [] }
        let others = report.news.count - 1
        let more = others > 0 ? " (and \(others) more changes)" : ""
        state.status.message = "\(latest.sentence)\(more) at \(Age.short(state.now, now: state.now))"
        state.status.messageIsError = false
        var effects: [Effect] = [.loadLists(select: state.currentList?.name)]
        if let detail = state.detail { effects.append(.loadDetail(id: detail.record.id)) }
        return effects
    }

    static func lock(_ state: inout AppState) -> [Effect] {
        guard state.mode != .locked else { return [] }
        state.previousMode = state.mode == .present ? .present : .browse
        state.mode = .locked
        state.lock.typed = ""
        state.lock.message = nil
        return [.audit(operation: .screenLock, patients: [], list: nil)]
    }

    /// A key at the lock: part of the secret, or Enter to have it checked. While a check runs or
    /// after five wrong attempts (for a minute) keys are ignored.
    static func lockedKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        if let until = state.lock.blockedUntil {
            guard state.now >= until else { return [] }
            state.lock.blockedUntil = nil
            state.lock.message = nil
        }
        guard !state.lock.checking else { return [] }
        switch Bindings.command(for: key, in: .locked) {
        case .unlock:
            guard !state.lock.typed.isEmpty else { return [] }
            let typed = state.lock.typed
            state.lock.typed = ""
            state.lock.checking = true
            state.lock.message = "Checking…"
            return [.checkUnlock(typed)]
        case .eraseSecret:
            if !state.lock.typed.isEmpty { state.lock.typed.removeLast() }
        case .clearSecret:
            state.lock.typed = ""
        default:
            if case .char(let c) = key, state.lock.typed.count < 256 { state.lock.typed.append(c) }
        }
        return []
    }

    static func unlockChecked(_ state: inout AppState, _ ok: Bool) -> [Effect] {
        state.lock.checking = false
        guard state.mode == .locked else { return [] }
        if ok {
            state.mode = state.previousMode
            state.lock.failures = 0
            state.lock.message = nil
            state.lastActivity = state.now
            return [.audit(operation: .screenUnlock, patients: [], list: nil)]
        }
        state.lock.failures += 1
        if state.lock.failures >= ScreenUnlocker.attemptsBeforeBlock {
            state.lock.failures = 0
            state.lock.blockedUntil = state.now.addingTimeInterval(ScreenUnlocker.blockSeconds)
            state.lock.message =
                "\(ScreenUnlocker.attemptsBeforeBlock) wrong attempts: the lock refuses every attempt for a minute."
        } else {
            let left = ScreenUnlocker.attemptsBeforeBlock - state.lock.failures
            state.lock.message =
                "Not right. \(left) more attempt\(left == 1 ? "" : "s") before the lock waits a minute."
        }
        return [.audit(operation: .screenUnlockFailed, patients: [], list: nil)]
    }

    /// Clicks and the wheel call the same commands as the keys.
    static func mouse(_ state: inout AppState, _ event: MouseEvent) -> [Effect] {
        guard state.mode == .browse else { return [] }
        let layout = Layout(width: state.width, height: state.height)
        let inLists = layout.lists.contains(x: event.x, y: event.y)
        let inPatients = layout.patients.contains(x: event.x, y: event.y)
        let inDetail = layout.detail.contains(x: event.x, y: event.y)
        switch event.kind {
        case .wheelUp, .wheelDown:
            state.focus = inDetail ? .detail : (inLists ? .lists : .patients)
            return Commands.move(by: event.kind == .wheelUp ? -1 : 1, &state)
        case .click:
            if inLists {
                state.focus = .lists
                return Commands.selectList(event.y - layout.lists.y - 1, &state)
            }
            if inPatients {
                state.focus = .patients
                if event.y == layout.headerY, let column = Views.column(at: event.x, state: state) {
                    return sortByHeader(column, &state)
                }
                let index = state.rowScroll + event.y - layout.firstRowY
                guard state.rows.indices.contains(index) else { return [] }
                return Commands.selectRow(index, &state)
            }
            if inDetail { state.focus = .detail }
            return []
        }
    }

    /// A click on a column header sorts by it; a second click reverses.
    static func sortByHeader(_ column: Column, _ state: inout AppState) -> [Effect] {
        guard let current = state.sort, current.column == column else { return Commands.sort(by: column, &state) }
        return Commands.reverseSort(&state)
    }
}
