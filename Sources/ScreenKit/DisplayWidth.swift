/// Columns a string takes in a terminal: wide East Asian characters and emoji take two,
/// combining marks none. Computed per grapheme cluster (the maximum over its scalars), so
/// `e` + U+0301 is one column and 李 is two.
public enum DisplayWidth {
    public static func of(_ s: String) -> Int {
        // Fast path: printable ASCII is one column a character (most of what is drawn).
        var ascii = true
        for b in s.utf8 where b < 0x20 || b >= 0x7F {
            ascii = false
            break
        }
        if ascii { return s.utf8.count }
        return s.reduce(0) { $0 + of($1) }
    }

    public static func of(_ ch: Character) -> Int {
        if let a = ch.asciiValue { return a >= 0x20 && a < 0x7F ? 1 : 0 }
        var w = 0
        for u in ch.unicodeScalars {
            if u.value == 0xFE0F {
                w = 2
                continue
            }
            w = max(w, of(u))
        }
        return w
    }

    public static func of(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 { return 0 }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        // Latin, Greek, Cyrillic… before the combining marks: one column, no table lookup needed.
        if v < 0x300 { return 1 }
        if v < 0x370 { return 0 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) || v == 0x200B { return 0 }
        if isWide(v) || u.properties.isEmojiPresentation { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// The longest prefix of `s` that fits in `width` columns, with `…` when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = ""
        var used = 0
        for ch in s {
            let w = of(ch)
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// `s` padded with spaces (or truncated) to exactly `width` columns; right-aligned when asked.
    public static func pad(_ s: String, to width: Int, right: Bool = false) -> String {
        let t = truncate(s, to: width)
        let gap = String(repeating: " ", count: max(0, width - of(t)))
        return right ? gap + t : t + gap
    }
}
