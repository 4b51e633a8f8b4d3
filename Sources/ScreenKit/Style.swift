/// A terminal colour: the terminal's default, one of 256 indexed colours, or RGB (mapped to
/// the nearest indexed colour on terminals that need it).
public enum Color: Sendable, Hashable {
    case `default`
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The nearest xterm-256 index.
    public var index256: Int {
        switch self {
        case .default: return -1
        case .indexed(let i): return Int(i)
        case .rgb(let r, let g, let b):
            func level(_ v: UInt8) -> Int { v < 48 ? 0 : (v < 115 ? 1 : (Int(v) - 35) / 40) }
            if r == g && g == b {
                if r < 8 { return 16 }
                if r > 238 { return 231 }
                return 232 + (Int(r) - 8) / 10
            }
            return 16 + 36 * level(r) + 6 * level(g) + level(b)
        }
    }

    /// The nearest of the 8 basic colours (for 8-colour terminals).
    public var index8: Int {
        switch self {
        case .default: return -1
        case .indexed(let i) where i < 16: return Int(i % 8)
        default:
            let (r, g, b) = rgbValue
            let bright = (Int(r) + Int(g) + Int(b)) / 3
            if max(r, g, b) - min(r, g, b) < 40 { return bright > 160 ? 7 : 0 }
            return (r > 127 ? 1 : 0) | (g > 127 ? 2 : 0) | (b > 127 ? 4 : 0)
        }
    }

    var rgbValue: (UInt8, UInt8, UInt8) {
        switch self {
        case .rgb(let r, let g, let b): return (r, g, b)
        case .indexed(let i) where i >= 16 && i < 232:
            let n = Int(i) - 16
            let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
            return (steps[n / 36], steps[(n / 6) % 6], steps[n % 6])
        case .indexed(let i) where i >= 232:
            let v = UInt8(8 + (Int(i) - 232) * 10)
            return (v, v, v)
        case .indexed(let i):
            let basic: [(UInt8, UInt8, UInt8)] = [
                (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                (229, 229, 229),
            ]
            return basic[Int(i % 8)]
        case .default: return (128, 128, 128)
        }
    }
}

/// How a cell looks.
public struct Style: Sendable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(
        foreground: Color = .default, background: Color = .default, bold: Bool = false, reverse: Bool = false,
        underline: Bool = false, dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let plain = Style()
    public func with(bold: Bool? = nil, reverse: Bool? = nil, underline: Bool? = nil) -> Style {
        var s = self
        if let bold { s.bold = bold }
        if let reverse { s.reverse = reverse }
        if let underline { s.underline = underline }
        return s
    }
}
