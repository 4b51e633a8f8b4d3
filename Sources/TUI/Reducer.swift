import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// The pure heart of the TUI: (state, action) → (state, effects). No I/O, no clock of its own.
public enum Reducer {
    public static func reduce(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .keyPressed(let key):
            s.lastActivity = s.now
            if case .resize(let w, let h) = key { return reduce(&s, .resized(width: w, height: h)) }
            if case .mouse(let m) = key { return s.mouseEnabled ? mouse(&s, m) : [] }
            return Keys.handle(&s, key)
        case .resized(let w, let h):
            s.width = w
            s.height = h
            clampRows(&s)
            return []
        case .unlockChecked(let ok):
            return unlockChecked(&s, ok)
        case .clockTicked(let now):
            s.now = now
            if let until = s.lock.blockedUntil, now >= until {
                s.lock.blockedUntil = nil
                s.lock.message = nil
            }
            if s.mode != .locked, s.lockAfter > 0, now.timeIntervalSince(s.lastActivity) >= s.lockAfter {
                return lock(&s)
            }
            return []
        case .listsLoaded(let lists, let select):
            // The first lists to arrive open on the default list.
            let firstLoad = s.lists.isEmpty
            s.lists = lists
            if let select, let i = lists.firstIndex(where: { $0.name == select }) {
                s.listIndex = i
            } else if firstLoad || s.currentList == nil || s.listIndex >= lists.count {
                s.listIndex = lists.firstIndex(where: \.isDefault) ?? 0
            }
            guard let l = s.currentList else {
                s.rows = []
                s.detail = nil
                return []
            }
            return [.loadRows(list: l.name)]
        case .rowsLoaded(let list, let rows, let columns):
            guard list == s.currentList?.name else { return [] }
            let keepId = s.selectedRow?.id
            s.columns = columns
            if s.sort == nil, columns.contains(.news2) { s.sort = SortSpec(column: .news2, descending: true) }
            s.rows = sorted(rows, s.sort, now: s.now)
            if let keepId, let i = s.rows.firstIndex(where: { $0.id == keepId }) {
                s.rowIndex = i
            } else {
                s.rowIndex = min(s.rowIndex, max(0, s.rows.count - 1))
            }
            clampRows(&s)
            if let i = s.lists.firstIndex(where: { $0.name == list }) { s.lists[i].count = rows.count }
            return s.selectedRow.map { [.loadDetail(id: $0.id)] } ?? []
        case .detailLoaded(let d):
            if s.mode == .present || s.selectedRow?.id == d.record.id || s.mode == .search
                || s.detail?.record.id == d.record.id || s.selectedRow == nil
            {
                if s.detail?.record.id != d.record.id { s.detailScroll = 0 }
                s.detail = d
            }
            return []
        case .searchCompleted(let q, let results, let total, let source):
            guard q == s.search.query else { return [] }
            s.search.results = results
            s.search.total = total
            s.search.source = source
            s.search.busy = false
            s.search.index = 0
            s.search.error = nil
            return []
        case .searchFailed(let q, let message):
            guard q == s.search.query else { return [] }
            s.search.busy = false
            s.search.error = message
            return []
        case .connectionChanged(let online, let conn, let version, let tenant, let lastSync, let message):
            s.status.online = online
            s.status.connection = conn
            s.status.fhirVersion = version
            s.status.tenant = tenant
            if let lastSync { s.status.lastSync = lastSync }
            if let message {
                s.status.message = message
                s.status.messageIsError = !online
            }
            return []
        case .syncProgressed(let p):
            s.status.sync = p
            return []
        case .syncFinished(let summary, let lastSync):
            s.status.sync = nil
            s.status.syncFailures = summary.failed
            if let lastSync { s.status.lastSync = lastSync }
            s.status.message =
                "Synced \(summary.synced), unchanged \(summary.unchanged), failed \(summary.failed.count)"
                + (summary.failed.isEmpty ? "." : " — press f to see why.")
            s.status.messageIsError = !summary.failed.isEmpty
            return s.currentList.map { [.loadRows(list: $0.name)] } ?? []
        case .operationSucceeded(let m):
            s.status.message = m
            s.status.messageIsError = false
            return []
        case .operationFailed(let m):
            s.status.message = m
            s.status.messageIsError = true
            return []
        case .teamReported(let report):
            return teamReported(&s, report)
        case .themeChanged(let name):
            s.themeName = name
            return []
        }
    }

    static func sorted(_ rows: [ListRow], _ sort: SortSpec?, now: Date) -> [ListRow] {
        guard let sort else { return rows }
        return ListBuilder.sort(rows, by: sort.column, descending: sort.descending, now: now)
    }

    static func clampRows(_ s: inout AppState) {
        let visible = Layout(width: s.width, height: s.height).visibleRows
        s.rowIndex = max(0, min(s.rowIndex, s.rows.count - 1))
        if s.rowIndex < s.rowScroll { s.rowScroll = s.rowIndex }
        if s.rowIndex >= s.rowScroll + visible { s.rowScroll = s.rowIndex - visible + 1 }
        s.rowScroll = max(0, min(s.rowScroll, max(0, s.rows.count - visible)))
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

    static func lock(_ s: inout AppState) -> [Effect] {
        guard s.mode != .locked else { return [] }
        s.previousMode = s.mode == .present ? .present : .browse
        s.mode = .locked
        s.lock.typed = ""
        s.lock.message = nil
        return [.audit(operation: .screenLock, patients: [], list: nil)]
    }

    /// A key at the lock: part of the secret, or Enter to have it checked. While a check runs or
    /// after five wrong attempts (for a minute) keys are ignored.
    static func lockedKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        if let until = s.lock.blockedUntil {
            guard s.now >= until else { return [] }
            s.lock.blockedUntil = nil
            s.lock.message = nil
        }
        guard !s.lock.checking else { return [] }
        switch Bindings.command(for: key, in: .locked) {
        case .unlock:
            guard !s.lock.typed.isEmpty else { return [] }
            let typed = s.lock.typed
            s.lock.typed = ""
            s.lock.checking = true
            s.lock.message = "Checking…"
            return [.checkUnlock(typed)]
        case .eraseSecret:
            if !s.lock.typed.isEmpty { s.lock.typed.removeLast() }
        case .clearSecret:
            s.lock.typed = ""
        default:
            if case .char(let c) = key, s.lock.typed.count < 256 { s.lock.typed.append(c) }
        }
        return []
    }

    static func unlockChecked(_ s: inout AppState, _ ok: Bool) -> [Effect] {
        s.lock.checking = false
        guard s.mode == .locked else { return [] }
        if ok {
            s.mode = s.previousMode
            s.lock.failures = 0
            s.lock.message = nil
            s.lastActivity = s.now
            return [.audit(operation: .screenUnlock, patients: [], list: nil)]
        }
        s.lock.failures += 1
        if s.lock.failures >= ScreenUnlocker.attemptsBeforeBlock {
            s.lock.failures = 0
            s.lock.blockedUntil = s.now.addingTimeInterval(ScreenUnlocker.blockSeconds)
            s.lock.message =
                "\(ScreenUnlocker.attemptsBeforeBlock) wrong attempts: the lock refuses every attempt for a minute."
        } else {
            let left = ScreenUnlocker.attemptsBeforeBlock - s.lock.failures
            s.lock.message = "Not right. \(left) more attempt\(left == 1 ? "" : "s") before the lock waits a minute."
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
