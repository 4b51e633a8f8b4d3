import ScreenKit

/// One key binding: the single table the footer, the help overlay and Docs/keybindings.md come from.
public struct Binding: Sendable, Equatable {
    public var keys: [Key]
    public var command: Command
    public var description: String
    public var footer: String?

    init(_ keys: [Key], _ command: Command, _ description: String, footer: String? = nil) {
        self.keys = keys
        self.command = command
        self.description = description
        self.footer = footer
    }

    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }
}

/// The bindings of each screen.
public enum Bindings {
    static let navigation: [Binding] = [
        Binding([.up, .char("k")], .up, "Move up"),
        Binding([.down, .char("j")], .down, "Move down"),
        Binding([.pageUp], .pageUp, "Page up"),
        Binding([.pageDown], .pageDown, "Page down"),
        Binding([.home, .char("g")], .top, "First"),
        Binding([.end, .char("G")], .bottom, "Last"),
    ]

    public static let browse: [Binding] =
        [
            Binding([.char("?"), .function(1)], .help, "Show every key of this screen", footer: "help"),
            Binding(
                [.char("/")], .search, "Search the EHR (or the cache when offline) by name, MRN or birth date",
                footer: "search"),
            Binding([.char("a")], .add, "Add the selected patient to a list (from search results)", footer: "add"),
            Binding([.char("n")], .note, "Write a note on the selected patient", footer: "note"),
            Binding([.char("c")], .columns, "Choose the list's columns (:columns name,mrn,…)", footer: "columns"),
            Binding([.char("s")], .sync, "Sync the current list in the background", footer: "sync"),
            Binding(
                [.char("e")], .export,
                "Export the list or print its rounding sheet (:export csv|md|json|html PATH)",
                footer: "export"),
            Binding(
                [.char("p")], .present, "Present mode: one patient at a time, large, for the meeting", footer: "present"
            ),
            Binding([.char("m")], .mask, "Mask names, MRNs and birth dates on screen", footer: "mask"),
            Binding([.char("L")], .lock, "Lock the screen now", footer: "lock"),
            Binding([.char("q")], .quit, "Quit", footer: "quit"),
        ] + navigation + [
            Binding([.tab], .nextPane, "Next pane (lists, patients, detail)"),
            Binding([.backTab], .previousPane, "Previous pane"),
            Binding([.enter], .open, "Open the selected list or patient"),
            Binding([.escape], .back, "Back out / dismiss the message"),
            Binding([.char(">")], .sortNext, "Sort by the next column"),
            Binding([.char("<")], .sortPrevious, "Sort by the previous column"),
            Binding([.char("r")], .sortReverse, "Reverse the sort"),
            Binding([.char("d")], .removePatient, "Remove the selected patient from the list (asks first)"),
            Binding([.char("K")], .moveUp, "Move the selected patient up the list"),
            Binding([.char("J")], .moveDown, "Move the selected patient down the list"),
            Binding([.char("M")], .toggleMouse, "Mouse on/off (off lets the terminal select text)"),
            Binding([.char("f")], .failures, "Show the last sync's failures"),
            Binding([.char("H")], .hypercapnic, "Mark/unmark hypercapnic (NEWS2 SpO2 scale 2)"),
            Binding(
                [.char("v")], .severity, "Handoff: illness severity stable → watcher → unstable", footer: "severity"),
            Binding([.char("t")], .todo, "Handoff: add a to-do (:todo TEXT [@OWNER] [HH:MM]; :done N, :undo N)"),
            Binding(
                [.char("A")], .acceptHandoff, "Handoff: accept the list's handoff as receiver (asks; :accept this)"),
            Binding(
                [.char(":")], .commandLine,
                "Command line: list …, theme NAME, columns …, export …, summary|if TEXT, round-done"),
        ]

    /// Other keys type into the search field; `a` adds only while a result is selected.
    public static let search: [Binding] = [
        Binding([.enter], .open, "Search; on a result, open it", footer: "search/open"),
        Binding(
            [.char("a")], .add, "Add the selected result to the current list (while a result is selected)",
            footer: "add"),
        Binding([.up], .up, "Previous result (from the first: back to the field)"),
        Binding([.down], .down, "Next result"),
        Binding([.backspace], .erase, "Erase the last character typed"),
        Binding([.escape], .back, "Close search", footer: "close"),
    ]

