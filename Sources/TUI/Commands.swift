import Clinical
import Foundation
import RoundsCore
import ScreenKit
import Store

/// What each command does, one small function each, called by keys and the mouse alike. A
/// command that cannot act says why on the status line rather than doing nothing.
enum Commands {
    // MARK: - Lists and patients

    static func browse(_ command: Command, _ state: inout AppState) -> [Effect] {
        let layout = Layout(width: state.width, height: state.height)
        switch command {
        case .up: return move(by: -1, &state)
        case .down: return move(by: 1, &state)
        case .pageUp: return move(by: -layout.visibleRows, &state)
        case .pageDown: return move(by: layout.visibleRows, &state)
        case .top: return moveToEnd(first: true, &state)
        case .bottom: return moveToEnd(first: false, &state)
        case .nextPane: return nextPane(&state)
        case .previousPane: return previousPane(&state)
        case .open: return open(&state)
        case .back: return back(&state)
        case .quit: return quit(&state)
        case .help: return openHelp(&state)
        case .search: return openSearch(&state)
        case .add: return startAdding(&state)
        case .note: return openNoteEditor(&state)
        case .columns: return editColumns(&state)
        case .export: return startExport(&state)
        case .commandLine: return openCommandLine(&state)
        case .sync: return startSync(&state)
        case .present: return startPresenting(&state)
        case .mask: return toggleMask(&state)
        case .lock: return Reducer.lock(&state)
        case .sortNext: return sortByNeighbour(forward: true, &state)
        case .sortPrevious: return sortByNeighbour(forward: false, &state)
        case .sortReverse: return reverseSort(&state)
        case .removePatient: return askToRemovePatient(&state)
        case .moveUp: return movePatient(up: true, &state)
        case .moveDown: return movePatient(up: false, &state)
        case .toggleMouse: return toggleMouse(&state)
        case .failures: return showFailures(&state)
        case .hypercapnic: return toggleHypercapnic(&state)
        case .severity: return cycleSeverity(&state)
        case .todo: return startTodo(&state)
        case .acceptHandoff: return askToAcceptHandoff(&state)
        default: return []
        }
    }

    /// Says why a command did nothing.
    static func cannot(_ reason: String, _ state: inout AppState) -> [Effect] {
        state.status.message = reason
        state.status.messageIsError = false
        return []
    }

    static func selectRow(_ index: Int, _ state: inout AppState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        let old = state.rowIndex
        state.rowIndex = max(0, min(state.rows.count - 1, index))
        Reducer.clampRows(&state)
        let selected = state.rows[state.rowIndex].id
        if old == state.rowIndex && state.detail?.record.id == selected { return [] }
        return [.loadDetail(id: selected)]
    }

    /// Opens another list: its rows load, the old list's patient leaves the detail pane.
    static func selectList(_ index: Int, _ state: inout AppState) -> [Effect] {
        guard state.lists.indices.contains(index), index != state.listIndex else { return [] }
        state.listIndex = index
        state.rowIndex = 0
        state.rowScroll = 0
        state.sort = nil
        state.detail = nil
        return [.loadRows(list: state.lists[index].name)]
    }

    static func move(by delta: Int, _ state: inout AppState) -> [Effect] {
        switch state.focus {
        case .lists:
            let step = abs(delta) > 1 ? state.lists.count : 1
            return selectList(state.listIndex + (delta > 0 ? step : -step), &state)
        case .patients:
            return selectRow(state.rowIndex + delta, &state)
        case .detail:
            state.detailScroll = max(0, state.detailScroll + delta)
            return []
        }
    }

    static func moveToEnd(first: Bool, _ state: inout AppState) -> [Effect] {
        switch state.focus {
        case .detail:
            state.detailScroll = first ? 0 : 10_000
            return []
        case .lists:
            return selectList(first ? 0 : state.lists.count - 1, &state)
        case .patients:
            return selectRow(first ? 0 : state.rows.count - 1, &state)
        }
    }

    static func nextPane(_ state: inout AppState) -> [Effect] {
        switch state.focus {
        case .lists: state.focus = .patients
        case .patients: state.focus = .detail
        case .detail: state.focus = .lists
        }
        return []
    }

    static func previousPane(_ state: inout AppState) -> [Effect] {
        switch state.focus {
        case .lists: state.focus = .detail
        case .patients: state.focus = .lists
        case .detail: state.focus = .patients
        }
        return []
    }

    static func open(_ state: inout AppState) -> [Effect] {
        switch state.focus {
        case .lists:
            state.focus = .patients
        case .patients:
            guard state.selectedRow != nil else { return cannot("This list has no patients yet: a adds one.", &state) }
            state.focus = .detail
        case .detail:
            break
        }
        return []
    }

