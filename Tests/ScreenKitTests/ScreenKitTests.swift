import Foundation
import ScreenKit
import Testing

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("abc", 3), ("李小龙", 6), ("😀", 2), ("e\u{301}cole", 5), ("Zoë", 3), ("Ångström", 8), ("❤\u{FE0F}", 2), ("", 0),
    ])
    func width(_ s: String, _ w: Int) { #expect(DisplayWidth.of(s) == w) }

    @Test func truncateAndPad() {
        #expect(DisplayWidth.truncate("Nakamura, Ruth", to: 8) == "Nakamur…")
        #expect(DisplayWidth.truncate("李小龙李小龙", to: 5) == "李小…")
        #expect(DisplayWidth.pad("ab", to: 4) == "ab  ")
        #expect(DisplayWidth.pad("12", to: 4, right: true) == "  12")
    }
}

@Suite struct ScreenTests {
    @Test func wideCharactersTakeTwoCells() {
        var s = Screen(width: 10, height: 1)
        #expect(s.put("李a", x: 0, y: 0) == 3)
        #expect(s[0, 0].character == "李")
        #expect(s[1, 0].character == nil)
        #expect(s.line(0) == "李a")
        // Overwriting the right half blanks the left half.
        s.put("x", x: 1, y: 0)
        #expect(s.line(0) == " xa")
    }

    @Test func clipsAtTheEdge() {
        var s = Screen(width: 5, height: 2)
        s.put("abcdefgh", x: 2, y: 1)
        #expect(s.line(1) == "  abc")
        s.put("李李李", x: 0, y: 0)
        #expect(s.line(0) == "李李")
    }

    @Test func diffReportsOnlyChangedRuns() {
        var a = Screen(width: 10, height: 3)
        a.put("hello", x: 0, y: 0)
        var b = a
        b.put("J", x: 0, y: 0)
        b.put("zz", x: 7, y: 2)
        let runs = b.changes(since: a)
        #expect(runs.count == 2)
        #expect(runs[0].x == 0 && runs[0].y == 0 && runs[0].cells.count == 1)
        #expect(runs[1].x == 7 && runs[1].y == 2)
        #expect(b.changes(since: b).isEmpty)
        #expect(b.changes(since: nil).count == 3, "a first frame draws every line")
    }

    @Test func boxDrawsLinesAndTitle() {
        var s = Screen(width: 8, height: 3)
        s.box(Rect(x: 0, y: 0, width: 8, height: 3), title: "Hi")
        #expect(s.text == "┌ Hi ──┐\n│      │\n└──────┘")
    }
}

@Suite struct ThemeTests {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Themes")
    static let shipped: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: themesDir.path)) ?? []).filter
    { $0.hasSuffix(".theme") }.sorted()

    @Test func atLeastTheFiveThemesShip() {
        #expect(
            Set(Self.shipped).isSuperset(of: [
                "default.theme", "light.theme", "high-contrast.theme", "colorblind.theme", "monochrome.theme",
            ]))
    }

    @Test(arguments: shipped)
    func everyShippedThemeParsesAndCoversEveryRole(_ file: String) throws {
        let text = try String(contentsOf: Self.themesDir.appendingPathComponent(file), encoding: .utf8)
        let t = try Theme.parse(text, name: file)
        for role in Theme.roleNames { #expect(t.roles[role] != nil, "\(file) lacks \(role)") }
        #expect(t.style("row.selected") != t.style("row"), "\(file): the selection must be visible")
    }

    @Test func compiledInDefaultMatchesTheFile() throws {
        let file = try String(contentsOf: Self.themesDir.appendingPathComponent("default.theme"), encoding: .utf8)
        #expect(try Theme.parse(file, name: "default") == Theme.fallback)
    }

    @Test func colorblindThemeAvoidsRedGreenMeaning() throws {
        let text = try String(contentsOf: Self.themesDir.appendingPathComponent("colorblind.theme"), encoding: .utf8)
        let t = try Theme.parse(text, name: "colorblind")
        // Okabe–Ito: routine (blue) and high (vermillion) differ in lightness and hue family, not red against green.
        #expect(t.style("news2.routine").foreground == .rgb(0x00, 0x72, 0xB2))
        #expect(t.style("news2.high").background == .rgb(0xD5, 0x5E, 0x00))
        #expect(
            t.palette.values.allSatisfy {
                if case .rgb(let r, let g, let b) = $0 { return !(g > 150 && r < 80 && b < 80) } else { return true }
            }, "no pure green")
    }

    @Test func noColorKeepsEmphasis() {
        let t = Theme.fallback.withoutColor
        #expect(t.style("row.selected").background == .default)
        #expect(t.style("row.selected").bold)
        #expect(t.style("vital.abnormal").bold)
    }

    @Test func badThemesAreReportedWithTheLine() {
        #expect(throws: Theme.ParseError.line(2, "unknown role 'nonsense'")) {
            try Theme.parse("[roles]\nnonsense = bold", name: "x")
        }
        #expect(throws: Theme.ParseError.line(2, "bad colour 'purple-ish'")) {
            try Theme.parse("[palette]\na = purple-ish", name: "x")
        }
    }

    @Test func colourMapping() {
        #expect(Color.rgb(255, 0, 0).index256 == 196)
        #expect(Color.rgb(255, 0, 0).index8 == 1)
        #expect(Color.rgb(0, 0, 0).index8 == 0)
        #expect(Color.indexed(12).index8 == 4)
    }
}
