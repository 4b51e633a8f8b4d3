/// Percent-encoding by bytes, for URLs and forms: every byte outside the set kept is sent as
/// `%XX` (a non-ASCII letter as its UTF-8 bytes). By hand: a sync escapes a value per search, and
/// Foundation built its character set each time. Here, beside `HTTPDate`, because the FHIR client
/// and the sandbox both use it and this is the layer both import.
public enum PercentEncoding {
    /// RFC 3986's unreserved bytes: letters, digits, `-._~`.
    public static let unreserved = keeping("")

    /// The unreserved bytes and `others`.
    public static func keeping(_ others: String) -> [Bool] {
        var kept = [Bool](repeating: false, count: 256)
        for byte in ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + others).utf8 {
            kept[Int(byte)] = true
        }
        return kept
    }

    public static func encode(_ text: String, keeping kept: [Bool]) -> String {
        guard text.utf8.contains(where: { !kept[Int($0)] }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if kept[Int(byte)] {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
