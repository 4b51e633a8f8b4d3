/// Text from servers, files and other people made safe for a terminal: nothing in it can move the
/// cursor, retitle the window, write the clipboard, recolour the screen or reorder what a nurse
/// reads. Control characters (C0 but line feed and tab, DEL, C1 with ESC among them), bidi
/// overrides and isolates, and invisible characters used to hide or fake text become visible
/// placeholders. The one place this is decided; the CLI's output, the virtual screen and the
/// exports all go through it.
public enum TerminalText {
    /// The text with every unsafe character replaced: C0 by its Control Pictures symbol (ESC is
    /// `␛`), DEL by `␡`, everything else by `�`. Line feeds (and tabs) are kept when `lines` is true
    /// (multi-line CLI output); a screen cell keeps neither.
    public static func safe(_ text: String, lines: Bool = true) -> String {
        // Nearly all text is printable ASCII or ordinary letters: check before building anything.
        guard text.unicodeScalars.contains(where: { needsReplacing($0, lines: lines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsReplacing(scalar, lines: lines) {
                out.append(contentsOf: placeholder(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// True when a character must not reach a terminal as it is.
    public static func needsReplacing(_ scalar: Unicode.Scalar, lines: Bool = true) -> Bool {
        let v = scalar.value
        if v < 0x20 { return !(lines && (v == 0x0A || v == 0x09)) }
        if v < 0x7F { return false }
        if v <= 0x9F { return true } // DEL and C1 (0x9B is a one-byte CSI)
        return unsafeFormatting.contains(v)
    }

    /// Invisible formatting characters that reorder or hide text: bidi embeddings, overrides and
    /// isolates (U+202A–202E, U+2066–2069), the Arabic letter mark and the left/right marks, zero
    /// width space, word joiner and invisible operators, the byte-order mark. Zero-width (non-)
    /// joiners stay: Persian and Indic names need them.
    static let unsafeFormatting: Set<UInt32> = [
        0x061C, 0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF,
    ]

    static func placeholder(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        if v < 0x20, let picture = Unicode.Scalar(0x2400 + v) { return String(Character(picture)) }
        if v == 0x7F { return "\u{2421}" }
        return "\u{FFFD}"
    }

    /// JSON text with the characters JSON leaves raw but a terminal acts on (DEL, C1, the bidi and
    /// invisible ones) written as `\uXXXX` escapes: still the same JSON value, safe to print.
    /// (C0 characters are escaped by every JSON encoder already.)
    public static func safeJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0.value >= 0x7F && needsReplacing($0) }) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x7F, needsReplacing(scalar) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
