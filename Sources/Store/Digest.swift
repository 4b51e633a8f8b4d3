import CCrypto
import Foundation

/// SHA-256 through the system's libcrypto (hex).
public enum Digest {
    public static func sha256Hex(_ s: String) -> String { sha256Hex(Data(s.utf8)) }

    public static func sha256Hex(_ d: Data) -> String {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        d.withUnsafeBytes { p in _ = SHA256(p.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count, &out) }
        return out.map { String(format: "%02x", $0) }.joined()
    }
}
