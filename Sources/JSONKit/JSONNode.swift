import Foundation

/// A value in a parsed document, read in place: what a server sent is read through this (every
/// FHIR answer), and nothing is made of a value until it is asked for. A field of the wrong type
/// reads as `nil` (the mappers warn), never as a thrown error that loses the whole resource.
/// `JSONValue` is for documents Rounds builds.
public struct JSONNode: Sendable {
    public enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    let tape: JSONTape
    let index: Int

    private var slot: JSONTape.Slot { tape.slots[index] }

    /// Parses one JSON document.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONNode {
        let tape: JSONTape
        do {
            tape = try data.withUnsafeBytes { raw in try TapeParser.parse(raw) }
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(offset: 0, message: "\(error)")
        }
        return JSONNode(tape: tape, index: 0)
    }

    /// Parses a received body where it lies (no copy; the document keeps the bytes alive).
    public static func parse(_ received: ReceivedBytes) throws(JSONParseError) -> JSONNode {
        JSONNode(tape: try TapeParser.parse(received), index: 0)
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONNode {
        try parse(Data(text.utf8))
    }

    /// A document Rounds built, to read as a server's (tests, and answers assembled in memory).
    public init(_ value: JSONValue) {
        do {
            self = try JSONNode.parse(value.data)
        } catch {
            preconditionFailure("Rounds' own serialized JSON did not parse: \(error)")
        }
    }

    private init(tape: JSONTape, index: Int) {
        self.tape = tape
        self.index = index
    }

    public var kind: Kind { slot.kind }
    public var isNull: Bool { slot.kind == .null }

    /// The member `key` of an object (the last one when a key repeats, as a dictionary would);
    /// `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONNode? {
        var key = key
        return key.withUTF8 { member(named: $0) }
    }

    private func member(named key: UnsafeBufferPointer<UInt8>) -> JSONNode? {
        let slots = tape.slots
        let object = slots[index]
        guard object.kind == .object else { return nil }
        let bytes = tape.bytes
        var found: Int?
        var position = index + 1
        let first = key.first ?? 0
        for _ in 0..<object.length {
            let name = slots[position]
            // Most names differ from the one sought in length or first byte: no comparison call.
            let sameLength = name.length == key.count
            let mayMatch = name.flagged || (sameLength && (key.isEmpty || bytes[Int(name.start)] == first))
            if mayMatch, JSONTape.stringEquals(name, key, in: bytes) {
                found = position + 1
                // Names that never repeat: the first match is the only one.
                if !object.flagged { break }
            }
            position = Int(slots[position + 1].next)
        }
        return found.map { JSONNode(tape: tape, index: $0) }
    }

    public subscript(position: Int) -> JSONNode? {
        guard slot.kind == .array, position >= 0, position < Int(slot.length) else { return nil }
        let elements = self.elements
        return elements[elements.index(elements.startIndex, offsetBy: position)]
    }

    public var string: String? {
        let slot = self.slot
        return slot.kind == .string ? tape.string(slot) : nil
    }

    /// The value is the string `text`, compared in place.
    public func isString(_ text: String) -> Bool {
        let slot = self.slot
        guard slot.kind == .string else { return false }
        var text = text
        return text.withUTF8 { tape.stringEquals(slot, $0) }
    }

    /// The value is a string holding `needle` (bytes, not locale-aware: code-system markers).
    public func stringContains(_ needle: String) -> Bool {
        let slot = self.slot
        guard slot.kind == .string else { return false }
        var needle = needle
        return needle.withUTF8 { wanted in
            guard !slot.flagged else {
                return Array(tape.string(slot).utf8).withUnsafeBufferPointer { JSONNode.contains($0, wanted) }
            }
            return JSONNode.contains(tape.content(slot), wanted)
        }
    }

    private static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard hay.count >= needle.count else { return false }
        for start in 0...(hay.count - needle.count) where hay[start] == needle[0] {
            if memcmp(hay.baseAddress! + start, needle.baseAddress!, needle.count) == 0 { return true }
        }
        return false
    }

    public var double: Double? {
        let slot = self.slot
        return slot.kind == .number ? tape.number(slot) : nil
    }

    public var bool: Bool? {
        let slot = self.slot
        return slot.kind == .bool ? slot.length == 1 : nil
    }

    /// The elements of an array; `nil` for any other value.
    public var array: Elements? { slot.kind == .array ? elements : nil }

    /// The elements of an array, or the value itself as a one-element list. Servers send a single
    /// object where the spec says array (DSTU2 `Observation.category`) and vice versa.
    public var list: Elements {
        switch slot.kind {
        case .array: return elements
        case .null: return Elements(tape: tape, startIndex: index, endIndex: index, count: 0)
        default: return Elements(tape: tape, startIndex: index, endIndex: Int(slot.next), count: 1)
        }
    }

    private var elements: Elements {
        let slot = self.slot
        return Elements(tape: tape, startIndex: index + 1, endIndex: Int(slot.next), count: Int(slot.length))
    }

    /// The members of an object in document order; empty for any other value.
    public var members: [(key: String, value: JSONNode)] {
        let object = slot
        guard object.kind == .object else { return [] }
        var out: [(key: String, value: JSONNode)] = []
        out.reserveCapacity(Int(object.length))
        var position = index + 1
        for _ in 0..<object.length {
            out.append((key: tape.string(tape.slots[position]), value: JSONNode(tape: tape, index: position + 1)))
            position = Int(tape.slots[position + 1].next)
        }
        return out
    }

    /// A string, or a number/bool written as text (`"numberOfRepeatsAllowed": "1"` and the reverse).
    public var text: String? {
        switch slot.kind {
        case .string: return string
        case .number: return JSONValue.number(double ?? .nan).text
        case .bool: return bool == true ? "true" : "false"
        default: return nil
        }
    }

    /// The JSON type's name, for messages.
    public var typeName: String { JSONValue.typeName(of: kind) }

    /// A short form of the value for warnings (never the whole document).
    public var preview: String {
        switch slot.kind {
        case .array: return JSONValue.preview("[\(slot.length) items]")
        case .object: return JSONValue.preview("{\(members.map(\.key).sorted().prefix(4).joined(separator: ", "))}")
        default: return value.preview
        }
    }

    /// The value as a tree, to keep or to build on.
    public var value: JSONValue {
        let slot = self.slot
        switch slot.kind {
        case .null: return .null
        case .bool: return .bool(slot.length == 1)
        case .number: return .number(tape.number(slot))
        case .string: return .string(tape.string(slot))
        case .array: return .array(elements.map(\.value))
        case .object: return .object(JSONObject(parsed: members.map { (key: $0.key, value: $0.value.value) }))
        }
    }

    /// The elements of an array in order, read in place.
    public struct Elements: Collection, Sendable {
        let tape: JSONTape?
        public let startIndex: Int
        public let endIndex: Int
        public let count: Int

        /// No elements (`node?.list ?? .empty`).
        public static let empty = Elements(tape: nil, startIndex: 0, endIndex: 0, count: 0)

        public func index(after position: Int) -> Int { Int(tape!.slots[position].next) }
        public subscript(position: Int) -> JSONNode { JSONNode(tape: tape!, index: position) }
        public var isEmpty: Bool { count == 0 }
    }
}
