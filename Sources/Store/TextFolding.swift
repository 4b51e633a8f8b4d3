import Foundation

/// Case- and accent-insensitive text for search: `Zoë` → `zoe`, `Ångström` → `angstrom`,
/// `Søren` → `soren`. Done in Swift, identically when writing the index and when querying it.
public enum TextFolding {
    public static func fold(_ s: String) -> String {
        // Plain ASCII (most names) only needs lowercasing; Foundation's folding costs far more.
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
        var out = s.folding(
            options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive],
            locale: Locale(identifier: "en_US_POSIX"))
        // Letters that are not "base + accent" in Unicode, so diacritic folding leaves them.
        for (a, b) in [
            ("ø", "o"), ("æ", "ae"), ("œ", "oe"), ("ß", "ss"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("þ", "th"),
            ("ı", "i"),
        ] {
            out = out.replacingOccurrences(of: a, with: b)
        }
        return out
    }
}
