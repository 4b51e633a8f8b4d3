import Clinical
import FHIRClient
import Foundation
import RoundsCore
import Store
import TestSupport
import Testing

/// A secret rotated mid-run: one failed renewal stops the sync with one reason, instead of a
/// token request for every patient (423 requests in 44 s before).
@Suite struct CredentialRefusalTests {
    @Test func oneFailedRenewalStopsTheRun() async throws {
        let h = try SandboxHarness(patients: 30) { $0.latencyMs = 5 }
        let conn = try await FHIRConnection.connect(
            to: h.base("r4"),
            credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant))
        let cache = try Cache(path: try TempDir.make("refusal") + "/c.sqlite")
        _ = try h.rotateSecret()
        let before = h.requests().filter { $0["path"]?.string == "/oauth/token" }.count
        let ids = (1...30).map { String(format: "contos-%04d", $0) }
        let summary = await SyncEngine(cache: cache, fetcher: conn, concurrency: 2).run(ids: ids, list: nil)
        let tokenRequests = h.requests().filter { $0["path"]?.string == "/oauth/token" }.count - before
        #expect(tokenRequests <= 2, "one renewal (post, then basic), not one per patient: \(tokenRequests)")
        #expect(
            summary.stoppedBecause?.contains("refused the credentials") == true, "\(summary.stoppedBecause ?? "nil")")
        #expect(summary.interrupted)
        #expect(summary.remaining > 0)
        #expect(summary.synced == 0)
    }
}
