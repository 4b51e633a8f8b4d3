import FHIRAdapters
import Foundation
import Sandbox

/// `rounds-sandbox client …`: the partner's client registry.
enum ClientCommand {
    static func run(_ args: [String]) throws {
        let o = try Options(
            args, valued: ["--tenant", "--auth", "--state", "--secret-file", "--jwks"], flags: ["--json"])
        guard let verb = o.positionals.first else {
            throw SandboxUsage(message: "client needs add, rotate, revoke or ls")
        }
        var reg = try ClientRegistry(stateDirectory: o.value("--state") ?? Options.defaultState)
        let name = o.positionals.count > 1 ? o.positionals[1] : nil
        switch verb {
        case "add", "rotate":
            guard let name else { throw SandboxUsage(message: "client \(verb) needs a NAME") }
            let auth = o.value("--auth") ?? "any"
            guard ["any", "post", "basic", "key"].contains(auth) else {
                throw SandboxUsage(message: "--auth is any, post, basic or key")
            }
            let jwks = try o.value("--jwks").map(readJWKS)
            if auth == "key", jwks == nil {
                throw SandboxUsage(message: "--auth key needs --jwks FILE (the client's public keys)")
            }
            let (id, secret) =
                verb == "add"
                ? try reg.add(name: name, tenants: o.values("--tenant"), auth: auth, jwks: jwks)
                : try reg.rotate(name: name)
            if auth == "key" {
                print("client_id: \(id)\nauthentication: private_key_jwt with the registered JWKS (no secret)")
            } else if let file = o.value("--secret-file") {
                guard
                    FileManager.default.createFile(
                        atPath: file, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw SandboxUsage(
                        message:
                            "could not write the secret to '\(file)'; run 'rounds-sandbox client rotate \(name)' to "
                            + "get a new one"
                    )
                }
                chmod(file, 0o600)
                print("client_id: \(id)\nclient_secret: written to \(file) (0600)")
            } else {
                print("client_id: \(id)\nclient_secret: \(secret)\n(the secret is shown once; store it now)")
            }
        case "revoke":
            guard let name else { throw SandboxUsage(message: "client revoke needs a NAME") }
            try reg.revoke(name: name)
            print("revoked \(name)")
        case "ls":
            for c in reg.clients {
                let keys = c.jwks == nil ? "" : "\tjwks"
                let tenants = c.tenants.joined(separator: ",")
                let revoked = c.revoked ? "\tREVOKED" : ""
                print("\(c.name)\t\(c.clientId)\ttenants=\(tenants)\tauth=\(c.auth)\(keys)\(revoked)")
            }
        default:
            throw SandboxUsage(message: "unknown client command '\(verb)'")
        }
    }
}
