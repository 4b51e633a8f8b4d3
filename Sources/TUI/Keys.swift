import Foundation
import Clinical
import RoundsCore
import ScreenKit

/// Key handling per mode, through the binding table.
enum Keys {
    static func handle(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch s.mode {
        case .locked: return Reducer.lockedKey(&s, key)
        case .help:
            switch key {
            case .up: s.helpScroll = max(0, s.helpScroll - 1)
            case .down: s.helpScroll += 1
            default: if Bindings.command(for: key, in: .help) == .back { s.mode = .browse; s.helpScroll = 0 }
            }
            return []
        case .failures:
            if Bindings.command(for: key, in: .failures) == .back { s.mode = .browse }
            return []
        case .confirm:
            switch Bindings.command(for: key, in: .confirm) {
            case .confirmYes:
                let e = s.confirm?.onYes
                s.confirm = nil; s.mode = .browse
                return e.map { [$0] } ?? []
            case .confirmNo:
                s.confirm = nil; s.mode = .browse
                s.status.message = "Cancelled."; s.status.messageIsError = false
            default: break
            }
            return []
        case .note: return note(&s, key)
        case .command: return command(&s, key)
        case .search: return search(&s, key)
        case .present: return present(&s, key)
        case .browse: return browse(&s, key)
        }
    }

