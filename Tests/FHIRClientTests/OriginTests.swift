import FHIRAdapters
import FHIRClient
import Foundation
import Sandbox
import TestSupport
import Testing

/// Credentials and the token stay with their origin: no redirect or `next` link carries them to
/// another one, plain HTTP leaves only for this machine, and a changed token URL gets nothing.
@Suite struct OriginTests {
    func creds(_ h: SandboxHarness) -> ClientCredentials {
        ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant)
    }

    @Test(arguments: [ClientAuthMethod.post, .basic])
    func aTokenRedirectToAnotherOriginIsNotFollowed(_ method: ClientAuthMethod) async throws {
        let attacker = try SandboxHarness()
        let h = try SandboxHarness { $0.tokenRedirect = "http://127.0.0.1:\(attacker.port)/oauth/token" }
        var credentials = creds(h)
        credentials.method = method
        do {
            _ = try await FHIRConnection.connect(to: h.base("r4"), credentials: credentials)
            Issue.record("a redirected token request must fail")
        } catch {
            guard case .redirectRefused(_, let to) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(to.contains("\(attacker.port)"))
            #expect(error.description.contains("does not send credentials"))
        }
        #expect(attacker.requests().isEmpty, "the other origin received nothing, least of all the secret")
    }

    @Test func aNextLinkToAnotherOriginIsNotFollowedWithTheToken() async throws {
        let attacker = try SandboxHarness()
        let h = try SandboxHarness(patients: 40) { c in
            c.nextLinkOrigin = "http://127.0.0.1:\(attacker.port)"
            c.pageSize = 20
        }
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        let page = try await conn.searchPatients(PatientQuery(name: "a", count: 5))
        let next = try #require(page.next)
        await #expect(throws: FHIRClientError.crossOriginLink(base: "http://127.0.0.1:\(h.port)", link: next)) {
            _ = try await conn.nextPage(next)
        }
        let record = try await conn.patientRecord(id: "contos-0002")
        let incomplete = try #require(record.state(of: .vitals).incomplete)
        #expect(incomplete.contains("another origin"))
        #expect(attacker.requests().isEmpty, "no request, no token and no patient id went to the other origin")
    }

    @Test func plainHTTPToAnotherMachineIsRefusedBeforeAnythingIsSent() async throws {
        await #expect(throws: FHIRClientError.insecureURL("http://192.0.2.10/fhir")) {
            _ = try await FHIRConnection.probe("http://192.0.2.10/fhir")
        }
        #expect(Origin.isLoopback(URL(string: "http://127.0.0.1:8080/r4")!))
        #expect(Origin.isLoopback(URL(string: "http://localhost/r4")!))
        #expect(!Origin.isLoopback(URL(string: "http://10.0.0.5/r4")!))
    }

    @Test func aChangedTokenURLGetsNothing() async throws {
        let h = try SandboxHarness()
        let before = h.requests().count
        await #expect(
            throws: FHIRClientError.tokenURLChanged(
                pinned: "http://127.0.0.1:\(h.port)/other/token",
                now: "http://127.0.0.1:\(h.port)/oauth/token")
        ) {
            _ = try await FHIRConnection.connect(
                to: h.base("r4"), credentials: creds(h),
                pinnedTokenURL: "http://127.0.0.1:\(h.port)/other/token")
        }
        let after = h.requests()[before...]
        #expect(!after.contains { $0["path"]?.string == "/oauth/token" }, "the secret was not sent")
    }

    @Test func aPinnedTokenURLIsAskedOnceAndItsTokenCarriesEveryRead() async throws {
        let h = try SandboxHarness(patients: 5)
        let pinned = "http://127.0.0.1:\(h.port)/oauth/token"
        let before = h.requests().count
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h), pinnedTokenURL: pinned)
        _ = try await conn.patientRecord(id: "contos-0001")
        let after = Array(h.requests()[before...])
        // One token request, whichever of the two arrived first, and every read carries its token.
        #expect(after.filter { $0["path"]?.string == "/oauth/token" }.count == 1)
        #expect(
            after.filter { $0["path"]?.string != "/oauth/token" && $0["path"]?.string?.hasSuffix("/metadata") == false }
                .allSatisfy { $0["auth"]?.string == "bearer" }, "\(after.map { $0["auth"]?.string ?? "-" })")
    }

    @Test func aPinnedTokenURLOnAnotherOriginIsNotAskedEarly() async throws {
        let attacker = try SandboxHarness()
        let h = try SandboxHarness()
        let pinned = "http://127.0.0.1:\(attacker.port)/oauth/token"
        await #expect(
            throws: FHIRClientError.tokenURLChanged(pinned: pinned, now: "http://127.0.0.1:\(h.port)/oauth/token")
        ) {
            _ = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h), pinnedTokenURL: pinned)
        }
        #expect(attacker.requests().isEmpty, "a pinned endpoint off the base's origin gets nothing before the metadata")
    }
}

/// Query values and form fields: only RFC 3986's unreserved ASCII is sent as itself.
@Suite struct FormEncodingTests {
    @Test func escapesAllButUnreservedASCII() {
        #expect(FormEncoding.escape("contos-0001_a.b~c") == "contos-0001_a.b~c")
        #expect(FormEncoding.escape("2026-12-03T10:00:00Z") == "2026-12-03T10%3A00%3A00Z")
        #expect(FormEncoding.escape("a b&c=d+e/f?g#h%") == "a%20b%26c%3Dd%2Be%2Ff%3Fg%23h%25")
        #expect(FormEncoding.escape("Zoë Ångström") == "Zo%C3%AB%20%C3%85ngstr%C3%B6m", "non-ASCII as UTF-8 bytes")
        #expect(FormEncoding.escape("") == "")
        for text in ["Zoë", "a&b", "日本", "x%y", "O'Brien"] {
            #expect(FormEncoding.escape(text).removingPercentEncoding == text)
        }
    }
}
