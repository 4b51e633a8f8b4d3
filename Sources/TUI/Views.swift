import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// Pure views: `(AppState, Theme) → Screen`. Nothing here touches the terminal.
public enum Views {
    public static func render(_ state: AppState, theme: Theme) -> Screen {
        var screen = Screen(width: state.width, height: state.height, fill: theme.style("screen"))
        if state.isTooSmall {
            tooSmall(&screen, state, theme)
            return screen
        }
        if state.mode == .locked {
            locked(&screen, state, theme)
            return screen
        }
        if state.mode == .present {
            PresentView.draw(&screen, state, theme)
            return screen
        }
        let layout = Layout(width: state.width, height: state.height)
        header(&screen, state, theme)
        ListPanes.draw(&screen, state, theme, layout)
        DetailView.draw(&screen, state, theme, layout.detail)
        status(&screen, state, theme, y: layout.statusY)
        footer(&screen, state, theme, y: layout.footerY)
        Overlays.draw(&screen, state, theme, layout)
        return screen
    }

    static func tooSmall(_ screen: inout Screen, _ state: AppState, _ theme: Theme) {
        let lines = [
            "Rounds needs a window of at least", "\(AppState.minimumWidth) × \(AppState.minimumHeight)",
            "This one is \(state.width) × \(state.height).", "Enlarge it, or press q to quit.",
        ]
        for (k, l) in lines.enumerated() {
            let y = max(0, state.height / 2 - 2 + k)
            screen.put(
                l, x: max(0, (state.width - DisplayWidth.of(l)) / 2), y: y,
                style: theme.style(k == 1 ? "title" : "screen"))
        }
    }

    /// No PHI at all while locked.
    static func locked(_ screen: inout Screen, _ state: AppState, _ theme: Theme) {
        let y = screen.height / 2 - 1
        func centred(_ text: String, _ row: Int, _ style: String) {
            screen.put(text, x: max(0, (screen.width - DisplayWidth.of(text)) / 2), y: row, style: theme.style(style))
        }
        centred("Rounds is locked", y, "locked")
        if let until = state.lock.blockedUntil, state.now < until {
            centred(
                "Too many wrong attempts: try again in \(Int(until.timeIntervalSince(state.now).rounded(.up))) s",
                y + 2,
                "status.error")
            return
        }
        // One dot per character typed, never the characters.
        let prompt = "\(state.lock.prompt): " + String(repeating: "•", count: min(state.lock.typed.count, 32))
        centred(prompt, y + 2, "locked")
        if let message = state.lock.message {
            centred(message, y + 4, state.lock.failures > 0 ? "status.error" : "locked")
        }
        centred("Type it and press Enter", y + 6, "dim")
    }

    static func header(_ screen: inout Screen, _ state: AppState, _ theme: Theme) {
        let w = state.width
        var left = " Rounds"
        if let l = state.currentList { left += " ─ \(l.name) (\(state.rows.count))" }
        screen.put(left, x: 0, y: 0, style: theme.style("title"), maxWidth: w)
        let online = state.status.online
        let connectionState = online == nil ? "connecting…" : (online! ? "online" : "OFFLINE")
        let sync =
            state.status.lastSync.map {
                "synced \(Age.short($0, now: state.now)) (\(Age.describe(since: $0, now: state.now)))"
            }
            ?? "never synced"
        let shortSync = state.status.lastSync.map { "synced \(Age.short($0, now: state.now))" } ?? "never synced"
        let mask = state.masked ? ["MASKED"] : []
        let team =
            state.status.team.map { team -> [String] in
                let waiting = team.pending > 0 ? " (\(team.pending) waiting)" : ""
                return [team.online == false ? "team OFFLINE\(waiting)" : "team \(team.name)\(waiting)"]
            } ?? []
        // The fullest form that fits: connection details drop before the online state and the sync age.
        let candidates: [[String]] = [
            [state.status.fhirVersion, state.status.tenant, connectionState, sync].compactMap { $0 } + team + mask,
            [state.status.fhirVersion, connectionState, sync].compactMap { $0 } + team + mask,
            [connectionState, shortSync] + team + mask,
            [connectionState, shortSync] + mask,
            [connectionState] + mask,
        ]
        let leftW = DisplayWidth.of(left)
        for parts in candidates {
            let text = parts.joined(separator: " · ") + " "
            let rw = DisplayWidth.of(text)
            guard leftW + 3 + rw <= w else { continue }
            screen.put(
                String(repeating: "─", count: w - leftW - rw - 2), x: leftW + 1, y: 0, style: theme.style("border"))
            screen.put(text, x: w - rw, y: 0, style: theme.style(online == false ? "status.offline" : "status"))
            break
        }
    }

