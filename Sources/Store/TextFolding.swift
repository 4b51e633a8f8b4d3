import Foundation

/// Case- and accent-insensitive text for search: `Zoë` → `zoe`, `Ångström` → `angstrom`,
/// `Søren` → `soren`. Done in Swift, identically when writing the index and when querying it.
public enum TextFolding {
    public static func fold(_ s: String) -> String {
        var out = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        // Letters that are not "base + accent" in Unicode, so diacritic folding leaves them.
        for (a, b) in [("ø", "o"), ("æ", "ae"), ("œ", "oe"), ("ß", "ss"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("þ", "th"), ("ı", "i")] {
            out = out.replacingOccurrences(of: a, with: b)
        }
        return out
    }
}
