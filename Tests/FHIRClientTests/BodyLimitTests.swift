import FHIRClient
import Foundation
import Sandbox
import TestSupport
import Testing

/// One answer larger than the limit is refused as that answer (while it arrives), not only once
/// every answer in flight together passed the shared budget.
@Suite struct BodyLimitTests {
    @Test func aSingleHugeAnswerIsRefusedForItsOwnSize() async throws {
        let sandbox = try SandboxHarness { $0.chaos = .hugeBody }
        let credentials = ClientCredentials(clientId: sandbox.clientId, secret: sandbox.secret, tenant: sandbox.tenant)
        let connection = try await FHIRConnection.connect(to: sandbox.base("r4"), credentials: credentials)
        do {
            _ = try await connection.searchPatients(PatientQuery(family: "Lindqvist"))
            Issue.record("a 200 MB answer was accepted")
        } catch {
            guard case .bodyTooLarge(_, let limit) = error else {
                Issue.record("refused as \(error), not for its own size")
                return
            }
            #expect(limit == 64 << 20)
        }
        #expect(sandbox.server.streamed.sent.allSatisfy { $0 < 80 << 20 }, "\(sandbox.server.streamed.sent)")
        withExtendedLifetime(sandbox) {}
    }
}
