import Clinical
import Foundation
import RoundsCore
import ScreenKit
import Store

/// Why a handoff command did nothing.
struct HandoffUsage: Error {
    let message: String
}

/// `:` commands for the less common actions.
enum ColonCommand {
    /// `:severity S`, `:summary TEXT`, `:if TEXT`, `:todo TEXT [@OWNER] [HH:MM]`, `:done N`, `:undo N`
    /// for the selected patient on the open list.
    /// The effects, or why there are none.
    static func handoff(_ state: AppState, _ head: String, _ words: [String], _ rest: String) -> Result<
        [Effect], HandoffUsage
    > {
        func fail(_ message: String) -> Result<[Effect], HandoffUsage> { .failure(HandoffUsage(message: message)) }
        guard let list = state.currentList, let row = state.selectedRow else {
            return fail("Select a patient on a list: the handoff is kept per list.")
        }
        switch head {
        case "severity":
            guard let severity = Severity(rawValue: rest.lowercased()) else {
                return fail("Usage: :severity stable|watcher|unstable")
            }
            return .success([.setHandoff(id: row.id, list: list.name, HandoffEdit(severity: severity))])
        case "summary": return .success([.setHandoff(id: row.id, list: list.name, HandoffEdit(summary: rest))])
        case "if": return .success([.setHandoff(id: row.id, list: list.name, HandoffEdit(contingency: rest))])
        case "todo":
            var text: [String] = []
            var owner: String?
            var due: String?
            for word in words.dropFirst() {
                if word.hasPrefix("@"), word.count > 1 {
                    owner = String(word.dropFirst()).replacingOccurrences(of: "_", with: " ")
                } else if word.count == 5, word.dropFirst(2).first == ":", word.filter(\.isNumber).count == 4 {
                    due = word
                } else {
                    text.append(word)
                }
            }
            guard !text.isEmpty else { return fail("Usage: :todo TEXT [@OWNER] [HH:MM]") }
            return .success([
                .addTodo(id: row.id, list: list.name, text: text.joined(separator: " "), owner: owner, due: due)
            ])
        default:
            guard words.count == 2, let number = Int(words[1]), number > 0 else {
                return fail("Usage: :\(head) N (the to-do's number)")
            }
            return .success([.setTodoDone(id: row.id, list: list.name, number: number, done: head == "done")])
        }
    }

    static func run(_ state: inout AppState, _ line: String) -> [Effect] {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let head = words.first else { return [] }
        let rest = words.dropFirst().joined(separator: " ")
        func fail(_ m: String) -> [Effect] {
            state.status.message = m
            state.status.messageIsError = true
            return []
        }
        switch head {
        case "list":
            let verb = words.count > 1 ? words[1] : ""
            let arg = words.dropFirst(2).joined(separator: " ")
            switch verb {
            case "create": return arg.isEmpty ? fail("Usage: :list create NAME") : [.createList(arg)]
            case "rename":
                guard let cur = state.currentList, !arg.isEmpty else {
                    return fail("Usage: :list rename NEW-NAME (renames the current list)")
                }
                return [.renameList(old: cur.name, new: arg)]
            case "delete":
                guard let cur = state.currentList else { return fail("No list selected.") }
                state.confirm = AppState.Confirm(
                    question:
                        "Delete list '\(cur.name)' with \(cur.count) patients? Cached data of patients on other lists "
                        + "is kept.",
                    onYes: .deleteList(cur.name))
                state.mode = .confirm
                return []
            case "default":
                guard let cur = state.currentList else { return fail("No list selected.") }
                return [.setDefaultList(cur.name)]
            default: return fail("Usage: :list create NAME | rename NEW | delete | default")
            }
        case "severity", "summary", "if", "todo", "done", "undo":
            switch handoff(state, head, words, rest) {
            case .success(let effects): return effects
            case .failure(let usage): return fail(usage.message)
            }
        case "accept":
            guard state.currentList != nil else { return fail("Open a list to accept its handoff.") }
            guard rest.isEmpty || rest == "this" else { return fail("Usage: :accept (the whole list) or :accept this") }
            return Commands.askToAcceptHandoff(&state, onlySelected: rest == "this")
        case "round-done":
            guard let list = state.currentList else { return fail("Open a list to mark its round done.") }
            return [.roundDone(list: list.name)]
        case "theme":
            return rest.isEmpty
                ? fail("Usage: :theme default|light|high-contrast|colorblind|monochrome|NAME") : [.setTheme(rest)]
        case "columns":
            guard let l = state.currentList else { return fail("No list selected.") }
            do {
                let cols = try Column.parse(rest)
                guard !cols.isEmpty else { return fail("Name at least one column.") }
                return [.setColumns(list: l.name, columns: cols)]
            } catch { return fail(ErrorText.describe(error)) }
        case "export":
            guard let l = state.currentList else { return fail("No list selected.") }
            let format = words.count > 1 ? words[1] : "csv"
            guard ListExport.Format(rawValue: format) != nil else {
                return fail("Usage: :export csv|md|json|html PATH")
            }
            let path = words.count > 2 ? words[2] : "~/rounds-export.\(format)"
            return [.export(list: l.name, format: format, path: path)]
        case "sort":
            if rest == "off" {
                state.sort = nil
                return state.currentList.map { [.loadRows(list: $0.name)] } ?? []
            }
            do {
                let (c, d) = try ListBuilder.parseSort(rest)
                state.sort = SortSpec(column: c, descending: d)
                state.rows = Reducer.sorted(state.rows, state.sort, now: state.now)
                return []
            } catch { return fail(ErrorText.describe(error)) }
        case "sync": return Commands.startSync(&state)
        case "mouse":
            state.mouseEnabled = rest != "off"
            return [.setMouse(state.mouseEnabled)]
        case "q", "quit":
            state.quit = true
            return [.quit]
        default:
            return fail(
                "Unknown command ':\(head)'. Try :list, :theme, :columns, :export, :sort, :sync, :mouse, :quit.")
        }
    }
}
