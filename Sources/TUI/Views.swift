import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// Pure views: `(AppState, Theme) → Screen`. Nothing here touches the terminal.
public enum Views {
    public static func render(_ s: AppState, theme: Theme) -> Screen {
        var screen = Screen(width: s.width, height: s.height, fill: theme.style("screen"))
        if s.isTooSmall {
            tooSmall(&screen, s, theme)
            return screen
        }
        if s.mode == .locked {
            locked(&screen, s, theme)
            return screen
        }
        if s.mode == .present {
            PresentView.draw(&screen, s, theme)
            return screen
        }
        let layout = Layout(width: s.width, height: s.height)
        header(&screen, s, theme)
        ListPanes.draw(&screen, s, theme, layout)
        DetailView.draw(&screen, s, theme, layout.detail)
        status(&screen, s, theme, y: layout.statusY)
        footer(&screen, s, theme, y: layout.footerY)
        Overlays.draw(&screen, s, theme, layout)
        return screen
    }

    static func tooSmall(_ screen: inout Screen, _ s: AppState, _ theme: Theme) {
        let lines = [
            "Rounds needs a window of at least", "\(AppState.minimumWidth) × \(AppState.minimumHeight)",
            "This one is \(s.width) × \(s.height).", "Enlarge it, or press q to quit.",
        ]
        for (k, l) in lines.enumerated() {
            let y = max(0, s.height / 2 - 2 + k)
            screen.put(
                l, x: max(0, (s.width - DisplayWidth.of(l)) / 2), y: y, style: theme.style(k == 1 ? "title" : "screen"))
        }
    }

    /// No PHI at all while locked.
    static func locked(_ screen: inout Screen, _ s: AppState, _ theme: Theme) {
        let y = screen.height / 2 - 1
        func centred(_ text: String, _ row: Int, _ style: String) {
            screen.put(text, x: max(0, (screen.width - DisplayWidth.of(text)) / 2), y: row, style: theme.style(style))
        }
        centred("Rounds is locked", y, "locked")
        if let until = s.lock.blockedUntil, s.now < until {
            centred(
                "Too many wrong attempts: try again in \(Int(until.timeIntervalSince(s.now).rounded(.up))) s", y + 2,
                "status.error")
            return
        }
        // One dot per character typed, never the characters.
        let prompt = "\(s.lock.prompt): " + String(repeating: "•", count: min(s.lock.typed.count, 32))
        centred(prompt, y + 2, "locked")
        if let message = s.lock.message { centred(message, y + 4, s.lock.failures > 0 ? "status.error" : "locked") }
        centred("Type it and press Enter", y + 6, "dim")
    }

    static func header(_ screen: inout Screen, _ s: AppState, _ theme: Theme) {
        let w = s.width
        var left = " Rounds"
        if let l = s.currentList { left += " ─ \(l.name) (\(s.rows.count))" }
        screen.put(left, x: 0, y: 0, style: theme.style("title"), maxWidth: w)
        let online = s.status.online
        let state = online == nil ? "connecting…" : (online! ? "online" : "OFFLINE")
        let sync =
            s.status.lastSync.map { "synced \(Age.short($0, now: s.now)) (\(Age.describe(since: $0, now: s.now)))" }
            ?? "never synced"
        let shortSync = s.status.lastSync.map { "synced \(Age.short($0, now: s.now))" } ?? "never synced"
        let mask = s.masked ? ["MASKED"] : []
        let team =
            s.status.team.map { team -> [String] in
                let waiting = team.pending > 0 ? " (\(team.pending) waiting)" : ""
                return [team.online == false ? "team OFFLINE\(waiting)" : "team \(team.name)\(waiting)"]
            } ?? []
        // The fullest form that fits: connection details drop before the online state and the sync age.
        let candidates: [[String]] = [
            [s.status.fhirVersion, s.status.tenant, state, sync].compactMap { $0 } + team + mask,
            [s.status.fhirVersion, state, sync].compactMap { $0 } + team + mask,
            [state, shortSync] + team + mask,
            [state, shortSync] + mask,
            [state] + mask,
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

    static func status(_ screen: inout Screen, _ s: AppState, _ theme: Theme, y: Int) {
        if s.mode == .command {
            screen.put(":" + s.commandLine, x: 0, y: y, style: theme.style("input"))
            screen.cursor = (min(s.width - 1, 1 + DisplayWidth.of(s.commandLine)), y)
            return
        }
        if s.mode == .confirm, let c = s.confirm {
            screen.put(" \(c.question) [y/N]", x: 0, y: y, style: theme.style("status.error"), maxWidth: s.width)
            return
        }
        if let p = s.status.sync {
            let eta = p.eta.map { String(format: " · ETA %.0f s", $0) } ?? ""
            let text =
                " Syncing \(s.currentList?.name ?? "lists"): \(p.done)/\(p.total) · "
                + "\(String(format: "%.1f", p.rate))/s\(eta) · \(p.failed) failed"
            screen.put(text, x: 0, y: y, style: theme.style("status"), maxWidth: s.width)
            return
        }
        if let m = s.status.message {
            screen.put(
                " " + m + (s.status.messageIsError ? "  (Esc to dismiss)" : ""), x: 0, y: y,
                style: theme.style(s.status.messageIsError ? "status.error" : "status"), maxWidth: s.width)
            return
        }
        if s.status.online == false {
            screen.put(
                " Offline: showing cached data; search uses the cache.", x: 0, y: y,
                style: theme.style("status.offline"), maxWidth: s.width)
        }
    }

    static func footer(_ screen: inout Screen, _ s: AppState, _ theme: Theme, y: Int) {
        var x = 1
        for b in Bindings.table(for: s.mode) {
            guard let label = b.footer else { continue }
            let key = b.keys.first?.label ?? ""
            let need = DisplayWidth.of(key) + 1 + DisplayWidth.of(label) + 2
            if x + need > s.width { break }
            x += screen.put(key, x: x, y: y, style: theme.style("footer.key"))
            x += screen.put(" " + label + "  ", x: x, y: y, style: theme.style("footer"))
        }
    }

    /// The column under a header x position (for mouse sorting).
    static func column(at x: Int, state s: AppState) -> Column? {
        let layout = Layout(width: s.width, height: s.height)
        var cx = layout.patients.x + 2
        for (c, w) in ListPanes.fit(s.columns, width: layout.patients.width - 3) {
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
