import FHIRAdapters
import Foundation
import JOSE
import TestSupport
import Testing

@testable import FHIRClient
@testable import Sandbox

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// SMART Backend Services over real HTTP: ES384 and RS384 keys, assertions the sandbox verifies,
/// and each way an assertion must be refused.
@Suite struct BackendServicesTests {
    /// A sandbox with a keys-only client registered for `key`'s public JWKS.
    func harness(_ key: SigningKey, configure: @escaping (inout SandboxConfiguration) -> Void = { _ in }) throws -> (
        SandboxHarness, String
    ) {
        let h = try SandboxHarness(configure: configure)
        var registry = try ClientRegistry(stateDirectory: h.directory + "/state")
        let jwks = JSONValue.object(["keys": [try key.publicJWK()]]).serialized
        let (id, _) = try registry.add(name: "backend", tenants: [h.tenant], auth: "key", jwks: jwks)
        try h.server.reloadRegistry()
        return (h, id)
    }

    @Test(arguments: SigningAlgorithm.allCases)
    func aKeyConnectsSearchesAndRenewsAfterA401(_ algorithm: SigningAlgorithm) async throws {
        let key = try SigningKey.generate(algorithm)
        let (h, id) = try harness(key)
        let credentials = ClientCredentials(clientId: id, signingKey: key, keyId: nil, tenant: h.tenant)
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: credentials)
        #expect(await conn.authMethod == .privateKeyJWT)
        _ = try await conn.searchPatients(PatientQuery(name: "an"))
        h.server.expireTokens()
        let page = try await conn.searchPatients(PatientQuery(name: "an"))
        #expect(!page.patients.isEmpty, "renewed with a fresh assertion after a real 401")
        let tokenRequests = h.requests().filter { $0["path"]?.string == "/oauth/token" }
        #expect(tokenRequests.count == 2)
        for request in tokenRequests {
            let form = request.pairs("form")
            #expect(request["authMethod"]?.string == "private_key_jwt")
            #expect(!form.contains { $0.0 == "client_secret" })
            #expect(
                form.first { $0.0 == "client_assertion_type" }?.1
                    == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            #expect(
                form.first { $0.0 == "scope" }?.1 == "\(h.tenant) system/*.read",
                "the tenant, and the system scope the server lists")
        }
    }

    @Test func theAssertionSaysWhoAndForWhere() async throws {
        let key = try SigningKey.generate(.es384)
        let url = try #require(URL(string: "https://ehr.example/oauth2/token"))
        let provider = TokenProvider(
            tokenURL: url,
            credentials: ClientCredentials(clientId: "rounds-1", signingKey: key, keyId: nil, tenant: "t"),
            transport: HTTPTransport(options: ClientOptions()))
        let first = try #require(JWT.parse(try await provider.assertion()))
        let second = try #require(JWT.parse(try await provider.assertion()))
        #expect(first.header["alg"]?.string == "ES384")
        #expect(first.header["kid"]?.string == (try key.thumbprint()))
        #expect(first.claims["iss"]?.string == "rounds-1")
        #expect(first.claims["sub"]?.string == "rounds-1")
        #expect(first.claims["aud"]?.string == url.absoluteString)
        let lifetime = (first.claims["exp"]?.double ?? 0) - Date().timeIntervalSince1970
        #expect(lifetime > 0 && lifetime <= 300, "exp at most 5 minutes ahead")
        #expect(first.claims["jti"]?.string != second.claims["jti"]?.string, "a fresh jti for every request")
    }

    @Test func aWrongKeyIsRefusedWithAnActionableSentence() async throws {
        let registered = try SigningKey.generate(.es384)
        let (h, id) = try harness(registered)
        let other = try SigningKey.generate(.es384)
        do {
            _ = try await FHIRConnection.connect(
                to: h.base("r4"),
                credentials: ClientCredentials(
                    clientId: id, signingKey: other, keyId: nil,
                    tenant: h.tenant))
            Issue.record("an unregistered key must not get a token")
        } catch {
            guard case .assertionRejected = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(error.description.contains("signature does not verify"), "\(error.description)")
            #expect(error.description.contains("rounds key jwks FILE"))
        }
    }

    /// Assertions made by hand and sent as a client would: each must be refused, saying why.
    @Test func expiredReplayedAndMisaddressedAssertionsAreRefused() throws {
        let key = try SigningKey.generate(.rs384)
        let (h, id) = try harness(key)
        let tokenURL = "http://127.0.0.1:\(h.port)/oauth/token"
        let now = Date().timeIntervalSince1970.rounded(.down)
        func assertion(aud: String = tokenURL, exp: Double = now + 120, jti: String = UUID().uuidString) throws
            -> String
        {
            let claims: JSONValue = [
                "iss": .string(id), "sub": .string(id), "aud": .string(aud), "exp": .number(exp), "jti": .string(jti),
            ]
            return try JWT.sign(claims: claims, key: key, keyId: try key.thumbprint())
        }
        func post(_ jwt: String) throws -> (Int, String) {
            let form = FormEncoding.body([
                ("grant_type", "client_credentials"), ("scope", h.tenant),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", jwt),
            ])
            return try TokenPost.send(tokenURL, body: form)
        }
        let good = try assertion(jti: "once")
        #expect(try post(good).0 == 200)
        let replay = try post(good)
        #expect(replay.0 == 400)
        #expect(replay.1.contains("already used"), "\(replay.1)")
        let expired = try post(try assertion(exp: now - 30))
        #expect(expired.0 == 400)
        #expect(expired.1.contains("expired"), "\(expired.1)")
        let tooLong = try post(try assertion(exp: now + 3600))
        #expect(tooLong.0 == 400)
        #expect(tooLong.1.contains("at most 5 minutes"), "\(tooLong.1)")
        let misaddressed = try post(try assertion(aud: "http://elsewhere.example/token"))
        #expect(misaddressed.0 == 400)
        #expect(misaddressed.1.contains("aud must be the token URL"), "\(misaddressed.1)")
        let garbage = try post("not.a.jwt")
        #expect(garbage.0 == 400)
        #expect(garbage.1.contains("invalid_client"))
    }

    @Test func aServerOfferingOnlyKeysSaysSoToASecret() async throws {
        let key = try SigningKey.generate(.es384)
        let (h, id) = try harness(key) { c in
            c.authMethods = ["private_key_jwt"]
            c.discovery = .smart
        }
        do {
            _ = try await FHIRConnection.connect(
                to: h.base("r4"),
                credentials: ClientCredentials(
                    clientId: h.clientId, secret: h.secret,
                    tenant: h.tenant))
            Issue.record("a secret must not work on a keys-only server")
        } catch {
            guard case .authMethodNotOffered(let asked, let offered) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(asked.hasPrefix("client_secret_"))
            #expect(offered == ["private_key_jwt"])
            #expect(error.description.contains("rounds key generate"))
        }
        let conn = try await FHIRConnection.connect(
            to: h.base("r4"),
            credentials: ClientCredentials(
                clientId: id, signingKey: key, keyId: nil,
                tenant: h.tenant))
        #expect(conn.tokenURL != nil)
    }

    @Test func aServerThatTakesNoKeysSaysSoBeforeSigning() async throws {
        let key = try SigningKey.generate(.es384)
        let (h, id) = try harness(key) { c in
            c.authMethods = ["client_secret_post"]
            c.discovery = .smart
        }
        await #expect(
            throws: FHIRClientError.authMethodNotOffered(asked: "private_key_jwt", offered: ["client_secret_post"])
        ) {
            _ = try await FHIRConnection.connect(
                to: h.base("r4"),
                credentials: ClientCredentials(
                    clientId: id, signingKey: key, keyId: nil,
                    tenant: h.tenant))
        }
        #expect(!h.requests().contains { $0["path"]?.string == "/oauth/token" }, "nothing was signed or sent")
    }
}

/// A form POST to a token endpoint, waiting for the answer (status and body).
enum TokenPost {
    static func send(_ url: String, body: Data) throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String) = (0, "")
        let task = URLSession(configuration: .ephemeral).dataTask(with: request) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }
        task.resume()
        _ = done.wait(timeout: .now() + 10)
        return result
    }
}
