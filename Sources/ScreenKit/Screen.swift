import TextSafety

/// One cell of the screen. A wide character occupies its cell and the next, which holds `nil`.
public struct Cell: Sendable, Hashable {
    public var character: Character?
    public var style: Style
    public init(_ character: Character? = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }
}

/// A rectangle in cells.
public struct Rect: Sendable, Hashable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func inset(_ n: Int) -> Rect {
        Rect(x: x + n, y: y + n, width: max(0, width - 2 * n), height: max(0, height - 2 * n))
    }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}

/// A virtual screen: what the terminal should show. Views draw here; the backend copies only
/// the cells that changed; tests read it as text.
public struct Screen: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the hardware cursor should sit (the selected row, for screen readers).
    public var cursor: (x: Int, y: Int)?

    public init(width: Int, height: Int, fill: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(" ", style: fill), count: self.width * self.height)
    }

    public static func == (a: Screen, b: Screen) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursor?.x == b.cursor?.x
            && a.cursor?.y == b.cursor?.y
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns and the screen; returns columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        // A control character would otherwise go to the terminal inside a cell (ESC attached to
        // the previous character as if it were a combining mark).
        for ch in TerminalText.safe(text, lines: false) {
            let w = DisplayWidth.of(ch)
            if w == 0 {
                // A combining mark with no base of its own: attach to the previous cell.
                if col > x, col - 1 < width, var prev = self[safe: col - 1, y], let base = prev.character {
                    prev.character = Character(String(base) + String(ch))
                    self[col - 1, y] = prev
                }
                continue
            }
            if col + w > limit { break }
            if col >= 0 {
                // Overwriting half of a wide character blanks its other half.
                if col > 0, self[col, y].character == nil {
                    self[col - 1, y] = Cell(" ", style: self[col - 1, y].style)
                }
                self[col, y] = Cell(ch, style: style)
                if w == 2 {
                    self[col + 1, y] = Cell(nil, style: style)
                    if col + 2 < width, self[col + 2, y].character == nil {
                        self[col + 2, y] = Cell(" ", style: self[col + 2, y].style)
                    }
                }
            }
            col += w
        }
        return col - x
    }

    subscript(safe x: Int, y: Int) -> Cell? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        return self[x, y]
    }

    /// Fills a rectangle.
    public mutating func fill(_ r: Rect, _ ch: Character = " ", style: Style = .plain) {
        for yy in max(0, r.y)..<min(height, r.maxY) {
            for xx in max(0, r.x)..<min(width, r.maxX) { self[xx, yy] = Cell(ch, style: style) }
        }
    }

    /// Restyles a rectangle's cells, keeping their characters.
    public mutating func restyle(_ r: Rect, _ transform: (Style) -> Style) {
        for yy in max(0, r.y)..<min(height, r.maxY) {
            for xx in max(0, r.x)..<min(width, r.maxX) { self[xx, yy].style = transform(self[xx, yy].style) }
        }
    }

    /// A box with single lines and an optional title in the top edge.
    public mutating func box(_ r: Rect, title: String? = nil, style: Style = .plain, titleStyle: Style? = nil) {
        guard r.width >= 2, r.height >= 2 else { return }
        for xx in r.x + 1..<r.maxX - 1 {
            put("─", x: xx, y: r.y, style: style)
            put("─", x: xx, y: r.maxY - 1, style: style)
        }
        for yy in r.y + 1..<r.maxY - 1 {
            put("│", x: r.x, y: yy, style: style)
            put("│", x: r.maxX - 1, y: yy, style: style)
        }
        put("┌", x: r.x, y: r.y, style: style)
        put("┐", x: r.maxX - 1, y: r.y, style: style)
        put("└", x: r.x, y: r.maxY - 1, style: style)
        put("┘", x: r.maxX - 1, y: r.maxY - 1, style: style)
        if let title, r.width > 4 {
            put(" \(title) ", x: r.x + 1, y: r.y, style: titleStyle ?? style, maxWidth: r.width - 2)
        }
    }

    /// The screen as lines of text (for snapshots and plain output).
    public var text: String {
        (0..<height).map { line($0) }.joined(separator: "\n")
    }

    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<width { if let c = self[x, y].character { s.append(c) } }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// Runs of changed cells from `old` to this screen (everything when sizes differ).
    public func changes(since old: Screen?) -> [(x: Int, y: Int, cells: [Cell])] {
        var runs: [(x: Int, y: Int, cells: [Cell])] = []
        let full = old == nil || old!.width != width || old!.height != height
        for y in 0..<height {
            var x = 0
            while x < width {
                if !full && old![x, y] == self[x, y] {
                    x += 1
                    continue
                }
                let start = x
                var run: [Cell] = []
                while x < width && (full || old![x, y] != self[x, y] || self[x, y].character == nil) {
                    run.append(self[x, y])
                    x += 1
                }
                // A run never starts on the right half of a wide character.
                if start > 0, run.first?.character == nil {
                    runs.append((start - 1, y, [self[start - 1, y]] + run))
                } else {
                    runs.append((start, y, run))
                }
            }
        }
        return runs
    }
}
