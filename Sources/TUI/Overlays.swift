import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// Search, note editor, help and sync failures, drawn over the main screen.
enum Overlays {
    static func draw(_ screen: inout Screen, _ state: AppState, _ theme: Theme, _ layout: Layout) {
        switch state.mode {
        case .search: search(&screen, state, theme, layout)
        case .note: note(&screen, state, theme, layout)
        case .help: help(&screen, state, theme)
        case .failures: failures(&screen, state, theme)
        default: break
        }
    }

    static func panel(_ state: AppState, widthFraction: Int = 80, height: Int) -> Rect {
        let w = max(40, min(state.width - 4, state.width * widthFraction / 100))
        let h = max(6, min(state.height - 4, height))
        return Rect(x: (state.width - w) / 2, y: max(1, (state.height - h) / 2), width: w, height: h)
    }

    static func search(_ screen: inout Screen, _ state: AppState, _ theme: Theme, _ layout: Layout) {
        let r = Rect(
            x: layout.patients.x, y: layout.patients.y, width: layout.patients.width, height: layout.patients.height)
        screen.fill(r, style: theme.style("overlay"))
        let source = state.status.online == false ? "offline cache" : "EHR"
        screen.box(
            r, title: "Search the \(source)", style: theme.style("border.focused"), titleStyle: theme.style("header"))
        let prompt = "Name, MRN or birth date: "
        screen.put(prompt, x: r.x + 2, y: r.y + 1, style: theme.style("overlay"))
        let qx = r.x + 2 + DisplayWidth.of(prompt)
        screen.put(
            DisplayWidth.pad(state.search.query, to: max(1, r.maxX - qx - 2)), x: qx, y: r.y + 1,
            style: theme.style("input"))
        if !state.search.focusResults {
            screen.cursor = (min(r.maxX - 2, qx + DisplayWidth.of(state.search.query)), r.y + 1)
        }
        var info: String
        if state.search.busy {
            info = "Searching… (\(SearchParser.describe(SearchParser.query(state.search.query))))"
        } else if let e = state.search.error {
            info = e
        } else if let total = state.search.total {
            let origin = state.search.source == "cache" ? "offline cache" : "EHR"
            let byStart = state.search.source == "server-starts-with" ? " (names by their start only)" : ""
            info =
                "\(state.search.results.count) of \(total) from the \(origin)\(byStart) — ↓ to pick, Enter opens, a "
                + "adds "
                + "to '\(state.currentList?.name ?? "?")'"
        } else {
            info =
                "Type and press Enter. 1951-08-23 is a birth date, digits an MRN, words a name (Family, Given works "
                + "too)."
        }
        screen.put(
            DisplayWidth.truncate(info, to: r.width - 4), x: r.x + 2, y: r.y + 2,
            style: theme.style(state.search.error == nil ? "dim" : "status.error"))
        let top = r.y + 3
        let visible = r.maxY - 1 - top
        let first = max(0, state.search.index - visible + 1)
        for k in 0..<max(0, visible) {
            let i = first + k
            guard state.search.results.indices.contains(i) else { break }
            let p = state.search.results[i]
            let selected = state.search.focusResults && i == state.search.index
            let text =
                "\(selected ? "▸" : " ")\(DisplayWidth.pad(Masking.name(p, state.masked), to: 26)) "
                + "\(DisplayWidth.pad(Masking.mrn(p, state.masked), to: 10)) \(p.sexLetter)  "
                + "\(DisplayWidth.pad(Masking.born(p, state.masked, now: state.now), to: 18)) \(p.id)"
            screen.put(
                DisplayWidth.pad(text, to: r.width - 3), x: r.x + 1, y: top + k,
                style: theme.style(selected ? "row.selected" : "row"))
            if selected { screen.cursor = (r.x + 1, top + k) }
        }
    }

