import Foundation

extension JSONValue {
    /// Compact JSON text with sorted keys (stable output for tests and request logs).
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    public var data: Data { Data(serialized.utf8) }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n):
            if n.isNaN || n.isInfinite { out += "null" } else if n == n.rounded(), abs(n) < 1e15 { out += String(Int(n)) } else { out += String(n) }
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (k, v) in a.enumerated() { if k > 0 { out += "," }; v.write(into: &out) }
            out += "]"
        case .object(let o):
            out += "{"
            // resourceType first reads better in logs; the rest sorted for stable output.
            let keys = o.keys.sorted { a, b in a == "resourceType" ? b != "resourceType" : (b == "resourceType" ? false : a < b) }
            for (k, key) in keys.enumerated() {
                if k > 0 { out += "," }
                JSONValue.writeString(key, into: &out)
                out += ":"
                o[key]!.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
    }
}
