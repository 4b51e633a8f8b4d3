import Store
import Testing

/// Folding for the name index: the ASCII fast path and the Unicode path agree on what they share.
@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("O'BRIEN-Smith", "o'brien-smith"), ("Zoë", "zoe"), ("ÅNGSTRÖM", "angstrom"), ("Søren", "soren"),
        ("Straße", "strasse"), ("Ｂｌａｃｋ", "black"), ("", ""), ("van der Berg 3", "van der berg 3"),
    ])
    func folds(_ input: String, _ expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }
}
