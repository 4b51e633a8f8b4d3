import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// `:` commands for the less common actions.
enum ColonCommand {
    static func run(_ s: inout AppState, _ line: String) -> [Effect] {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let head = words.first else { return [] }
        let rest = words.dropFirst().joined(separator: " ")
        func fail(_ m: String) -> [Effect] {
            s.status.message = m
            s.status.messageIsError = true
            return []
        }
        switch head {
        case "list":
            let verb = words.count > 1 ? words[1] : ""
            let arg = words.dropFirst(2).joined(separator: " ")
            switch verb {
            case "create": return arg.isEmpty ? fail("Usage: :list create NAME") : [.createList(arg)]
            case "rename":
                guard let cur = s.currentList, !arg.isEmpty else {
                    return fail("Usage: :list rename NEW-NAME (renames the current list)")
                }
                return [.renameList(old: cur.name, new: arg)]
            case "delete":
                guard let cur = s.currentList else { return fail("No list selected.") }
                s.confirm = AppState.Confirm(
                    question:
                        "Delete list '\(cur.name)' with \(cur.count) patients? Cached data of patients on other lists "
                        + "is kept.",
                    onYes: .deleteList(cur.name))
                s.mode = .confirm
                return []
            case "default":
                guard let cur = s.currentList else { return fail("No list selected.") }
                return [.setDefaultList(cur.name)]
            default: return fail("Usage: :list create NAME | rename NEW | delete | default")
            }
        case "theme":
            return rest.isEmpty
                ? fail("Usage: :theme default|light|high-contrast|colorblind|monochrome|NAME") : [.setTheme(rest)]
        case "columns":
            guard let l = s.currentList else { return fail("No list selected.") }
            do {
                let cols = try Column.parse(rest)
                guard !cols.isEmpty else { return fail("Name at least one column.") }
                return [.setColumns(list: l.name, columns: cols)]
            } catch { return fail("\(error)") }
        case "export":
            guard let l = s.currentList else { return fail("No list selected.") }
            let format = words.count > 1 ? words[1] : "csv"
            guard ["csv", "md", "json"].contains(format) else { return fail("Usage: :export csv|md|json PATH") }
            let path = words.count > 2 ? words[2] : "~/rounds-export.\(format)"
            return [.export(list: l.name, format: format, path: path)]
        case "sort":
            if rest == "off" {
                s.sort = nil
                return s.currentList.map { [.loadRows(list: $0.name)] } ?? []
            }
            do {
                let (c, d) = try ListBuilder.parseSort(rest)
                s.sort = SortSpec(column: c, descending: d)
                s.rows = Reducer.sorted(s.rows, s.sort, now: s.now)
                return []
            } catch { return fail("\(error)") }
        case "sync": return Commands.startSync(&s)
        case "mouse":
            s.mouseEnabled = rest != "off"
            return [.setMouse(s.mouseEnabled)]
        case "q", "quit":
            s.quit = true
            return [.quit]
        default:
            return fail(
                "Unknown command ':\(head)'. Try :list, :theme, :columns, :export, :sort, :sync, :mouse, :quit.")
        }
    }
}
