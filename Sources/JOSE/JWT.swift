import CCrypto
import Foundation
import JSONKit

/// A public key read from a JWK, to verify JWS signatures (the partner's side).
public final class VerifyingKey: @unchecked Sendable {
    let pkey: OpaquePointer
    public let algorithm: SigningAlgorithm
    public let keyId: String?

    init(pkey: OpaquePointer, algorithm: SigningAlgorithm, keyId: String?) {
        self.pkey = pkey
        self.algorithm = algorithm
        self.keyId = keyId
    }

    deinit { EVP_PKEY_free(pkey) }

    /// `EVP_PKEY_PUBLIC_KEY`, a macro Swift cannot import: all parameters and the public key.
    static let publicKeySelection =
        OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
        | OSSL_KEYMGMT_SELECT_PUBLIC_KEY

    /// An EC P-384 or RSA public JWK; `nil` for anything else.
    public static func from(jwk: JSONValue) -> VerifyingKey? {
        guard let build = OSSL_PARAM_BLD_new() else { return nil }
        defer { OSSL_PARAM_BLD_free(build) }
        var numbers: [OpaquePointer] = []
        defer { for number in numbers { BN_free(number) } }
        let type: String
        let algorithm: SigningAlgorithm
        // The builder keeps pointers (to parameter names too) until `to_param`, so everything it
        // is given must outlive that call: C strings and a buffer of our own, not Swift temporaries.
        var owned: [UnsafeMutablePointer<CChar>] = []
        func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
            let copy = strdup(text)!
            owned.append(copy)
            return copy
        }
        let point = UnsafeMutablePointer<UInt8>.allocate(capacity: 97)
        defer {
            for pointer in owned { free(pointer) }
            point.deallocate()
        }
        switch jwk["kty"]?.string {
        case "EC":
            guard jwk["crv"]?.string == "P-384", let x = jwk["x"]?.string.flatMap(Base64URL.decode),
                let y = jwk["y"]?.string.flatMap(Base64URL.decode), x.count == 48, y.count == 48
            else { return nil }
            type = "EC"
            algorithm = .es384
            let bytes = [0x04] + [UInt8](x) + [UInt8](y)
            point.initialize(from: bytes, count: bytes.count)
            guard OSSL_PARAM_BLD_push_utf8_string(build, cString(OSSL_PKEY_PARAM_GROUP_NAME), cString("P-384"), 0) == 1,
                OSSL_PARAM_BLD_push_octet_string(build, cString(OSSL_PKEY_PARAM_PUB_KEY), point, 97) == 1
            else { return nil }
        case "RSA":
            guard let n = jwk["n"]?.string.flatMap(Base64URL.decode),
                let e = jwk["e"]?.string.flatMap(Base64URL.decode),
                let bnN = BigNumbers.make(n), let bnE = BigNumbers.make(e)
            else { return nil }
            numbers = [bnN, bnE]
            type = "RSA"
            algorithm = .rs384
            guard OSSL_PARAM_BLD_push_BN(build, cString(OSSL_PKEY_PARAM_RSA_N), bnN) == 1,
                OSSL_PARAM_BLD_push_BN(build, cString(OSSL_PKEY_PARAM_RSA_E), bnE) == 1
            else { return nil }
        default:
            return nil
        }
        guard let params = OSSL_PARAM_BLD_to_param(build) else { return nil }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(ctx) == 1, EVP_PKEY_fromdata(ctx, &key, Self.publicKeySelection, params) == 1,
            let key
        else {
            ERR_clear_error()
            return nil
        }
        return VerifyingKey(pkey: key, algorithm: algorithm, keyId: jwk["kid"]?.string)
    }

    /// True when `signature` (JWS form) signs `input` with this key.
    public func verify(_ signature: Data, of input: Data) -> Bool {
        let der = algorithm == .es384 ? ECDSASignature.der(fromRaw: signature) : signature
        guard let der, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, EVP_sha384(), nil, pkey) == 1 else { return false }
        let signatureBytes = [UInt8](der)
        let inputBytes = [UInt8](input)
        let ok = EVP_DigestVerify(ctx, signatureBytes, signatureBytes.count, inputBytes, inputBytes.count) == 1
        ERR_clear_error()
        return ok
    }
}

/// A compact JWS carrying JSON claims (RFC 7519): what SMART Backend Services sends as the
/// client assertion.
public struct JWT: Sendable {
    public let header: JSONValue
    public let claims: JSONValue
    /// `header.payload`, the signed input.
    public let signingInput: String
    public let signature: Data

    /// Signs `claims` with `key`: header `alg`, `typ: JWT` and `kid`.
    public static func sign(claims: JSONValue, key: SigningKey, keyId: String) throws(KeyError) -> String {
        let header: JSONValue = ["alg": .string(key.algorithm.rawValue), "typ": "JWT", "kid": .string(keyId)]
        let input =
            Base64URL.encode(Data(header.serialized.utf8)) + "." + Base64URL.encode(Data(claims.serialized.utf8))
        let signature = try key.sign(Data(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    /// The parts of a compact JWS, or `nil` when it is not one.
    public static func parse(_ token: String) -> JWT? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
            let claimsData = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let header = try? JSONParser.parse(String(decoding: headerData, as: UTF8.self)),
            let claims = try? JSONParser.parse(String(decoding: claimsData, as: UTF8.self))
        else { return nil }
        return JWT(header: header, claims: claims, signingInput: parts[0] + "." + parts[1], signature: signature)
    }
}