    static func browse(_ s: inout AppState, _ key: Key) -> [Effect] {
        guard let cmd = Bindings.command(for: key, in: .browse) else { return [] }
        let layout = Layout(width: s.width, height: s.height)
        func select(_ i: Int) -> [Effect] {
            guard !s.rows.isEmpty else { return [] }
            let old = s.rowIndex
            s.rowIndex = max(0, min(s.rows.count - 1, i))
            Reducer.clampRows(&s)
            return old == s.rowIndex && s.detail?.record.id == s.rows[s.rowIndex].id ? [] : [.loadDetail(id: s.rows[s.rowIndex].id)]
        }
        func selectList(_ i: Int) -> [Effect] {
            guard s.lists.indices.contains(i), i != s.listIndex else { return [] }
            s.listIndex = i; s.rowIndex = 0; s.rowScroll = 0; s.sort = nil; s.detail = nil
            return [.loadRows(list: s.lists[i].name)]
        }
        func move(_ delta: Int) -> [Effect] {
            switch s.focus {
            case .lists: return selectList(s.listIndex + (delta > 0 ? 1 : -1) * (abs(delta) > 1 ? s.lists.count : 1))
            case .patients: return select(s.rowIndex + delta)
            case .detail: s.detailScroll = max(0, s.detailScroll + delta); return []
            }
        }
        switch cmd {
        case .up: return move(-1)
        case .down: return move(1)
        case .pageUp: return move(-layout.visibleRows)
        case .pageDown: return move(layout.visibleRows)
        case .top:
            if s.focus == .detail { s.detailScroll = 0; return [] }
            return s.focus == .lists ? selectList(0) : select(0)
        case .bottom:
            if s.focus == .detail { s.detailScroll = 10_000; return [] }
            return s.focus == .lists ? selectList(s.lists.count - 1) : select(s.rows.count - 1)
        case .nextPane: s.focus = s.focus == .lists ? .patients : (s.focus == .patients ? .detail : .lists); return []
        case .previousPane: s.focus = s.focus == .detail ? .patients : (s.focus == .patients ? .lists : .detail); return []
        case .open:
            if s.focus == .lists { s.focus = .patients; return [] }
            if s.focus == .patients, s.selectedRow != nil { s.focus = .detail }
            return []
        case .back:
            if s.status.message != nil { s.status.message = nil; return [] }
            if s.focus == .detail { s.focus = .patients }
            return []
        case .quit: s.quit = true; return [.quit]
        case .help: s.mode = .help; s.helpScroll = 0; return []
        case .search:
            s.mode = .search; s.search = AppState.Search()
            return []
        case .add:
            s.mode = .search; s.search = AppState.Search()
            s.status.message = "Search for the patient to add, then press a on the result."; s.status.messageIsError = false
            return []
        case .note:
            guard s.selectedRow != nil else { return [] }
            s.mode = .note; s.noteDraft = ""
            return []
        case .columns:
            s.mode = .command; s.commandLine = "columns " + s.columns.map(\.rawValue).joined(separator: ",")
            return []
        case .export:
            guard let l = s.currentList else { return [] }
            let safe = l.name.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "/", with: "-")
            s.mode = .command; s.commandLine = "export csv ~/rounds-\(safe).csv"
            return []
        case .commandLine: s.mode = .command; s.commandLine = ""; return []
        case .sync:
            guard s.status.sync == nil else { s.status.message = "A sync is already running."; return [] }
            guard let l = s.currentList else { return [] }
            s.status.sync = SyncProgress(done: 0, total: l.count, failed: 0, elapsed: 0)
            return [.sync(list: l.name)]
        case .present:
            guard let row = s.selectedRow else { return [] }
            s.mode = .present; s.presentIndex = s.rowIndex
            return [.loadDetail(id: row.id)]
        case .mask: s.masked.toggle(); return []
        case .lock: return Reducer.lock(&s)
        case .sortNext, .sortPrevious:
            let cols = s.columns
            guard !cols.isEmpty else { return [] }
            let cur = s.sort.flatMap { cols.firstIndex(of: $0.column) } ?? -1
            let next = (cur + (cmd == .sortNext ? 1 : -1) + cols.count) % cols.count
            s.sort = SortSpec(column: cols[next], descending: cols[next] == .news2)
            s.rows = Reducer.sorted(s.rows, s.sort, now: s.now)
            return select(s.rowIndex)
        case .sortReverse:
            guard var sort = s.sort else { return [] }
            sort.descending.toggle(); s.sort = sort
            s.rows = Reducer.sorted(s.rows, s.sort, now: s.now)
            return select(s.rowIndex)
        case .removePatient:
            guard let row = s.selectedRow, let l = s.currentList else { return [] }
            let who = s.masked ? "this patient" : (row.record?.patient.displayName ?? row.id)
            s.confirm = AppState.Confirm(question: "Remove \(who) from '\(l.name)'?", onYes: .removeFromList(id: row.id, list: l.name))
            s.mode = .confirm
            return []
        case .moveUp, .moveDown:
            guard let row = s.selectedRow, let l = s.currentList else { return [] }
            guard s.sort == nil else { s.status.message = "Reordering works on the list's own order: press < or > until no column is sorted… or use :sort off."; return [] }
            let to = s.rowIndex + (cmd == .moveUp ? 0 : 2)
            s.rowIndex = max(0, min(s.rows.count - 1, s.rowIndex + (cmd == .moveUp ? -1 : 1)))
            return [.movePatient(id: row.id, list: l.name, to: max(1, to))]
        case .toggleMouse:
            s.mouseEnabled.toggle()
            s.status.message = s.mouseEnabled ? "Mouse on." : "Mouse off: the terminal can select text."
            return [.setMouse(s.mouseEnabled)]
        case .failures: s.mode = .failures; return []
        case .hypercapnic:
            guard let row = s.selectedRow else { return [] }
            let on = row.news2?.scale != 2
            return [.setHypercapnic(id: row.id, on: on)]
        default: return []
        }
    }

    static func search(_ s: inout AppState, _ key: Key) -> [Effect] {
        let inResults = s.search.index >= 0 && !s.search.results.isEmpty && s.search.focusResults
        switch key {
        case .escape: s.mode = .browse; return []
        case .enter:
            if inResults, s.search.results.indices.contains(s.search.index) {
                let p = s.search.results[s.search.index]
                return [.loadDetail(id: p.id), .audit(operation: .patientView, patients: [p.id], list: nil)]
            }
            let q = s.search.query.trimmingCharacters(in: .whitespaces)
            guard !q.isEmpty else { return [] }
            s.search.busy = true; s.search.error = nil; s.search.results = []; s.search.total = nil
            return [.search(query: s.search.query)]
        case .down:
            if !s.search.results.isEmpty {
                if !s.search.focusResults { s.search.focusResults = true; s.search.index = 0 } else { s.search.index = min(s.search.results.count - 1, s.search.index + 1) }
                return [.loadDetail(id: s.search.results[s.search.index].id)]
            }
            return []
        case .up:
            if s.search.focusResults {
                if s.search.index == 0 { s.search.focusResults = false; return [] }
                s.search.index -= 1
                return [.loadDetail(id: s.search.results[s.search.index].id)]
            }
            return []
        case .char("a") where inResults:
            guard let l = s.currentList else { s.status.message = "Create a list first (:list create NAME)."; s.status.messageIsError = true; return [] }
            return [.addToList(id: s.search.results[s.search.index].id, list: l.name)]
        case .backspace:
            s.search.focusResults = false
            if !s.search.query.isEmpty { s.search.query.removeLast() }
            return []
        case .char(let c):
            s.search.focusResults = false
            s.search.query.append(c)
            return []
        default: return []
        }
    }

    static func note(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape: s.mode = .browse; s.noteDraft = ""; return []
        case .ctrl("s"):
            guard let row = s.selectedRow else { s.mode = .browse; return [] }
            let text = s.noteDraft
            s.mode = .browse; s.noteDraft = ""
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
            return [.saveNote(id: row.id, text: text)]
        case .enter: s.noteDraft.append("\n"); return []
        case .backspace: if !s.noteDraft.isEmpty { s.noteDraft.removeLast() }; return []
        case .char(let c): s.noteDraft.append(c); return []
        default: return []
        }
    }

    static func present(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch Bindings.command(for: key, in: .present) {
        case .presentNext, .presentPrevious:
            guard !s.rows.isEmpty else { return [] }
            let d = Bindings.command(for: key, in: .present) == .presentNext ? 1 : -1
            s.presentIndex = max(0, min(s.rows.count - 1, s.presentIndex + d))
            s.rowIndex = s.presentIndex
            Reducer.clampRows(&s)
            let id = s.rows[s.presentIndex].id
            return [.loadDetail(id: id), .audit(operation: .patientView, patients: [id], list: s.currentList?.name)]
        case .mask: s.masked.toggle(); return []
        case .lock: return Reducer.lock(&s)
        case .back: s.mode = .browse; return []
        default: return []
        }
    }

    static func command(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape: s.mode = .browse; s.commandLine = ""; return []
        case .backspace: if !s.commandLine.isEmpty { s.commandLine.removeLast() }; return []
        case .char(let c): s.commandLine.append(c); return []
        case .enter:
            let line = s.commandLine.trimmingCharacters(in: .whitespaces)
            s.mode = .browse; s.commandLine = ""
            return ColonCommand.run(&s, line)
        default: return []
        }
    }
}
