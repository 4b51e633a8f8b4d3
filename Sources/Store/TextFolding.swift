import Foundation

/// Case- and accent-insensitive text for search: `Zoë` → `zoe`, `Ångström` → `angstrom`,
/// `Søren` → `soren`. Done in Swift, identically when writing the index and when querying it.
public enum TextFolding {
    public static func fold(_ s: String) -> String {
        // Plain ASCII (most names) only needs lowercasing; Foundation's folding costs far more.
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
        return latinFold(s) ?? unicodeFold(s)
    }

    /// Foundation's folding, and the letters it leaves that are not "base + accent" in Unicode.
    public static func unicodeFold(_ s: String) -> String {
        var out = s.folding(
            options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive],
            locale: Locale(identifier: "en_US_POSIX"))
        for (a, b) in [
            ("ø", "o"), ("æ", "ae"), ("œ", "oe"), ("ß", "ss"), ("ł", "l"), ("đ", "d"), ("ð", "d"), ("þ", "th"),
            ("ı", "i"),
        ] {
            out = out.replacingOccurrences(of: a, with: b)
        }
        return out
    }

    /// The Latin letters of European names (`Jürgen`, `Bergström`, `Łukasz`) folded one by one
    /// from a table that `unicodeFold` itself made, so both agree; `nil` for any other text (a
    /// combining accent, another script), which takes the Unicode path whole.
    static func latinFold(_ s: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            let value = Int(scalar.value)
            if value < 0x80 {
                out.append(value >= 65 && value <= 90 ? UInt8(value + 32) : UInt8(value))
                continue
            }
            guard latinLetters.contains(value) else { return nil }
            out.append(contentsOf: latinFolds[value - latinLetters.lowerBound])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Latin-1 letters and Latin Extended-A.
    static let latinLetters = 0xC0...0x17F
    static let latinFolds: [[UInt8]] = latinLetters.map { value in
        Array(unicodeFold(String(Character(Unicode.Scalar(UInt32(value))!))).utf8)
    }
}
