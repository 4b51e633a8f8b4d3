/// A theme: a palette of named colours, then roles (`list.selected`, `vital.abnormal`, …) that
/// say how each part of the screen looks. See Docs/themes.md for the file format.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var palette: [String: Color]
    public var roles: [String: Style]

    /// Every role the views use; a theme may leave some out (they fall back to the default theme).
    public static let roleNames = [
        "screen", "title", "border", "border.focused", "header", "list.item", "list.selected", "row", "row.selected",
        "vital.normal", "vital.abnormal", "news2.routine", "news2.low", "news2.lowmedium", "news2.medium", "news2.high",
        "allergy", "section.title", "section.empty", "section.unavailable", "section.stale", "status", "status.online",
        "status.offline", "status.error", "footer", "footer.key", "dim", "overlay", "input", "locked", "present.name",
        "present.label",
        "masked",
    ]

    /// The style of a role; roles missing here come from the compiled-in default, then plain.
    public func style(_ role: String) -> Style {
        roles[role] ?? Theme.fallback.roles[role] ?? .plain
    }

    /// A copy without colours (for `NO_COLOR`): bold, reverse and underline stay so the selection shows.
    public var withoutColor: Theme {
        var t = self
        t.roles = roles.mapValues { s in
            var n = s
            n.foreground = .default
            n.background = .default
            return n
        }
        for r in Theme.roleNames where t.roles[r] == nil {
            var n = Theme.fallback.style(r)
            n.foreground = .default
            n.background = .default
            t.roles[r] = n
        }
        t.palette = [:]
        return t
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case line(Int, String)
        public var description: String {
            switch self {
            case .line(let n, let m): return "line \(n): \(m)"
            }
        }
    }

    /// Parses the theme text format.
    public static func parse(_ text: String, name: String) throws(ParseError) -> Theme {
        var palette: [String: Color] = [:]
        var roles: [String: Style] = [:]
        var section = ""
        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = k + 1
            // `#` starts a comment at the start of a line or after a space ("#" followed by a
            // space); `#d0d0d0` is a colour.
            var line = String(raw).trimmedSpaces
            if line.hasPrefix("#") { continue }
            let chars = Array(line)
            if let i = chars.indices.first(where: {
                $0 > 0 && chars[$0] == "#" && chars[$0 - 1] == " " && ($0 + 1 == chars.count || chars[$0 + 1] == " ")
            }) {
                line = String(chars[..<i]).trimmedSpaces
            }
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw .line(n, "section header needs ']'") }
                section = String(line.dropFirst().dropLast())
                guard ["palette", "roles"].contains(section) else { throw .line(n, "unknown section '\(section)'") }
                continue
            }
            let kv = line.split(separator: "=", maxSplits: 1).map { String($0).trimmedSpaces }
            guard kv.count == 2, !kv[0].isEmpty else { throw .line(n, "expected 'name = value'") }
            switch section {
            case "palette":
                guard let c = color(kv[1], palette: palette) else { throw .line(n, "bad colour '\(kv[1])'") }
                palette[kv[0]] = c
            case "roles":
                guard roleNames.contains(kv[0]) else { throw .line(n, "unknown role '\(kv[0])'") }
                var s = Style()
                for token in kv[1].split(separator: " ") {
                    let t = String(token)
                    switch t {
                    case "bold": s.bold = true
                    case "reverse": s.reverse = true
                    case "underline": s.underline = true
                    case "dim": s.dim = true
                    default:
                        if t.hasPrefix("fg:"), let c = color(String(t.dropFirst(3)), palette: palette) {
                            s.foreground = c
                        } else if t.hasPrefix("bg:"), let c = color(String(t.dropFirst(3)), palette: palette) {
                            s.background = c
                        } else {
                            throw .line(n, "bad style '\(t)'")
                        }
                    }
                }
                roles[kv[0]] = s
            default: throw .line(n, "entry outside [palette] or [roles]")
            }
        }
        return Theme(name: name, palette: palette, roles: roles)
    }

    static func color(_ s: String, palette: [String: Color]) -> Color? {
        if s == "default" { return .default }
        if let c = palette[s] { return c }
        if s.hasPrefix("#"), s.count == 7, let v = UInt32(s.dropFirst(), radix: 16) {
            return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        }
        if let i = UInt8(s) { return .indexed(i) }
        return nil
    }

    /// The default (dark) theme, compiled in so Rounds always has one. Themes/default.theme is the same text.
    public static let defaultText = """
        # Rounds default theme (dark)
        [palette]
        bg      = default
        fg      = #d0d0d0
        muted   = #808080
        accent  = #5fafff
        select  = #264f78
        red     = #ff5f5f
        amber   = #ffaf00
        yellow  = #ffd75f
        green   = #87d787
        white   = #ffffff

        [roles]
        screen              = fg:fg
        title               = fg:white bold
        border              = fg:muted
        border.focused      = fg:accent
        header              = fg:accent bold
        list.item           = fg:fg
        list.selected       = fg:white bg:select bold
        row                 = fg:fg
        row.selected        = fg:white bg:select bold
        vital.normal        = fg:fg
        vital.abnormal      = fg:red bold
        news2.routine       = fg:green
        news2.low           = fg:yellow
        news2.lowmedium     = fg:amber bold
        news2.medium        = fg:amber bold
        news2.high          = fg:white bg:red bold
        allergy             = fg:red bold
        section.title       = fg:accent bold
        section.empty       = fg:muted
        section.unavailable = fg:amber
        section.stale       = fg:yellow
        status              = fg:fg
        status.online       = fg:green
        status.offline      = fg:amber bold
        status.error        = fg:white bg:red bold
        footer              = fg:muted
        footer.key          = fg:accent bold
        dim                 = fg:muted
        overlay             = fg:fg
        input               = fg:white underline
        locked              = fg:white bold
        present.name        = fg:white bold
        present.label       = fg:accent
        masked              = fg:muted
        """

    public static let fallback: Theme = {
        (try? Theme.parse(defaultText, name: "default")) ?? Theme(name: "default", palette: [:], roles: [:])
    }()
}

extension String {
    /// Without leading and trailing spaces and tabs (ScreenKit uses no Foundation).
    var trimmedSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
