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
}
