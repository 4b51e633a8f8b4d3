import CNCurses
import Foundation
import ScreenKit

/// The only code that calls ncurses: sets the terminal up, copies changed cells, reads keys.
@MainActor
public final class CursesTerminal: TerminalDevice {
    private let window: OpaquePointer
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1
    private let colors: Int
    private var mouseOn = false

    struct PairKey: Hashable {
        let fg: Int
        let bg: Int
    }

    /// Initialises ncurses (UTF-8 locale, raw keys, colours, mouse when asked).
    public init(mouse: Bool) {
        setlocale(LC_ALL, "")
        if let cs = nl_langinfo(nl_item(CODESET)), String(cString: cs) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
        _ = initscr()
        raw()
        noecho()
        nonl()
        set_escdelay(25)
        let win = rounds_stdscr()!
        window = OpaquePointer(win)
        keypad(win, true)
        wtimeout(win, 100)
        scrollok(win, false)
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(rounds_COLORS())
        } else {
            colors = 0
        }
        setMouse(mouse)
    }

    var win: UnsafeMutablePointer<WINDOW> { UnsafeMutablePointer(window) }

    public var size: (width: Int, height: Int) { (Int(rounds_COLS()), Int(rounds_LINES())) }

    public func setMouse(_ on: Bool) {
        mouseOn = on
        if on {
            _ = mousemask(
                rounds_BUTTON1_CLICKED | rounds_BUTTON1_PRESSED | rounds_BUTTON4_PRESSED | rounds_BUTTON5_PRESSED, nil)
            mouseinterval(0)
        } else {
            _ = mousemask(0, nil)
        }
    }

    public func wipe() {
        werase(win)
        clearok(win, true)
        wnoutrefresh(win)
        doupdate()
    }

    public func shutdown() {
        _ = mousemask(0, nil)
        endwin()
    }

    private func pair(_ style: Style) -> Int16 {
        guard colors > 0 else { return 0 }
        let fg = colors >= 256 ? style.foreground.index256 : style.foreground.index8
        let bg = colors >= 256 ? style.background.index256 : style.background.index8
        if fg == -1 && bg == -1 { return 0 }
        let key = PairKey(fg: fg, bg: bg)
        if let p = pairs[key] { return p }
        guard Int(nextPair) < 32000 else { return 0 }
        let p = nextPair
        nextPair += 1
        init_pair(p, Int16(fg), Int16(bg))
        pairs[key] = p
        return p
    }

    private func attributes(_ s: Style) -> attr_t {
        var a: attr_t = 0
        if s.bold { a |= rounds_A_BOLD }
        if s.reverse { a |= rounds_A_REVERSE }
        if s.underline { a |= rounds_A_UNDERLINE }
        if s.dim { a |= rounds_A_DIM }
        return a
    }

    public func draw(_ screen: Screen, previous: Screen?) {
        if previous == nil || previous!.width != screen.width || previous!.height != screen.height { werase(win) }
        for run in screen.changes(since: previous) {
            var x = run.x
            for cell in run.cells {
                defer { x += 1 }
                guard let ch = cell.character else { continue }
                if run.y == screen.height - 1 && x == screen.width - 1 { continue } // never scroll the screen
                wattr_set(win, attributes(cell.style), pair(cell.style), nil)
                var w = String(ch).unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                w.append(0)
                _ = mvwaddwstr(win, Int32(run.y), Int32(x), w)
            }
        }
        wattr_set(win, 0, 0, nil)
        if let c = screen.cursor {
            curs_set(1)
            wmove(win, Int32(c.y), Int32(c.x))
        } else {
            curs_set(0)
        }
        wnoutrefresh(win)
        doupdate()
    }

    public var isConnected: Bool {
        var t = termios()
        return tcgetattr(STDIN_FILENO, &t) == 0
    }

    public func readKey() -> Key? {
        var ch: wint_t = 0
        let rc = wget_wch(win, &ch)
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES { return special(Int32(ch)) }
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 127, 8: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 96)))
        default:
            guard let u = Unicode.Scalar(ch) else { return nil }
            return .char(Character(u))
        }
    }

    private func special(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize(width: size.width, height: size.height)
        case KEY_MOUSE:
            var ev = MEVENT()
            guard getmouse(&ev) == OK else { return nil }
            let kind: MouseEvent.Kind
            if ev.bstate & rounds_BUTTON4_PRESSED != 0 {
                kind = .wheelUp
            } else if ev.bstate & rounds_BUTTON5_PRESSED != 0 {
                kind = .wheelDown
            } else if ev.bstate & (rounds_BUTTON1_CLICKED | rounds_BUTTON1_PRESSED) != 0 {
                kind = .click
            } else {
                return nil
            }
            return .mouse(MouseEvent(kind: kind, x: Int(ev.x), y: Int(ev.y)))
        default:
            for n in 1...12 where code == rounds_KEY_F(Int32(n)) { return .function(n) }
            return nil
        }
    }
}
