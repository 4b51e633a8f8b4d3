import CCrypto
import Foundation

/// SHA-256 through the system's libcrypto.
enum Digest {
    static func sha256Hex(_ s: String) -> String {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(s.utf8)
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &out) }
        return out.map { String(format: "%02x", $0) }.joined()
    }

    /// Random bytes from the kernel, hex-encoded.
    static func randomHex(_ n: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
