import Clinical
import Foundation
import RoundsCore
import ScreenKit
import TUI
import Testing

/// Text snapshots of the virtual screen, in each mode, at 120×40 and 80×24.
/// Re-record with `RECORD_SNAPSHOTS=1 make test` (a recording run fails on purpose).
@Suite struct SnapshotTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let keys: [Key]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "browse", keys: []),
        Case(name: "second-patient", keys: [.down]),
        Case(name: "masked", keys: [.char("m")]),
        Case(name: "present", keys: [.char("p")]),
        Case(name: "present-masked", keys: [.char("p"), .char("m")]),
        Case(name: "locked", keys: [.char("L")]),
        Case(name: "help", keys: [.char("?")]),
        Case(name: "search", keys: [.char("/"), .char("z"), .char("o")]),
        Case(name: "note", keys: [.char("n"), .char("o"), .char("k")]),
        Case(name: "command", keys: [.char(":"), .char("l"), .char("i")]),
        Case(name: "confirm", keys: [.char("d")]),
    ]

    static let sizes = [(120, 40), (80, 24)]

    func render(_ c: Case, width: Int, height: Int) -> String {
        var s = Fixtures.state(width: width, height: height)
        for k in c.keys { _ = Reducer.reduce(&s, .keyPressed(k)) }
        if c.name.hasPrefix("present"), let r = s.rows.first?.record {
            _ = Reducer.reduce(&s, .detailLoaded(.init(record: r, notes: [], news2: NEWS2.score(r, now: Fixtures.now))))
        }
        return Views.render(s, theme: Theme.fallback).text
    }

    @Test(arguments: cases)
    func snapshot(_ c: Case) throws {
        // Times are drawn in the local zone and the snapshots are UTC: set it rather than skip.
        if ProcessInfo.processInfo.environment["TZ"] != "UTC" {
            setenv("TZ", "UTC", 1)
            tzset()
        }
        for (w, h) in Self.sizes {
            let text = render(c, width: w, height: h) + "\n"
            let file = Self.dir.appendingPathComponent("\(c.name)-\(w)x\(h).txt")
            if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
                try text.write(to: file, atomically: true, encoding: .utf8)
                Issue.record("recorded \(file.lastPathComponent); run again without RECORD_SNAPSHOTS")
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(text == expected, "\(file.lastPathComponent) differs:\n\(text)")
        }
    }

    @Test func tooSmallSaysTheSizeNeeded() {
        let s = Fixtures.state(width: 40, height: 12)
        let text = Views.render(s, theme: Theme.fallback).text
        #expect(text.contains("60 × 20"))
        #expect(text.contains("40 × 12"))
        #expect(!text.contains("Black"))
    }

    @Test func lockedShowsNoPHIAtAllAndNeverTheTypedSecret() {
        var s = Fixtures.state()
        s.lock.prompt = "PIN"
        _ = Reducer.reduce(&s, .keyPressed(.char("L")))
        for c in "2580" { _ = Reducer.reduce(&s, .keyPressed(.char(c))) }
        let lines = Views.render(s, theme: Theme.fallback).text.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(lines == ["Rounds is locked", "PIN: ••••", "Type it and press Enter"])
    }

    @Test func maskedScreenShowsNoNameMRNOrBirthDate() {
        for keys in [[Key.char("m")], [.char("m"), .char("p")]] {
            var s = Fixtures.state()
            for k in keys { _ = Reducer.reduce(&s, .keyPressed(k)) }
            if s.mode == .present, let r = s.rows.first?.record {
                _ = Reducer.reduce(&s, .detailLoaded(.init(record: r, notes: [], news2: nil)))
            }
            let text = Views.render(s, theme: Theme.fallback).text
            for r in Fixtures.records {
                #expect(!text.contains(r.patient.name!.family!), "\(keys): \(r.patient.name!.family!) visible")
                #expect(!text.contains(r.patient.mrn!))
                #expect(!text.contains(r.patient.birthDate!.raw))
            }
        }
    }

    @Test func abnormalValuesHaveASymbolNotOnlyColour() {
        let s = Fixtures.state()
        let text = Views.render(s, theme: Theme.fallback.withoutColor).text
        #expect(text.contains("118!"), "abnormal HR marked in the list")
        #expect(text.contains("‼ Respiratory rate") || text.contains("! Respiratory rate"))
    }

    @Test func cursorSitsOnTheSelectedRow() {
        var s = Fixtures.state()
        _ = Reducer.reduce(&s, .keyPressed(.down))
        let screen = Views.render(s, theme: Theme.fallback)
        #expect(screen.cursor?.y == Layout(width: 120, height: 40).firstRowY + 1)
    }
}
