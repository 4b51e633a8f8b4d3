import CCrypto
import Foundation
import JSONKit

/// JWS signing algorithms SMART Backend Services requires clients to support.
public enum SigningAlgorithm: String, Sendable, CaseIterable, Codable {
    case es384 = "ES384"
    case rs384 = "RS384"
}

/// What can go wrong with a key, in words an admin can act on.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case exists(path: String)
    case unreadable(path: String, reason: String)
    case notAPrivateKey(path: String)
    case unsupportedKey(String)
    case crypto(String)

    public var description: String {
        switch self {
        case .exists(let path):
            return
                "'\(path)' already exists; Rounds never overwrites a key. Choose another --out or remove the old key."
        case .unreadable(let path, let reason): return "Cannot read the key '\(path)': \(reason)."
        case .notAPrivateKey(let path): return "'\(path)' is not a PEM private key (ES384 P-384 or RS384 RSA)."
        case .unsupportedKey(let what):
            return "Unsupported key: \(what). Rounds signs with ES384 (P-384) or RS384 (RSA, 2048 bits or more)."
        case .crypto(let what): return "The signature library failed: \(what)."
        }
    }
}

/// A private key held by libcrypto: generated, written as PEM, read back, and used to sign JWTs.
/// Its public half is published as a JWK; the private half never leaves the file it was read from.
public final class SigningKey: @unchecked Sendable {
    let pkey: OpaquePointer
    public let algorithm: SigningAlgorithm

    init(pkey: OpaquePointer, algorithm: SigningAlgorithm) {
        self.pkey = pkey
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(pkey) }

    /// A new key: P-384 for ES384, 3072-bit RSA for RS384.
    public static func generate(_ algorithm: SigningAlgorithm) throws(KeyError) -> SigningKey {
        let type = algorithm == .es384 ? "EC" : "RSA"
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { throw .crypto("no \(type) key context") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw .crypto("key generation could not start") }
        switch algorithm {
        case .es384:
            guard EVP_PKEY_CTX_set_group_name(ctx, "P-384") == 1 else { throw .crypto("P-384 is not available") }
        case .rs384:
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 3072) == 1 else { throw .crypto("RSA 3072 is not available") }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw .crypto("key generation failed") }
        return SigningKey(pkey: key, algorithm: algorithm)
    }

    /// Writes the private key as PEM (PKCS #8) to a new file of mode 0600; never overwrites.
    public func write(to path: String) throws(KeyError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard let file = fdopen(fd, "w") else {
            close(fd)
            throw .crypto("cannot open '\(path)' for writing")
        }
        let written = PEM_write_PrivateKey(file, pkey, nil, nil, 0, nil, nil)
        let closed = fclose(file)
        guard written == 1, closed == 0 else {
            unlink(path)
            throw .crypto("could not write the key to '\(path)'")
        }
    }

    /// Reads a PEM private key (P-384 EC, or RSA of 2048 bits or more).
    public static func read(pem: Data, path: String) throws(KeyError) -> SigningKey {
        let key: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else {
            ERR_clear_error()
            throw .notAPrivateKey(path: path)
        }
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            let found = EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &length) == 1
            let group = found ? String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            guard group == "secp384r1" || group == "P-384" else {
                EVP_PKEY_free(key)
                throw .unsupportedKey("an EC key on curve \(group) (ES384 needs P-384)")
            }
            return SigningKey(pkey: key, algorithm: .es384)
        case EVP_PKEY_RSA:
            guard EVP_PKEY_get_bits(key) >= 2048 else {
                EVP_PKEY_free(key)
                throw .unsupportedKey("an RSA key of \(EVP_PKEY_get_bits(key)) bits")
            }
            return SigningKey(pkey: key, algorithm: .rs384)
        default:
            EVP_PKEY_free(key)
            throw .unsupportedKey("a key that is neither EC nor RSA")
        }
    }

    /// The public key as a JWK with its RFC 7638 thumbprint as `kid`, `alg` and `use: sig`.
    public func publicJWK() throws(KeyError) -> JSONValue {
        var members = try publicMembers()
        members.append(("kid", .string(try thumbprint())))
        members.append(("alg", .string(algorithm.rawValue)))
        members.append(("use", "sig"))
        return .object(JSONObject.ordered(members))
    }

    /// The JWK Thumbprint (RFC 7638): SHA-256 of the required members in lexicographic order,
    /// base64url.
    public func thumbprint() throws(KeyError) -> String {
        let canonical = JSONValue.object(JSONObject.ordered(try publicMembers())).serialized
        return Base64URL.encode(SecureBytes.sha256(Data(canonical.utf8)))
    }

    /// The required public members, in the order RFC 7638 sorts them.
    func publicMembers() throws(KeyError) -> [(String, JSONValue)] {
        switch algorithm {
        case .es384:
            let x = try bignum(OSSL_PKEY_PARAM_EC_PUB_X, width: 48)
            let y = try bignum(OSSL_PKEY_PARAM_EC_PUB_Y, width: 48)
            return [
                ("crv", "P-384"), ("kty", "EC"), ("x", .string(Base64URL.encode(x))),
                ("y", .string(Base64URL.encode(y))),
            ]
        case .rs384:
            let e = try bignum(OSSL_PKEY_PARAM_RSA_E, width: nil)
            let n = try bignum(OSSL_PKEY_PARAM_RSA_N, width: nil)
            return [("e", .string(Base64URL.encode(e))), ("kty", "RSA"), ("n", .string(Base64URL.encode(n)))]
        }
    }

    func bignum(_ name: String, width: Int?) throws(KeyError) -> Data {
        var bn: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pkey, name, &bn) == 1, let bn else { throw .crypto("no '\(name)' in the key") }
        defer { BN_free(bn) }
        return BigNumbers.bytes(bn, width: width)
    }

    /// A JWS signature of `input` (the JWT's `header.payload`): ES384 as raw r‖s (96 bytes), RS384
    /// as PKCS #1 v1.5 with SHA-384.
    public func sign(_ input: Data) throws(KeyError) -> Data {
        guard let ctx = EVP_MD_CTX_new() else { throw .crypto("no digest context") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha384(), nil, pkey) == 1 else {
            throw .crypto("signing could not start")
        }
        var length = 0
        let bytes = [UInt8](input)
        guard EVP_DigestSign(ctx, nil, &length, bytes, bytes.count) == 1 else { throw .crypto("signing failed") }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(ctx, &signature, &length, bytes, bytes.count) == 1 else { throw .crypto("signing failed") }
        let der = Data(signature.prefix(length))
        return algorithm == .es384 ? try ECDSASignature.raw(fromDER: der) : der
    }
}