    static func back(_ state: inout AppState) -> [Effect] {
        if state.status.message != nil {
            state.status.message = nil
            return []
        }
        if state.focus == .detail { state.focus = .patients }
        return []
    }

    static func quit(_ state: inout AppState) -> [Effect] {
        state.quit = true
        return [.quit]
    }

    static func openHelp(_ state: inout AppState) -> [Effect] {
        state.mode = .help
        state.helpScroll = 0
        return []
    }

    static func openSearch(_ state: inout AppState) -> [Effect] {
        state.mode = .search
        state.search = AppState.Search()
        return []
    }

    static func startAdding(_ state: inout AppState) -> [Effect] {
        guard state.currentList != nil else { return cannot("Create a list first (:list create NAME).", &state) }
        state.mode = .search
        state.search = AppState.Search()
        state.status.message = "Search for the patient to add, then press a on the result."
        state.status.messageIsError = false
        return []
    }

    static func openNoteEditor(_ state: inout AppState) -> [Effect] {
        guard state.selectedRow != nil else { return cannot("Select a patient to write a note on.", &state) }
        state.mode = .note
        state.noteDraft = ""
        return []
    }

    static func editColumns(_ state: inout AppState) -> [Effect] {
        guard state.currentList != nil else { return cannot("Open a list to choose its columns.", &state) }
        state.mode = .command
        state.commandLine = "columns " + state.columns.map(\.rawValue).joined(separator: ",")
        return []
    }

