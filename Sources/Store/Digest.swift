import CCrypto
import Foundation

/// SHA-256 through the system's libcrypto (hex).
public enum Digest {
    public static func sha256Hex(_ s: String) -> String { sha256Hex(Data(s.utf8)) }

    public static func sha256Hex(_ d: Data) -> String {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        d.withUnsafeBytes { p in _ = SHA256(p.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count, &out) }
        // By table: String(format:) per byte showed in a sync's profile (a hash per patient).
        var text: [UInt8] = []
        text.reserveCapacity(out.count * 2)
        for byte in out {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