    /// Other keys type into the note.
    public static let note: [Binding] = [
        Binding([.ctrl("s")], .save, "Save the note", footer: "save"),
        Binding([.enter], .newLine, "New line"),
        Binding([.backspace], .erase, "Erase the last character typed"),
        Binding([.escape], .back, "Discard", footer: "discard"),
    ]

    public static let help: [Binding] = [
        Binding([.escape, .char("?"), .char("q")], .back, "Close help", footer: "close"),
        Binding([.up, .char("k")], .up, "Scroll up", footer: "scroll"),
        Binding([.down, .char("j")], .down, "Scroll down"),
        Binding([.pageUp], .pageUp, "Page up"),
        Binding([.pageDown], .pageDown, "Page down"),
    ]

    public static let present: [Binding] = [
        Binding([.right, .char("l"), .char(" ")], .presentNext, "Next patient", footer: "next"),
        Binding([.left, .char("h")], .presentPrevious, "Previous patient", footer: "previous"),
        Binding([.char("m")], .mask, "Mask identifiers", footer: "mask"),
        Binding([.char("L")], .lock, "Lock the screen", footer: "lock"),
        Binding([.escape, .char("p")], .back, "Leave present mode", footer: "leave"),
    ]

    /// Every other key at the lock is part of the password or PIN.
    public static let locked: [Binding] = [
        Binding([.enter], .unlock, "Unlock with the password or PIN typed", footer: "unlock"),
        Binding([.backspace], .eraseSecret, "Erase the last character typed", footer: "erase"),
        Binding([.escape], .clearSecret, "Erase everything typed", footer: "clear"),
    ]

    public static let confirm: [Binding] = [
        Binding([.char("y")], .confirmYes, "Yes", footer: "yes"),
        Binding([.char("n"), .escape], .confirmNo, "No", footer: "no"),
    ]

    public static let failures: [Binding] = [
        Binding([.escape, .char("f")], .back, "Close", footer: "close")
    ]

    /// Other keys type into the command line.
    public static let command: [Binding] = [
        Binding([.enter], .open, "Run the command", footer: "run"),
        Binding([.backspace], .erase, "Erase the last character typed"),
        Binding([.escape], .back, "Cancel", footer: "cancel"),
    ]

    public static func table(for mode: AppState.Mode) -> [Binding] {
        switch mode {
        case .browse: return browse
        case .search: return search
        case .note: return note
        case .help: return help
        case .command: return command
        case .confirm: return confirm
        case .present: return present
        case .locked: return locked
        case .failures: return failures
        }
    }

    public static func command(for key: Key, in mode: AppState.Mode) -> Command? {
        table(for: mode).first { $0.keys.contains(key) }?.command
    }

    /// The screens the help overlay and Docs/keybindings.md describe, in order.
    public static let screens: [(title: String, mode: AppState.Mode)] = [
        ("Lists and patients", .browse), ("Search", .search), ("Note editor", .note), ("Present mode", .present),
        ("Command line", .command), ("Confirmation", .confirm), ("Sync failures", .failures), ("Help", .help),
        ("Locked", .locked),
    ]

    /// Docs/keybindings.md, generated from the tables above.
    public static var markdown: String {
        var out =
            "# Key bindings\n\nGenerated from the binding table in `Sources/TUI/Bindings.swift` (`rounds keys` prints "
            + "it); the footer and the help overlay (`?` or F1) come from the same table.\n"
        for (title, mode) in screens {
            out += "\n## \(title)\n\n| key | what it does |\n| --- | --- |\n"
            for b in table(for: mode) { out += "| `\(b.keyLabel)` | \(b.description) |\n" }
        }
        out +=
            "\nMouse: click selects a list, a patient or a column header (sorts); the wheel scrolls. `M` or "
            + "`\"mouse\": false` in config.json turns it off so the terminal can select text.\n"
        return out
    }
}
