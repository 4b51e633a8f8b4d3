import Foundation

/// A parsed document kept flat: its bytes, and one slot per value in document order, so a value
/// is a position, not an allocation. A sync reads tens of thousands of resources and looks at a
/// few fields of each; building a tree of them (a string, an array and an object per value, each
/// counted and freed) cost more than the mapping itself. Immutable once parsed, so shared freely.
public final class JSONTape: @unchecked Sendable {
    /// What one slot holds. Objects are followed by their members as key and value slots;
    /// arrays by their elements; `next` is the slot after a value and everything inside it.
    struct Slot {
        var kind: JSONNode.Kind
        /// A string: it has a backslash escape (decoded when it is read). An object: a member
        /// name may repeat (then the last one counts, so a lookup reads every member).
        var flagged: Bool
        /// Strings and numbers: where their bytes start (inside the quotes for a string).
        var start: UInt32
        /// Strings and numbers: how many bytes; arrays and objects: how many elements or members;
        /// booleans: 1 for true.
        var length: UInt32
        var next: UInt32
    }

    // Constants once parsed (a lookup reads them without holding the tape for itself).
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let slots: UnsafeMutableBufferPointer<Slot>
    /// Whose memory `bytes` is when the tape did not copy them (a received body); else the tape's.
    private let owner: ReceivedBytes?

    /// Takes over both buffers (the parser's); `bytes` stay `owner`'s when there is one.
    init(bytes: UnsafeMutableBufferPointer<UInt8>, slots: UnsafeMutableBufferPointer<Slot>, owner: ReceivedBytes?) {
        self.bytes = bytes
        self.slots = slots
        self.owner = owner
    }

    deinit {
        if owner == nil { bytes.deallocate() }
        slots.deallocate()
    }

    /// The bytes of a string or number slot.
    func content(_ slot: Slot) -> UnsafeBufferPointer<UInt8> { JSONTape.content(slot, in: bytes) }

    /// The text of a string slot (validated as UTF-8 when it was parsed).
    func string(_ slot: Slot) -> String { JSONTape.string(slot, in: bytes) }

    /// A string slot's bytes equal `other` (UTF-8), compared without making a String.
    func stringEquals(_ slot: Slot, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONTape.stringEquals(slot, other, in: bytes)
    }

    // The same, given the bytes: a lookup holds them, not the tape.
    static func content(_ slot: Slot, in bytes: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(slot.start)..<Int(slot.start + slot.length)])
    }

    static func string(_ slot: Slot, in bytes: UnsafeMutableBufferPointer<UInt8>) -> String {
        let raw = content(slot, in: bytes)
        guard slot.flagged else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: JSONTape.unescaped(raw), as: UTF8.self)
    }

    static func stringEquals(
        _ slot: Slot, _ other: UnsafeBufferPointer<UInt8>, in bytes: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        guard !slot.flagged else { return Array(string(slot, in: bytes).utf8).elementsEqual(other) }
        guard slot.length == other.count else { return false }
        guard let base = other.baseAddress, other.count > 0 else { return true }
        return memcmp(bytes.baseAddress! + Int(slot.start), base, other.count) == 0
    }

    /// The value of a number slot (its syntax was checked when it was parsed).
    func number(_ slot: Slot) -> Double {
        let raw = content(slot)
        var negative = false
        var digits = raw[...]
        if raw.first == UInt8(ascii: "-") {
            negative = true
            digits = raw.dropFirst()
        }
        // A plain integer of up to 15 digits is exact as a Double; no string needed.
        if digits.count < 16, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            var value: Int64 = 0
            for digit in digits { value = value * 10 + Int64(digit - 48) }
            return Double(negative ? -value : value)
        }
        return Double(String(decoding: raw, as: UTF8.self)) ?? .nan
    }

    /// The bytes a string's escapes stand for. The escapes were checked when it was parsed.
    static func unescaped(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4() -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = raw[i]
                let digit: UInt32
                switch c {
                case 48...57: digit = UInt32(c - 48)
                case 65...70: digit = UInt32(c - 55)
                default: digit = UInt32(c - 87)
                }
                value = value * 16 + digit
                i += 1
            }
            return value
        }
        while i < raw.count {
            let b = raw[i]
            i += 1
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                continue
            }
            let e = raw[i]
            i += 1
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4()
                let highSurrogate = (0xD800...0xDBFF).contains(scalar)
                if highSurrogate, i + 5 < raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = hex4()
                    let pairs = (0xDC00...0xDFFF).contains(low)
                    scalar = pairs ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                }
                // A lone surrogate is no character: the replacement character stands in.
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(character)).utf8)
            default: out.append(e) // \" \\ \/
            }
        }
        return out
    }
}

