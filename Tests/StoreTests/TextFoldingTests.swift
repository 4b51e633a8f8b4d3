import Store
import Testing

/// Folding for the name index: the ASCII fast path, the Latin table and the Unicode path agree
/// on what they share.
@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("O'BRIEN-Smith", "o'brien-smith"), ("Zoë", "zoe"), ("ÅNGSTRÖM", "angstrom"), ("Søren", "soren"),
        ("Straße", "strasse"), ("Ｂｌａｃｋ", "black"), ("", ""), ("van der Berg 3", "van der berg 3"),
        ("Łukasz Wiśniewski", "lukasz wisniewski"), ("Zoe\u{301}", "zoe"), ("Çelik-Núñez", "celik-nunez"),
    ])
    func folds(_ input: String, _ expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }

    /// Every Latin letter the table covers, alone and inside names, folds as Foundation's path
    /// folds it.
    @Test func theLatinTableFoldsAsTheUnicodePathDoes() {
        var mismatches: [String] = []
        for value in 0xC0...0x17F {
            let letter = String(Character(Unicode.Scalar(UInt32(value))!))
            for text in [letter, "Mc\(letter)Kay", "\(letter)\(letter.uppercased()) de la \(letter)"] {
                let folded = TextFolding.fold(text)
                let unicode = TextFolding.unicodeFold(text)
                if folded != unicode { mismatches.append("\(text): \(folded) vs \(unicode)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}
