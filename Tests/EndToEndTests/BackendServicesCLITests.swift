import FHIRAdapters
import Foundation
import TestSupport
import Testing

@testable import Sandbox

/// `rounds key …` and `rounds connect --private-key` as an admin runs them.
@Suite struct BackendServicesCLITests {
    @Test(arguments: ["ES384", "RS384"])
    func generateRegisterConnectAndKeepUsingTheKey(_ alg: String) throws {
        let h = try SandboxHarness(patients: 10)
        let cli = CLIRunner(home: try TempDir.make("keys"))
        let keyPath = cli.home + "/rounds-key.pem"
        let generated = try cli.run(["key", "generate", "--alg", alg, "--out", keyPath])
        #expect(generated.status == 0, "\(generated.stderr)")
        // stdout is the JWKS and nothing else; the advice goes to stderr.
        let jwks = try JSONParser.parse(generated.stdout)
        let jwk = try #require(jwks["keys"]?[0])
        #expect(jwk["alg"]?.string == alg)
        #expect(jwk["kid"]?.string?.isEmpty == false)
        #expect(jwk["d"] == nil, "public only")
        #expect(generated.stderr.contains("mode 0600"))
        var st = stat()
        #expect(stat(keyPath, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let again = try cli.run(["key", "generate", "--out", keyPath])
        #expect(again.status == 1)
        #expect(again.stderr.contains("never overwrites"))
        #expect(try cli.run(["key", "jwks", keyPath]).stdout == generated.stdout, "the same JWKS, again")

        // The partner registers the JWKS for a keys-only client.
        var registry = try ClientRegistry(stateDirectory: h.directory + "/state")
        let (id, _) = try registry.add(name: "backend", tenants: [h.tenant], auth: "key", jwks: generated.stdout)
        try h.server.reloadRegistry()
        let connect = try cli.run([
            "connect", h.base("r4"), "--client-id", id, "--tenant", h.tenant, "--private-key", keyPath, "--name", "ehr",
        ])
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(connect.stdout.contains("private_key_jwt"))
        let saved = try String(contentsOfFile: cli.home + "/connections.json", encoding: .utf8)
        #expect(
            saved.contains("rounds-key.pem") && saved.contains("private_key_jwt"),
            "the path and the method, not the key")
        #expect(!saved.contains("PRIVATE KEY"))
        // Every later command signs with the saved key.
        let search = try cli.run(["search", "--name", "a", "--json"])
        #expect(search.status == 0, "\(search.stderr)")
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001", "contos-0002"]).status == 0)
        let sync = try cli.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let tokens = h.requests().filter { $0["path"]?.string == "/oauth/token" }
        #expect(tokens.count >= 4)
        #expect(tokens.allSatisfy { $0["authMethod"]?.string == "private_key_jwt" })
        let logged = try String(contentsOfFile: h.logPath, encoding: .utf8)
        #expect(!logged.contains("eyJ"), "no assertion in the partner's log")
    }

    @Test func aKeyOthersCanReadIsRefusedBeforeAnythingIsSent() throws {
        let h = try SandboxHarness(patients: 5)
        let cli = CLIRunner(home: try TempDir.make("keys-mode"))
        let keyPath = cli.home + "/key.pem"
        #expect(try cli.run(["key", "generate", "--out", keyPath]).status == 0)
        chmod(keyPath, 0o644)
        let before = h.requests().count
        let connect = try cli.run([
            "connect", h.base("r4"), "--client-id", "x", "--tenant", h.tenant, "--private-key", keyPath,
        ])
        #expect(connect.status == 1)
        #expect(connect.stderr.contains("chmod 600 \(keyPath)"), "\(connect.stderr)")
        #expect(h.requests().count == before, "no request was made")
    }
}
