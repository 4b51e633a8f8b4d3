import Foundation

/// Why a byte sequence is not JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let message: String
    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes. Written by hand (instead of JSONSerialization) so
/// booleans and numbers keep their JSON types on every platform and deep nesting is bounded.
public struct JSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0
    // Room for a typical FHIR object's members from the start: growing each object's array from
    // one member (1, 2, 4, 8) cost a sync more than reading the bytes.
    private static let typicalMembers = 8
    // Strings too long to be stored inline (16 bytes and more) that this document repeats —
    // code systems, units, references, times — are made once and shared: a sync's answers repeat
    // a few hundred of them across tens of thousands of resources. Keyed by a hash of the bytes,
    // checked against them.
    private var repeated: [UInt64: String] = [:]
    private static let repeatedLimit = 4096
    private static let sharedLengths = 16...96
    private static let maxDepth = 512

    /// Parses one JSON document.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(bytes: [UInt8](data))
        return try p.document()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(bytes: Array(text.utf8))
        return try p.document()
    }

    private init(bytes: [UInt8]) {
        // A UTF-8 byte-order mark is tolerated: some Windows tools write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            self.bytes = Array(bytes.dropFirst(3))
        } else {
            self.bytes = bytes
        }
    }

    private func fail(_ m: String) -> JSONParseError { JSONParseError(offset: i, message: m) }

    private mutating func document() throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard i < bytes.count else { throw fail("empty document") }
        let v = try value()
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the JSON value") }
        return v
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of document") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    private mutating func literal(_ word: String) throws(JSONParseError) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("invalid literal") }
        i += w.count
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        depth += 1
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        defer { depth -= 1 }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(JSONObject())
        }
        var members: [JSONObject.Element] = []
        members.reserveCapacity(JSONParser.typicalMembers)
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let k = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipSpace()
            members.append((key: k, value: try value()))
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(JSONObject(parsed: members))
            }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        depth += 1
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        defer { depth -= 1 }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            skipSpace()
            elements.append(try value())
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated array") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(elements)
            }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JSONParseError) -> Double {
        let start = i
        // Fast path: a plain integer of up to 15 digits is exact as a Double; no string needed.
        var j = i
        var negative = false
        var value: Int64 = 0
        var count = 0
        if bytes[j] == UInt8(ascii: "-") {
            negative = true
            j += 1
        }
        while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57, count < 16 {
            value = value * 10 + Int64(bytes[j] - 48)
            j += 1
            count += 1
        }
        if count > 0, count < 16,
            j == bytes.count
                || !(bytes[j] == UInt8(ascii: ".") || bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E")
                    || (bytes[j] >= 48 && bytes[j] <= 57))
        {
            if count > 1, bytes[negative ? i + 1 : i] == 48 { throw fail("invalid number") }
            i = j
            return Double(negative ? -value : value)
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let s = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            return i - s
        }
        guard digits() > 0 else { throw fail("invalid number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        let s = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let d = Double(s) else { throw fail("invalid number") }
        return d
    }

    /// FNV-1a over the bytes of a string.
    private static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private mutating func string() throws(JSONParseError) -> String {
        i += 1
        // Fast path: no escapes before the closing quote (almost every FHIR string).
        var j = i
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\"), bytes[j] >= 0x20 {
            j += 1
        }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            let slice = bytes[i..<j]
            var hash: UInt64 = 0
            let shareable = JSONParser.sharedLengths.contains(slice.count)
            if shareable {
                hash = JSONParser.fnv1a(slice)
                if let known = repeated[hash], known.utf8.elementsEqual(slice) {
                    i = j + 1
                    return known
                }
            }
            let s: String
            if slice.allSatisfy({ $0 < 0x80 }) {
                s = String(decoding: slice, as: UTF8.self) // ASCII is always valid UTF-8
            } else {
                guard let v = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                s = v
            }
            if shareable, repeated.count < JSONParser.repeatedLimit { repeated[hash] = s }
            i = j + 1
            return s
        }
        var out = [UInt8]()
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                return s
            }
            if b < 0x20 { throw fail("control character in string") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                        bytes[i + 1] == UInt8(ascii: "u")
                    {
                        i += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalar = 0xFFFD
                        }
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("invalid escape")
                }
                continue
            }
            out.append(b)
            i += 1
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }
}
