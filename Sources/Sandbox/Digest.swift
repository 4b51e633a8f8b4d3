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

    /// Random bytes from the kernel, hex-encoded: eight bytes a draw (a draw per byte was a system
    /// call per byte, for every bundle's id).
    static func randomHex(_ n: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(n * 2)
        var word: UInt64 = 0
        for index in 0..<n {
            if index % 8 == 0 { word = generator.next() }
            let byte = UInt8(truncatingIfNeeded: word >> (8 * UInt64(index % 8)))
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