    static func startExport(_ state: inout AppState) -> [Effect] {
        guard let list = state.currentList else { return cannot("Open a list to export it.", &state) }
        let safe = list.name.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "/", with: "-")
        state.mode = .command
        state.commandLine = "export csv ~/rounds-\(safe).csv"
        return []
    }

    static func openCommandLine(_ state: inout AppState) -> [Effect] {
        state.mode = .command
        state.commandLine = ""
        return []
    }

    static func startSync(_ state: inout AppState) -> [Effect] {
        guard state.status.sync == nil else { return cannot("A sync is already running.", &state) }
        guard let list = state.currentList else { return cannot("Open a list to sync it.", &state) }
        return beginSync(list, background: false, &state)
    }

    /// Starts a sync of `list`, remembering each patient's NEWS2 band to see which rose.
    static func beginSync(_ list: AppState.ListInfo, background: Bool, _ state: inout AppState) -> [Effect] {
        state.status.sync = SyncProgress(done: 0, total: list.count, failed: 0, elapsed: 0)
        state.lastRefreshAttempt = state.now
        state.refreshing = background
        state.bandsBeforeSync = Dictionary(
            state.rows.compactMap { row in row.news2.map { (row.id, $0.band) } },
            uniquingKeysWith: { first, _ in first })
        return [.sync(list: list.name)]
    }

    /// The clock's refresh of the open list: due `refreshAfter` (plus the backoff) after the last
    /// sync; never while locked, offline, or while another sync runs.
    static func backgroundRefreshIfDue(_ state: inout AppState) -> [Effect] {
        guard state.refreshAfter > 0, state.mode != .locked, state.status.sync == nil,
            state.status.online == true, let list = state.currentList, list.count > 0
        else { return [] }
        let since = max(state.lastRefreshAttempt ?? .distantPast, state.status.lastSync ?? .distantPast)
        guard state.now.timeIntervalSince(since) >= state.refreshAfter + state.refreshBackoff else { return [] }
        return beginSync(list, background: true, &state)
    }

    static func startPresenting(_ state: inout AppState) -> [Effect] {
        guard let row = state.selectedRow else { return cannot("Present mode needs a list with patients.", &state) }
        state.mode = .present
        state.presentIndex = state.rowIndex
        return [.loadDetail(id: row.id)]
    }

    static func toggleMask(_ state: inout AppState) -> [Effect] {
        state.masked.toggle()
        return []
    }

    static func sortByNeighbour(forward: Bool, _ state: inout AppState) -> [Effect] {
        let columns = state.columns
        guard !columns.isEmpty else { return cannot("This list shows no columns to sort by.", &state) }
        let current = state.sort.flatMap { columns.firstIndex(of: $0.column) } ?? -1
        let next = (current + (forward ? 1 : -1) + columns.count) % columns.count
        return sort(by: columns[next], &state)
    }

    /// Sorts by `column` (NEWS2 highest first, others ascending); the same column again reverses.
    static func sort(by column: Column, _ state: inout AppState) -> [Effect] {
        state.sort = SortSpec(column: column, descending: column == .news2)
        state.rows = Reducer.sorted(state.rows, state.sort, now: state.now)
        return selectRow(state.rowIndex, &state)
    }

    static func reverseSort(_ state: inout AppState) -> [Effect] {
        guard var sort = state.sort else { return cannot("No column is sorted: < or > sorts by one.", &state) }
        sort.descending.toggle()
        state.sort = sort
        state.rows = Reducer.sorted(state.rows, state.sort, now: state.now)
        return selectRow(state.rowIndex, &state)
    }

    static func askToRemovePatient(_ state: inout AppState) -> [Effect] {
        guard let row = state.selectedRow, let list = state.currentList else {
            return cannot("Select a patient to remove.", &state)
        }
        let who = state.masked ? "this patient" : (row.record?.patient.displayName ?? row.id)
        state.confirm = AppState.Confirm(
            question: "Remove \(who) from '\(list.name)'?", onYes: .removeFromList(id: row.id, list: list.name))
        state.mode = .confirm
        return []
    }

    static func movePatient(up: Bool, _ state: inout AppState) -> [Effect] {
        guard let row = state.selectedRow, let list = state.currentList else {
            return cannot("Select a patient to move.", &state)
        }
        guard state.sort == nil else {
            return cannot("Reordering works on the list's own order: :sort off first.", &state)
        }
        let position = state.rowIndex + (up ? 0 : 2)
        state.rowIndex = max(0, min(state.rows.count - 1, state.rowIndex + (up ? -1 : 1)))
        return [.movePatient(id: row.id, list: list.name, to: max(1, position))]
    }

    static func toggleMouse(_ state: inout AppState) -> [Effect] {
        state.mouseEnabled.toggle()
        state.status.message = state.mouseEnabled ? "Mouse on." : "Mouse off: the terminal can select text."
        return [.setMouse(state.mouseEnabled)]
    }

    static func showFailures(_ state: inout AppState) -> [Effect] {
        state.mode = .failures
        return []
    }

    // MARK: - Handoff

    /// Not set → stable → watcher → unstable → stable: the next severity of the selected patient.
    static func cycleSeverity(_ state: inout AppState) -> [Effect] {
        guard let list = state.currentList else { return cannot("Open a list: the handoff is kept per list.", &state) }
        guard let row = state.selectedRow, state.detail?.record.id == row.id else {
            return cannot("Select a patient to set the severity.", &state)
        }
        let next: Severity
        switch state.detail?.handoff?.severity {
        case nil, .unstable?: next = .stable
        case .stable?: next = .watcher
        case .watcher?: next = .unstable
        }
        return [.setHandoff(id: row.id, list: list.name, HandoffEdit(severity: next))]
    }

    /// Opens the command line with `todo ` typed, for the selected patient.
    static func startTodo(_ state: inout AppState) -> [Effect] {
        guard state.currentList != nil, state.selectedRow != nil else {
            return cannot("Select a patient on a list to add a to-do.", &state)
        }
        state.mode = .command
        state.commandLine = "todo "
        return []
    }

    /// Asks before accepting the handoff of the whole list or, with `onlySelected`, of the
    /// selected patient.
    static func askToAcceptHandoff(_ state: inout AppState, onlySelected: Bool = false) -> [Effect] {
        guard let list = state.currentList else { return cannot("Open a list to accept its handoff.", &state) }
        if onlySelected {
            guard let row = state.selectedRow else { return cannot("Select a patient to accept.", &state) }
            let who = state.masked ? "the selected patient" : (row.record?.patient.displayName ?? row.id)
            state.confirm = AppState.Confirm(
                question: "Accept the handoff of \(who) on '\(list.name)' (you read it)?",
                onYes: .acceptHandoff(list: list.name, patients: [row.id]))
            state.mode = .confirm
            return []
        }
        state.confirm = AppState.Confirm(
            question: "Accept the handoff of all \(list.count) patients on '\(list.name)' (you read it)?",
            onYes: .acceptHandoff(list: list.name, patients: []))
        state.mode = .confirm
        return []
    }

    static func toggleHypercapnic(_ state: inout AppState) -> [Effect] {
        guard let row = state.selectedRow else { return cannot("Select a patient to mark.", &state) }
        return [.setHypercapnic(id: row.id, on: row.news2?.scale != 2)]
    }

    // MARK: - Search

    static func search(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch command {
        case .back: return closeOverlay(&state)
        case .open: return runSearchOrOpenResult(&state)
        case .down: return nextResult(&state)
        case .up: return previousResult(&state)
        case .add: return addSelectedResult(&state)
        case .erase: return eraseSearchCharacter(&state)
        default: return []
        }
    }

    static func closeOverlay(_ state: inout AppState) -> [Effect] {
        state.mode = .browse
        return []
    }

    static func runSearchOrOpenResult(_ state: inout AppState) -> [Effect] {
        if state.search.inResults, state.search.results.indices.contains(state.search.index) {
            let patient = state.search.results[state.search.index]
            return [.loadDetail(id: patient.id), .audit(operation: .patientView, patients: [patient.id], list: nil)]
        }
        let query = state.search.query.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { return cannot("Type a name, an MRN or a birth date first.", &state) }
        state.search.busy = true
        state.search.error = nil
        state.search.results = []
        state.search.total = nil
        return [.search(query: state.search.query)]
    }

    static func nextResult(_ state: inout AppState) -> [Effect] {
        guard !state.search.results.isEmpty else { return [] }
        if state.search.focusResults {
            state.search.index = min(state.search.results.count - 1, state.search.index + 1)
        } else {
            state.search.focusResults = true
            state.search.index = 0
        }
        return [.loadDetail(id: state.search.results[state.search.index].id)]
    }

    static func previousResult(_ state: inout AppState) -> [Effect] {
        guard state.search.focusResults else { return [] }
        if state.search.index == 0 {
            state.search.focusResults = false
            return []
        }
        state.search.index -= 1
        return [.loadDetail(id: state.search.results[state.search.index].id)]
    }

    static func addSelectedResult(_ state: inout AppState) -> [Effect] {
        guard let list = state.currentList else {
            state.status.message = "Create a list first (:list create NAME)."
            state.status.messageIsError = true
            return []
        }
        return [.addToList(id: state.search.results[state.search.index].id, list: list.name)]
    }

    static func eraseSearchCharacter(_ state: inout AppState) -> [Effect] {
        state.search.focusResults = false
        if !state.search.query.isEmpty { state.search.query.removeLast() }
        return []
    }

    // MARK: - Note editor

    static func note(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch command {
        case .back: return discardNote(&state)
        case .save: return saveNote(&state)
        case .newLine:
            state.noteDraft.append("\n")
            return []
        case .erase:
            if !state.noteDraft.isEmpty { state.noteDraft.removeLast() }
            return []
        default:
            return []
        }
    }

    static func discardNote(_ state: inout AppState) -> [Effect] {
        state.mode = .browse
        state.noteDraft = ""
        return []
    }

    static func saveNote(_ state: inout AppState) -> [Effect] {
        guard let row = state.selectedRow else { return discardNote(&state) }
        let text = state.noteDraft
        state.mode = .browse
        state.noteDraft = ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return cannot("An empty note is not saved.", &state)
        }
        return [.saveNote(id: row.id, text: text)]
    }

    // MARK: - Command line, present mode, help, confirmation, failures

    static func commandLine(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch command {
        case .back:
            state.mode = .browse
            state.commandLine = ""
            return []
        case .erase:
            if !state.commandLine.isEmpty { state.commandLine.removeLast() }
            return []
        case .open:
            let line = state.commandLine.trimmingCharacters(in: .whitespaces)
            state.mode = .browse
            state.commandLine = ""
            return ColonCommand.run(&state, line)
        default:
            return []
        }
    }

    static func present(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch command {
        case .presentNext: return presentNeighbour(by: 1, &state)
        case .presentPrevious: return presentNeighbour(by: -1, &state)
        case .mask: return toggleMask(&state)
        case .lock: return Reducer.lock(&state)
        case .back: return closeOverlay(&state)
        default: return []
        }
    }

    static func presentNeighbour(by delta: Int, _ state: inout AppState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        state.presentIndex = max(0, min(state.rows.count - 1, state.presentIndex + delta))
        state.rowIndex = state.presentIndex
        Reducer.clampRows(&state)
        let id = state.rows[state.presentIndex].id
        return [.loadDetail(id: id), .audit(operation: .patientView, patients: [id], list: state.currentList?.name)]
    }

    static func help(_ command: Command, _ state: inout AppState) -> [Effect] {
        let page = max(1, Overlays.helpVisibleLines(state))
        switch command {
        case .back:
            state.mode = .browse
            state.helpScroll = 0
        case .up: scrollHelp(by: -1, &state)
        case .down: scrollHelp(by: 1, &state)
        case .pageUp: scrollHelp(by: -page, &state)
        case .pageDown: scrollHelp(by: page, &state)
        default: break
        }
        return []
    }

    /// Scrolls within the help's lines: never past the last page, so up always scrolls at once.
    static func scrollHelp(by delta: Int, _ state: inout AppState) {
        let last = max(0, Overlays.helpLines().count - Overlays.helpVisibleLines(state))
        state.helpScroll = max(0, min(last, state.helpScroll + delta))
    }

    static func confirm(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch command {
        case .confirmYes:
            let effect = state.confirm?.onYes
            state.confirm = nil
            state.mode = .browse
            return effect.map { [$0] } ?? []
        case .confirmNo:
            state.confirm = nil
            state.mode = .browse
            state.status.message = "Cancelled."
            state.status.messageIsError = false
            return []
        default:
            return []
        }
    }

    static func failures(_ command: Command, _ state: inout AppState) -> [Effect] {
        if command == .back { state.mode = .browse }
        return []
    }
}
