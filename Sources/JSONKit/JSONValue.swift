import Foundation

/// A parsed JSON value. FHIR documents are read into this shape first so that a field of the
/// wrong type becomes a warning, not a thrown decoding error that loses the whole resource.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var double: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements of an array, or the value itself as a one-element list. Servers send a single
    /// object where the spec says array (DSTU2 `Observation.category`) and vice versa.
    public var list: [JSONValue] {
        switch self {
        case .array(let a): return a
        case .null: return []
        default: return [self]
        }
    }

    /// A string, or a number/bool written as text (`"numberOfRepeatsAllowed": "1"` and the reverse).
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// A short form of the value for warnings (never the whole document).
    public var preview: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number: return text ?? "?"
        case .string(let str): return JSONValue.preview(str)
        case .array(let a): return JSONValue.preview("[\(a.count) items]")
        case .object(let o): return JSONValue.preview("{\(o.keys.sorted().prefix(4).joined(separator: ", "))}")
        }
    }

    /// `text` cut to a warning's length.
    static func preview(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(77)) + "…" : text
    }

    /// The JSON type's name, for messages.
    public var typeName: String {
        switch self {
        case .null: return JSONValue.typeName(of: .null)
        case .bool: return JSONValue.typeName(of: .bool)
        case .number: return JSONValue.typeName(of: .number)
        case .string: return JSONValue.typeName(of: .string)
        case .array: return JSONValue.typeName(of: .array)
        case .object: return JSONValue.typeName(of: .object)
        }
    }

    static func typeName(of kind: JSONNode.Kind) -> String {
        switch kind {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral v: String) { self = .string(v) }
    public init(arrayLiteral v: JSONValue...) { self = .array(v) }
    public init(dictionaryLiteral v: (String, JSONValue)...) {
        var o = JSONObject()
        for (k, x) in v { o[k] = x }
        self = .object(o)
    }
    public init(integerLiteral v: Int) { self = .number(Double(v)) }
    public init(floatLiteral v: Double) { self = .number(v) }
    public init(booleanLiteral v: Bool) { self = .bool(v) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// An optional string as JSON (`null` when absent).
    public static func from(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    /// Drops members whose value is `null`, so rendered resources carry only what is known.
    public var compacted: JSONValue {
        switch self {
        case .object(let o):
            return .object(o.compactMapValues { v in v == .null ? nil : v.compacted })
        case .array(let a): return .array(a.map(\.compacted))
        default: return self
        }
    }
}
