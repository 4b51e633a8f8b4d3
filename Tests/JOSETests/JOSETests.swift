import Foundation
import JOSE
import JSONKit
import TestSupport
import Testing

/// Keys and signatures on libcrypto, checked against a second implementation (pyca/cryptography).
@Suite struct JOSETests {
    @Test(arguments: SigningAlgorithm.allCases)
    func generateWriteReadSignVerify(_ algorithm: SigningAlgorithm) throws {
        let dir = try TempDir.make("jose")
        let path = dir + "/key.pem"
        let key = try SigningKey.generate(algorithm)
        try key.write(to: path)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(throws: KeyError.exists(path: path)) { try key.write(to: path) }
        let again = try SigningKey.read(pem: try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        #expect(again.algorithm == algorithm)
        #expect(try again.thumbprint() == key.thumbprint())
        let jwk = try key.publicJWK()
        #expect(jwk["alg"]?.string == algorithm.rawValue)
        #expect(jwk["kid"]?.string == (try key.thumbprint()))
        #expect(jwk["d"] == nil && jwk["p"] == nil, "the JWK holds no private part")
        let token = try JWT.sign(claims: ["iss": "me", "jti": "1"], key: again, keyId: try key.thumbprint())
        let jwt = try #require(JWT.parse(token))
        let verifier = try #require(VerifyingKey.from(jwk: jwk))
        #expect(verifier.verify(jwt.signature, of: Data(jwt.signingInput.utf8)))
        #expect(!verifier.verify(jwt.signature, of: Data((jwt.signingInput + "x").utf8)), "a changed payload fails")
        let other = try #require(VerifyingKey.from(jwk: try SigningKey.generate(algorithm).publicJWK()))
        #expect(!other.verify(jwt.signature, of: Data(jwt.signingInput.utf8)), "another key fails")

        // A second implementation agrees on the signature and the RFC 7638 thumbprint.
        let jwks = dir + "/jwks.json"
        try JSONValue.object(["keys": [jwk]]).serialized.write(toFile: jwks, atomically: true, encoding: .utf8)
        let (status, output) = try PythonChecks.run("check_jws.py", [jwks, token])
        if output.contains("No module named 'cryptography'") {
            Issue.record(Comment(rawValue: PythonChecks.missing("cryptography")))
            return
        }
        #expect(status == 0, "\(output)")
        #expect(output.contains("valid \(algorithm.rawValue)"), "\(output)")
        #expect(output.contains("thumbprint \(try key.thumbprint())"), "\(output)")
    }

    @Test func aFileThatIsNotAKeyIsNamed() {
        #expect(throws: KeyError.notAPrivateKey(path: "x.pem")) {
            try SigningKey.read(pem: Data("hello".utf8), path: "x.pem")
        }
    }
}