/// Why a byte sequence is not JSON, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let message: String
    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes into a `JSONTape`. Written by hand (instead of
/// JSONSerialization) so booleans and numbers keep their JSON types on every platform, deep
/// nesting is bounded, and a document costs two allocations however many values it holds (one when it
/// is parsed where it was received).
struct TapeParser {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    /// Whose memory `bytes` is, when the parser did not copy them.
    private let owner: ReceivedBytes?
    private var slots: UnsafeMutableBufferPointer<JSONTape.Slot>
    private var slotCount = 0
    private var i = 0
    private var depth = 0
    private static let maxDepth = 512

    /// Parses one document from a copy of `source`; its root is slot 0.
    static func parse(_ source: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONTape {
        let skip = byteOrderMark(source)
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: source.count - skip)
        _ = copy.initialize(from: source[skip...])
        return try parse(TapeParser(copy, owner: nil))
    }

    /// Parses one document where it lies, in `received` (kept alive by the tape).
    static func parse(_ received: ReceivedBytes) throws(JSONParseError) -> JSONTape {
        let all = received.buffer
        let skip = byteOrderMark(UnsafeRawBufferPointer(all))
        return try parse(TapeParser(UnsafeMutableBufferPointer(rebasing: all[skip...]), owner: received))
    }

    private static func parse(_ start: TapeParser) throws(JSONParseError) -> JSONTape {
        var parser = start
        guard parser.bytes.count < Int(UInt32.max) else {
            parser.release()
            throw JSONParseError(offset: 0, message: "document larger than 4 GB")
        }
        do {
            try parser.document()
        } catch {
            parser.release()
            throw error
        }
        return JSONTape(bytes: parser.bytes, slots: parser.slots, owner: parser.owner)
    }

    /// A UTF-8 byte-order mark is tolerated (some Windows tools write one): its length, or 0.
    private static func byteOrderMark(_ source: UnsafeRawBufferPointer) -> Int {
        source.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    private init(_ bytes: UnsafeMutableBufferPointer<UInt8>, owner: ReceivedBytes?) {
        self.bytes = bytes
        self.owner = owner
        // About one value per eleven bytes in FHIR JSON; grown if a document is denser.
        slots = .allocate(capacity: max(16, bytes.count / 10))
    }

    /// Frees what a failed parse allocated (the bytes only when they were copied).
    private func release() {
        if owner == nil { bytes.deallocate() }
        slots.deallocate()
    }

    /// Appends a slot; its index.
    @inline(__always)
    private mutating func append(_ slot: JSONTape.Slot) -> Int {
        if _slowPath(slotCount == slots.count) { grow() }
        (slots.baseAddress! + slotCount).initialize(to: slot)
        slotCount &+= 1
        return slotCount &- 1
    }

    private mutating func grow() {
        let grown = UnsafeMutableBufferPointer<JSONTape.Slot>.allocate(capacity: slots.count * 2)
        _ = grown.initialize(from: slots)
        slots.deallocate()
        slots = grown
    }

    private func fail(_ message: String) -> JSONParseError { JSONParseError(offset: i, message: message) }

    private mutating func document() throws(JSONParseError) {
        skipSpace()
        guard i < bytes.count else { throw fail("empty document") }
        try value()
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the JSON value") }
    }

    @inline(__always)
    private mutating func skipSpace() {
        // Compact JSON (most servers) has none: one comparison says so.
        while i < bytes.count, bytes[i] <= 0x20,
            bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09
        {
            i += 1
        }
    }

    /// Closes the value at `slot`: what follows it starts at the next slot appended.
    @inline(__always)
    private func close(_ slot: Int, length: Int) {
        slots[slot].length = UInt32(length)
        slots[slot].next = UInt32(slotCount)
    }

    @inline(__always)
    private mutating func leaf(_ kind: JSONNode.Kind, start: Int, length: Int, escaped: Bool = false) {
        let next = UInt32(slotCount + 1)
        _ = append(
            JSONTape.Slot(kind: kind, flagged: escaped, start: UInt32(start), length: UInt32(length), next: next))
    }

    private mutating func value() throws(JSONParseError) {
        guard i < bytes.count else { throw fail("unexpected end of document") }
        switch bytes[i] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"):
            try literal("true")
            leaf(.bool, start: i, length: 1)
        case UInt8(ascii: "f"):
            try literal("false")
            leaf(.bool, start: i, length: 0)
        case UInt8(ascii: "n"):
            try literal("null")
            leaf(.null, start: i, length: 0)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, count) == 0 else {
            throw fail("invalid literal")
        }
        i += count
    }

    private mutating func container() throws(JSONParseError) -> Int {
        depth += 1
        guard depth <= TapeParser.maxDepth else { throw fail("nesting deeper than \(TapeParser.maxDepth)") }
        i += 1
        return append(JSONTape.Slot(kind: .null, flagged: false, start: UInt32(i - 1), length: 0, next: 0))
    }

    private mutating func object() throws(JSONParseError) {
        let slot = try container()
        slots[slot].kind = .object
        defer { depth -= 1 }
        skipSpace()
        var members = 0
        // One bit per name, by its length and end bytes: a name whose bit is taken may repeat one.
        var names: UInt64 = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            close(slot, length: 0)
            return
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            try string()
            let name = slots[slotCount - 1]
            let bit = UInt64(1) << (TapeParser.fingerprint(name, bytes) & 63)
            if name.flagged || names & bit != 0 { slots[slot].flagged = true }
            names |= bit
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipSpace()
            try value()
            members += 1
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                close(slot, length: members)
                return
            }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func array() throws(JSONParseError) {
        let slot = try container()
        slots[slot].kind = .array
        defer { depth -= 1 }
        skipSpace()
        var elements = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            close(slot, length: 0)
            return
        }
        while true {
            skipSpace()
            try value()
            elements += 1
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated array") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                close(slot, length: elements)
                return
            }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JSONParseError) {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let first = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            return i - first
        }
        let integerStart = i
        let integerDigits = digits()
        guard integerDigits > 0 else { throw fail("invalid number") }
        if integerDigits > 1, bytes[integerStart] == 48 { throw fail("invalid number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        leaf(.number, start: start, length: i - start)
    }

    private mutating func string() throws(JSONParseError) {
        i += 1
        let start = i
        var escaped = false
        var ascii = true
        while true {
            skipPlainBytes()
            guard i < bytes.count else { throw fail("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw fail("control character in string") }
            if b >= 0x80 { ascii = false }
            if b == UInt8(ascii: "\\") {
                escaped = true
                i += 1
                guard i < bytes.count else { throw fail("unterminated string") }
                switch bytes[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, (1...4).allSatisfy({ TapeParser.isHex(bytes[i + $0]) }) else {
                        throw fail("invalid \\u escape")
                    }
                    i += 4
                default: throw fail("invalid escape")
                }
            }
            i += 1
        }
        let length = i - start
        if !ascii, !TapeParser.isUTF8(UnsafeBufferPointer(rebasing: bytes[start..<i])) {
            throw fail("invalid UTF-8 in string")
        }
        i += 1
        leaf(.string, start: start, length: length, escaped: escaped)
    }

    private static func fingerprint(_ name: JSONTape.Slot, _ bytes: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard name.length > 0 else { return 0 }
        let first = Int(bytes[Int(name.start)])
        let last = Int(bytes[Int(name.start + name.length - 1)])
        return Int(name.length) &* 31 &+ first &* 7 &+ last
    }

    /// Moves to the next byte that needs a look (a quote, backslash, control character or
    /// non-ASCII byte), eight bytes at a time; near the end, byte by byte. Most of a FHIR
    /// document is text with none of them.
    @inline(__always)
    private mutating func skipPlainBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while i + 8 <= bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte is zero (or, below, under 0x20) where subtracting borrows into its high bit;
            // the lowest such byte is found exactly (a borrow only marks bytes above it).
            let hasQuote = (quote &- ones) & ~quote
            let hasBackslash = (backslash &- ones) & ~backslash
            let hasControl = (word &- ones &* 0x20) & ~word
            let special = (hasQuote | hasBackslash | hasControl | word) & highs
            guard special == 0 else {
                i += special.trailingZeroBitCount / 8 // read little-endian: the lowest is the first
                return
            }
            i += 8
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return }
            i += 1
        }
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c)
    }

    /// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
    static func isUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = 0
        while k < text.count {
            let lead = text[k]
            if lead < 0x80 {
                k += 1
                continue
            }
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0:
                count = 2
                low = 0xA0
            case 0xED:
                count = 2
                high = 0x9F
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xF0:
                count = 3
                low = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4:
                count = 3
                high = 0x8F
            default: return false
            }
            guard k + count < text.count, (low...high).contains(text[k + 1]) else { return false }
            var continuation = 2
            while continuation <= count {
                guard (0x80...0xBF).contains(text[k + continuation]) else { return false }
                continuation += 1
            }
            k += count + 1
        }
        return true
    }
}
