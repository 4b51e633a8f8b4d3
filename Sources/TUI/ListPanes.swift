import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// The lists pane and the patients table.
enum ListPanes {
    static func draw(_ screen: inout Screen, _ state: AppState, _ theme: Theme, _ layout: Layout) {
        let lr = layout.lists
        let pr = layout.patients
        screen.box(
            lr, title: "Lists", style: theme.style(state.focus == .lists ? "border.focused" : "border"),
            titleStyle: theme.style("header"))
        for (k, l) in state.lists.enumerated() where k < lr.height - 2 {
            let selected = k == state.listIndex
            let marker = selected ? "▸" : " "
            let text = DisplayWidth.pad(marker + l.name + (l.isDefault ? " *" : ""), to: lr.width - 2)
            screen.put(text, x: lr.x + 1, y: lr.y + 1 + k, style: theme.style(selected ? "list.selected" : "list.item"))
        }
        if state.lists.isEmpty {
            screen.put(
                DisplayWidth.truncate(" :list create", to: lr.width - 2), x: lr.x + 1, y: lr.y + 1,
                style: theme.style("dim"))
        }
        let sortNote = state.sort.map { " sorted by \($0.column.title) \($0.descending ? "↓" : "↑") " } ?? ""
        screen.box(
            pr, title: "Patients" + (sortNote.isEmpty ? "" : " ─" + sortNote),
            style: theme.style(state.focus == .patients ? "border.focused" : "border"),
            titleStyle: theme.style("header"))
        let inner = pr.width - 3
        let cols = fit(state.columns, width: inner)
        var x = pr.x + 2
        for (c, w) in cols {
            let arrow = state.sort?.column == c ? (state.sort!.descending ? "↓" : "↑") : ""
            screen.put(
                DisplayWidth.pad(c.title + arrow, to: w, right: rightAligned(c)), x: x, y: layout.headerY,
                style: theme.style("header"))
            x += w + 1
        }
        if state.rows.isEmpty {
            let hint =
                state.lists.isEmpty
                ? "No lists yet: press : and type list create NAME."
                : "No patients on this list: press / to search and a to add."
            screen.put(
                DisplayWidth.truncate(hint, to: inner), x: pr.x + 2, y: layout.firstRowY, style: theme.style("dim"))
            return
        }
        for k in 0..<layout.visibleRows {
            let i = state.rowScroll + k
            guard state.rows.indices.contains(i) else { break }
            let row = state.rows[i]
            let y = layout.firstRowY + k
            let selected = i == state.rowIndex
            let base = theme.style(selected ? "row.selected" : "row")
            if selected {
                screen.fill(Rect(x: pr.x + 1, y: y, width: pr.width - 2, height: 1), style: base)
                screen.put("▸", x: pr.x + 1, y: y, style: base)
                screen.cursor = (pr.x + 1, y)
            }
            var cx = pr.x + 2
            for (c, w) in cols {
                let v = c.value(row, now: state.now, mask: state.masked)
                var style = base
                var text = v.text
                if c == .news2, let n = row.news2 {
                    style = selected ? base : theme.style(news2Role(n))
                    // Rose at the last sync, not yet opened: a mark, not only a colour.
                    if state.risen.contains(row.id) { text += " ▲" }
                } else if v.abnormal && c != .allergies {
                    if !selected { style = theme.style("vital.abnormal") }
                    text += "!"
                } else if v.abnormal && c == .allergies && !selected {
                    style = theme.style("allergy")
                }
                screen.put(DisplayWidth.pad(text, to: w, right: rightAligned(c)), x: cx, y: y, style: style)
                cx += w + 1
            }
        }
        if state.rows.count > layout.visibleRows {
            let pos = " \(state.rowIndex + 1)/\(state.rows.count) "
            screen.put(pos, x: pr.maxX - DisplayWidth.of(pos) - 1, y: pr.maxY - 1, style: theme.style("border"))
        }
    }

    static func news2Role(_ n: NEWS2) -> String {
        switch n.band {
        case .routine: return "news2.routine"
        case .low: return "news2.low"
        case .lowMedium: return "news2.lowmedium"
        case .medium: return "news2.medium"
        case .high: return "news2.high"
        }
    }

    static func rightAligned(_ c: Column) -> Bool {
        [.heartRate, .respiratoryRate, .spo2, .temperature, .medications].contains(c)
    }

    /// Columns that fit in `width`, in order; the name column shrinks first, then columns drop from the right.
    static func fit(_ columns: [Column], width: Int) -> [(Column, Int)] {
        var widths = columns.map { ($0, $0.preferredWidth) }
        func total() -> Int { widths.reduce(0) { $0 + $1.1 } + max(0, widths.count - 1) }
        // Shrink the long free-text columns first, the name last: a truncated name is the worst loss.
        for (column, minimum) in [
            (Column.allergies, 12), (.conditions, 12), (.latestNote, 12), (.location, 13), (.payor, 10), (.gp, 10),
            (.name, 16),
        ] {
            while total() > width, let i = widths.firstIndex(where: { $0.0 == column }), widths[i].1 > minimum {
                widths[i].1 -= 1
            }
        }
        // Still too wide: drop the column a nurse needs least at the bedside, keeping the order.
        let priority: [Column] = [
            .name, .news2, .bloodPressure, .heartRate, .spo2, .temperature, .respiratoryRate, .mrn, .ageSex,
            .allergies, .location, .vitalsTime, .encounterStatus, .conditions, .medications, .birthDate, .payor, .gp,
            .latestNote, .synced,
        ]
        while total() > width, widths.count > 1 {
            let worst = widths.indices.max {
                (priority.firstIndex(of: widths[$0].0) ?? 99) < (priority.firstIndex(of: widths[$1].0) ?? 99)
            }!
            widths.remove(at: worst)
        }
        if let last = widths.indices.last, total() < width,
            [.allergies, .conditions, .location, .latestNote, .name].contains(widths[last].0)
        {
            widths[last].1 += width - total()
        }
        return widths
    }
}
