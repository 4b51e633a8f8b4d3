import FHIRAdapters
import Foundation
import JOSE
import RoundsCore

/// `rounds key generate [--alg ES384|RS384] --out FILE` and `rounds key jwks FILE`: the private key
/// Rounds signs client assertions with (SMART Backend Services), and the public JWKS an admin
/// registers with the EHR. The JWKS goes to stdout alone; every message goes to stderr.
enum KeyCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let verb = words.first else { throw UsageError(message: "key needs generate or jwks") }
        let rest = Array(words.dropFirst())
        switch verb {
        case "generate":
            let a = try Arguments(rest, valued: ["--alg", "--out"], flags: [])
            guard let out = a.value("--out") else { throw UsageError(message: "key generate needs --out FILE") }
            let name = (a.value("--alg") ?? "ES384").uppercased()
            guard let algorithm = SigningAlgorithm(rawValue: name) else {
                throw UsageError(message: "--alg is ES384 or RS384, not '\(name)'")
            }
            let key = try SigningKey.generate(algorithm)
            try key.write(to: out)
            try printJWKS(key)
            Output.err(
                "Wrote a new \(algorithm.rawValue) private key to \(out) (mode 0600). Keep it on this workstation; "
                    + "register the JWKS above with the EHR (or host it at the JWKS URL it asks for), then "
                    + "'rounds connect URL --client-id ID --tenant T --private-key \(out)'.")
            return 0
        case "jwks":
            let a = try Arguments(rest, flags: [])
            guard a.positionals.count == 1 else { throw UsageError(message: "key jwks needs exactly one FILE") }
            try printJWKS(try KeyFile.read(a.positionals[0]))
            return 0
        default:
            throw UsageError(message: "key needs generate or jwks, not '\(verb)'")
        }
    }

    /// `{"keys": [public JWK]}` on stdout, and nothing else.
    static func printJWKS(_ key: SigningKey) throws {
        let jwks = JSONValue.object(["keys": [try key.publicJWK()]])
        FileHandle.standardOutput.write(Data((jwks.serialized + "\n").utf8))
    }
}