/// Big numbers to bytes and back.
enum BigNumbers {
    static func bytes(_ bn: OpaquePointer, width: Int?) -> Data {
        let natural = (Int(BN_num_bits(bn)) + 7) / 8
        let size = max(width ?? natural, natural)
        var out = [UInt8](repeating: 0, count: size)
        _ = BN_bn2binpad(bn, &out, Int32(size))
        return Data(out)
    }

    static func make(_ data: Data) -> OpaquePointer? {
        let bytes = [UInt8](data)
        return BN_bin2bn(bytes, Int32(bytes.count), nil)
    }
}

/// ES384 signatures: DER (what libcrypto gives) to raw r‖s (what JWS carries) and back.
enum ECDSASignature {
    static func raw(fromDER der: Data) throws(KeyError) -> Data {
        let bytes = [UInt8](der)
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &pointer, buffer.count)
        }
        guard let parsed else { throw .crypto("an ECDSA signature that does not parse") }
        defer { ECDSA_SIG_free(parsed) }
        var r: OpaquePointer?
        var s: OpaquePointer?
        ECDSA_SIG_get0(parsed, &r, &s)
        guard let r, let s else { throw .crypto("an ECDSA signature without r and s") }
        return BigNumbers.bytes(r, width: 48) + BigNumbers.bytes(s, width: 48)
    }

    static func der(fromRaw raw: Data) -> Data? {
        guard raw.count == 96, let r = BigNumbers.make(raw.prefix(48)), let s = BigNumbers.make(raw.suffix(48)) else {
            return nil
        }
        guard let signature = ECDSA_SIG_new() else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        defer { ECDSA_SIG_free(signature) }
        guard ECDSA_SIG_set0(signature, r, s) == 1 else { return nil }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_ECDSA_SIG(signature, &out)
        guard length > 0, let out else { return nil }
        defer { CRYPTO_free(out, #file, #line) }
        return Data(bytes: out, count: Int(length))
    }
}

/// SHA-256 and random bytes from libcrypto.
public enum SecureBytes {
    public static func sha256(_ data: Data) -> Data {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = [UInt8](data)
        _ = SHA256(bytes, bytes.count, &out)
        return Data(out)
    }

    /// `count` cryptographically random bytes.
    public static func random(_ count: Int) -> Data {
        var out = [UInt8](repeating: 0, count: count)
        _ = RAND_bytes(&out, Int32(count))
        return Data(out)
    }
}

/// Base64url without padding (RFC 7515 §2).
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}

extension JSONObject {
    /// An object with these members in this order (JWK thumbprints depend on it).
    static func ordered(_ members: [(String, JSONValue)]) -> JSONObject {
        var object = JSONObject()
        for (key, value) in members { object[key] = value }
        return object
    }
}
