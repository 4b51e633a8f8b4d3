import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// `:` commands for the less common actions.
enum ColonCommand {
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
