import Foundation
import ScreenKit
import Testing
import TextSafety

/// Every class of character a terminal acts on, and the text that must pass untouched.
@Suite struct TerminalTextTests {
    static let unsafe: [(String, UInt32)] = [
        ("NUL", 0x00), ("BEL", 0x07), ("BS", 0x08), ("VT", 0x0B), ("FF", 0x0C), ("CR", 0x0D), ("ESC", 0x1B),
        ("US", 0x1F),
        ("DEL", 0x7F), ("C1 PAD", 0x80), ("C1 NEL", 0x85), ("C1 OSC", 0x9D), ("C1 CSI", 0x9B), ("C1 APC", 0x9F),
        ("LRE", 0x202A), ("RLE", 0x202B), ("PDF", 0x202C), ("LRO", 0x202D), ("RLO", 0x202E),
        ("LRI", 0x2066), ("RLI", 0x2067), ("FSI", 0x2068), ("PDI", 0x2069), ("LRM", 0x200E), ("RLM", 0x200F),
        ("ALM", 0x061C),
        ("ZWSP", 0x200B), ("WJ", 0x2060), ("invisible times", 0x2062), ("BOM", 0xFEFF),
    ]

    @Test(arguments: unsafe.map(\.1))
    func everyUnsafeClassBecomesVisible(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let text = "a" + String(Character(scalar)) + "b"
        let safe = TerminalText.safe(text)
        #expect(!safe.unicodeScalars.contains(scalar))
        #expect(safe.hasPrefix("a") && safe.hasSuffix("b"))
        #expect(safe.count == 3, "one visible placeholder in its place")
        #expect(!safe.unicodeScalars.contains { TerminalText.needsReplacing($0) })
    }

    @Test func escapeSequencesShowAsText() {
        let hostile = "Evil\u{1b}]0;pwned\u{07}\u{1b}[2J\u{1b}[31m"
        #expect(TerminalText.safe(hostile) == "Evil␛]0;pwned␇␛[2J␛[31m")
    }

    @Test(arguments: [
        "Zoë Ångström", "李小龙", "O'Brien-Müller", "نرگس\u{200C}ها", "👩\u{200D}⚕️", "Ó Súilleabháin", "plain ASCII",
    ])
    func ordinaryTextIsUntouched(_ text: String) {
        #expect(TerminalText.safe(text) == text)
    }

    @Test func lineBreaksOnlyWhereLinesAreWanted() {
        #expect(TerminalText.safe("a\nb\tc") == "a\nb\tc")
        #expect(TerminalText.safe("a\nb\tc", lines: false) == "a␊b␉c")
    }

    @Test func jsonKeepsItsValueAndLosesTheBytes() throws {
        let value = "x\u{9b}31m\u{202E}y"
        let encoded = String(decoding: try JSONEncoder().encode([value]), as: UTF8.self)
        let safe = TerminalText.safeJSON(encoded)
        #expect(!safe.unicodeScalars.contains { TerminalText.needsReplacing($0) })
        #expect(try JSONDecoder().decode([String].self, from: Data(safe.utf8)) == [value], "the same JSON value")
    }

    @Test func theVirtualScreenNeverHoldsAControlCharacter() {
        var screen = Screen(width: 40, height: 3)
        screen.put("Evil\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m\u{202E}x\u{200B}y", x: 0, y: 1)
        for y in 0..<3 {
            for x in 0..<40 {
                let cell = screen[x, y]
                let scalars = cell.character.map { String($0).unicodeScalars.map { $0 } } ?? []
                #expect(!scalars.contains { TerminalText.needsReplacing($0, lines: false) }, "cell \(x),\(y)")
            }
        }
        #expect(screen.text.contains("Evil␛]0;pwned␇␛[2J"))
    }
}