    static func status(_ screen: inout Screen, _ state: AppState, _ theme: Theme, y: Int) {
        if state.mode == .command {
            screen.put(":" + state.commandLine, x: 0, y: y, style: theme.style("input"))
            screen.cursor = (min(state.width - 1, 1 + DisplayWidth.of(state.commandLine)), y)
            return
        }
        if state.mode == .confirm, let c = state.confirm {
            screen.put(" \(c.question) [y/N]", x: 0, y: y, style: theme.style("status.error"), maxWidth: state.width)
            return
        }
        if let p = state.status.sync {
            let eta = p.eta.map { String(format: " · ETA %.0f s", $0) } ?? ""
            let slow = p.slowness.map { " · \($0)" } ?? ""
            let text =
                " Syncing \(state.currentList?.name ?? "lists"): \(p.done)/\(p.total) · "
                + "\(String(format: "%.1f", p.rate))/s\(eta) · \(p.failed) failed\(slow)"
            screen.put(text, x: 0, y: y, style: theme.style("status"), maxWidth: state.width)
            return
        }
        if let m = state.status.message {
            screen.put(
                " " + m + (state.status.messageIsError ? "  (Esc to dismiss)" : ""), x: 0, y: y,
                style: theme.style(state.status.messageIsError ? "status.error" : "status"), maxWidth: state.width)
            return
        }
        if state.status.online == false {
            screen.put(
                " Offline: showing cached data; search uses the cache.", x: 0, y: y,
                style: theme.style("status.offline"), maxWidth: state.width)
        }
    }

    static func footer(_ screen: inout Screen, _ state: AppState, _ theme: Theme, y: Int) {
        var x = 1
        for b in Bindings.table(for: state.mode) {
            guard let label = b.footer else { continue }
            let key = b.keys.first?.label ?? ""
            let need = DisplayWidth.of(key) + 1 + DisplayWidth.of(label) + 2
            if x + need > state.width { break }
            x += screen.put(key, x: x, y: y, style: theme.style("footer.key"))
            x += screen.put(" " + label + "  ", x: x, y: y, style: theme.style("footer"))
        }
    }

    /// The column under a header x position (for mouse sorting).
    static func column(at x: Int, state: AppState) -> Column? {
        let layout = Layout(width: state.width, height: state.height)
        var cx = layout.patients.x + 2
        for (c, w) in ListPanes.fit(state.columns, width: layout.patients.width - 3) {
            if x >= cx && x < cx + w { return c }
            cx += w + 1
        }
        return nil
    }
}

/// Identifiers as the screen may show them: masked in meetings for a wider audience.
enum Masking {
    static func name(_ p: Patient, _ masked: Bool) -> String { masked ? (p.name?.initials ?? "?") : p.displayName }
    static func mrn(_ p: Patient, _ masked: Bool) -> String { masked ? "•••" : (p.mrn ?? "—") }
    static func born(_ p: Patient, _ masked: Bool, now: Date) -> String {
        let age = p.birthDate?.age(on: now).map { "\($0) y" } ?? "age ?"
        guard !masked, let b = p.birthDate else { return age }
        return "\(age) (\(b.raw))"
    }
}

/// Block-character trend of a series.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static func draw(_ values: [Double], width: Int) -> String {
        let v = Array(values.suffix(width))
        guard v.count > 1, let lo = v.min(), let hi = v.max() else { return "" }
        let span = hi - lo
        return String(v.map { span == 0 ? blocks[3] : blocks[min(7, Int((($0 - lo) / span) * 7.999))] })
    }
}