    static func note(_ screen: inout Screen, _ state: AppState, _ theme: Theme, _ layout: Layout) {
        let who =
            state.selectedRow?.record.map { Masking.name($0.patient, state.masked) } ?? state.selectedRow?.id ?? ""
        let r = panel(state, height: 10)
        screen.fill(r, style: theme.style("overlay"))
        screen.box(r, title: "Note on \(who)", style: theme.style("border.focused"), titleStyle: theme.style("header"))
        let lines = (state.noteDraft + "▏").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let visible = r.height - 3
        for (k, l) in lines.suffix(visible).enumerated() {
            screen.put(l, x: r.x + 2, y: r.y + 1 + k, style: theme.style("input"), maxWidth: r.width - 4)
        }
        screen.put("Ctrl-S save · Enter new line · Esc discard", x: r.x + 2, y: r.maxY - 2, style: theme.style("dim"))
    }

    /// One line of the help: a screen's title, or a key and what it does.
    struct HelpLine: Equatable {
        var keys: String
        var text: String
        var isTitle: Bool
    }

    /// Every screen's keys, from the binding table, each screen under its title.
    static func helpLines() -> [HelpLine] {
        var lines: [HelpLine] = []
        for (title, mode) in Bindings.screens {
            if !lines.isEmpty { lines.append(HelpLine(keys: "", text: "", isTitle: false)) }
            lines.append(HelpLine(keys: "", text: title, isTitle: true))
            for binding in Bindings.table(for: mode) {
                lines.append(HelpLine(keys: binding.keyLabel, text: binding.description, isTitle: false))
            }
        }
        return lines
    }

    static func helpPanel(_ state: AppState) -> Rect { panel(state, height: helpLines().count + 2) }

    /// How many lines of the help fit at once.
    static func helpVisibleLines(_ state: AppState) -> Int { helpPanel(state).height - 2 }

    static func help(_ screen: inout Screen, _ state: AppState, _ theme: Theme) {
        let lines = helpLines()
        let frame = helpPanel(state)
        let visible = frame.height - 2
        let scroll = min(state.helpScroll, max(0, lines.count - visible))
        let shown = "\(scroll + 1)–\(min(lines.count, scroll + visible)) of \(lines.count)"
        let more = lines.count > visible ? " · ↑/↓ PgUp/PgDn scroll (\(shown))" : ""
        screen.fill(frame, style: theme.style("overlay"))
        screen.box(
            frame, title: "Keys — Esc to close\(more)", style: theme.style("border.focused"),
            titleStyle: theme.style("header"))
        for (offset, line) in lines.dropFirst(scroll).prefix(visible).enumerated() {
            let y = frame.y + 1 + offset
            if line.isTitle {
                screen.put(line.text, x: frame.x + 2, y: y, style: theme.style("header"), maxWidth: frame.width - 4)
                continue
            }
            screen.put(DisplayWidth.pad(line.keys, to: 14), x: frame.x + 2, y: y, style: theme.style("footer.key"))
            screen.put(line.text, x: frame.x + 17, y: y, style: theme.style("overlay"), maxWidth: frame.width - 19)
        }
    }

    static func failures(_ screen: inout Screen, _ state: AppState, _ theme: Theme) {
        let r = panel(state, height: state.status.syncFailures.count + 4)
        screen.fill(r, style: theme.style("overlay"))
        screen.box(
            r, title: "Last sync: failures — Esc to close", style: theme.style("border.focused"),
            titleStyle: theme.style("header"))
        if state.status.syncFailures.isEmpty {
            screen.put("No failures in the last sync.", x: r.x + 2, y: r.y + 1, style: theme.style("overlay"))
        }
        for (k, f) in state.status.syncFailures.prefix(r.height - 2).enumerated() {
            screen.put(
                "\(f.id): \(f.reason)", x: r.x + 2, y: r.y + 1 + k, style: theme.style("overlay"), maxWidth: r.width - 4
            )
        }
    }
}
