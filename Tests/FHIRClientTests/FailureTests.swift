import Clinical
import FHIRAdapters
import FHIRClient
import Foundation
import TestSupport
import Testing

/// Fallbacks and failures, each named: the user gets data where it exists and a clear sentence where not.
@Suite struct FailureTests {
    func creds(_ h: SandboxHarness, tenant: String? = nil, secret: String? = nil, method: ClientAuthMethod = .post)
        -> ClientCredentials
    {
        ClientCredentials(clientId: h.clientId, secret: secret ?? h.secret, tenant: tenant ?? h.tenant, method: method)
    }

    @Test func noBatchFallsBackToParallelGETs() async throws {
        let h = try SandboxHarness { $0.noBatch = true }
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        #expect(!conn.capabilities.supportsBatch)
        let r = try await conn.patientRecord(id: "contos-0002")
        #expect(r.state(of: .vitals).status == .ok)
        let log = h.requests()
        #expect(!log.contains { $0["method"]?.string == "POST" && $0["path"]?.string == "/r4" })
        #expect(log.filter { $0["method"]?.string == "GET" && $0["path"]?.string != "/r4/metadata" }.count == 7)
    }

    @Test func failedBatchFallsBackToGETs() async throws {
        let h = try SandboxHarness { $0.statusOverrides = [("/stu3", 500)] }
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        let r = try await conn.patientRecord(id: "contos-0002")
        #expect(r.state(of: .conditions).status == .ok)
        #expect(r.state(of: .coverage).status == .ok)
        let log = h.requests()
        #expect(
            log.filter { $0["path"]?.string == "/stu3" && $0["status"]?.double == 500 }.count == 3, "5xx retried twice")
        #expect(log.contains { $0["path"]?.string == "/stu3/Observation" })
    }

    @Test func stu3CoverageFallsBackToBeneficiary() async throws {
        let h = try SandboxHarness { $0.listsSearchParameters = false }
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        let r = try await conn.patientRecord(id: "contos-0004")
        #expect(r.state(of: .coverage).status == .ok)
        #expect(r.coverage.first?.plan != nil)
        let cov = h.requests().filter { $0["path"]?.string == "/stu3/Coverage" }
        #expect(cov.first.map { $0.pairs("query").map(\.0) } == ["beneficiary"])
    }

    @Test func coverageByBeneficiaryFromTheStartWhenTheServerSaysSo() async throws {
        // The STU3 capability statement lists Coverage searches by beneficiary, not by patient.
        let h = try SandboxHarness()
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        let r = try await conn.patientRecord(id: "contos-0004")
        #expect(r.state(of: .coverage).status == .ok)
        #expect(r.coverage.first?.plan != nil)
        let asked = h.requests().flatMap { ($0["batch"]?.list ?? []).compactMap(\.string) }
        #expect(asked.contains("GET Coverage?beneficiary=contos-0004"))
        #expect(!asked.contains { $0.hasPrefix("GET Coverage?patient=") })
        let ownRequests = h.requests().filter { $0["path"]?.string == "/stu3/Coverage" }
        #expect(ownRequests.isEmpty, "no request of its own")
    }

    @Test func aBatchOfPatientsAsksItsFallbacksInOneBatch() async throws {
        let h = try SandboxHarness { $0.listsSearchParameters = false }
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        let ids = (1...10).map { String(format: "contos-%04d", $0) }
        let records = await conn.patientRecords(ids: ids)
        for id in ids {
            let record = try #require(try records[id]?.get(), "\(id)")
            #expect(record.state(of: .coverage).status == .ok, "\(id)")
            #expect(record.coverage.first?.plan != nil, "\(id)")
        }
        let batches = h.requests().filter { $0["path"]?.string == "/stu3" }.map {
            ($0["batch"]?.list ?? []).compactMap(\.string)
        }
        #expect(batches.count == 2, "the patients' batch, then one for their fallbacks: \(batches.count)")
        #expect(batches.last == ids.map { "GET Coverage?beneficiary=\($0)" })
        let singles = h.requests().filter { $0["path"]?.string == "/stu3/Coverage" }
        #expect(singles.isEmpty, "no single GETs")
    }

    @Test func coverageFallbackIsLearnedForLaterPatients() async throws {
        let h = try SandboxHarness { $0.listsSearchParameters = false }
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        _ = try await conn.patientRecord(id: "contos-0004")
        let second = try await conn.patientRecord(id: "contos-0005")
        #expect(second.state(of: .coverage).status == .ok)
        let batches = h.requests().filter { $0["path"]?.string == "/stu3" }.map {
            ($0["batch"]?.list ?? []).compactMap(\.string)
        }
        #expect(batches.count == 2)
        #expect(
            batches.last?.last == "GET Coverage?beneficiary=contos-0005",
            "the second patient asks by beneficiary in the batch")
        #expect(
            h.requests().filter { $0["path"]?.string == "/stu3/Coverage" }.count == 1,
            "only the first patient paid the extra request")
    }

    @Test func oneFailedSectionDoesNotHideTheOthers() async throws {
        let h = try SandboxHarness { $0.statusOverrides = [("AllergyIntolerance", 403)] }
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        let r = try await conn.patientRecord(id: "contos-0005")
        #expect(r.state(of: .allergies).status.name == "unavailable")
        #expect(r.state(of: .allergies).status.reason?.contains("403") == true)
        #expect(r.state(of: .vitals).status == .ok)
    }

    /// The server ends the token early (a real 401 mid-run, not the client's early renewal): the
    /// request is renewed once and sent again; after a secret rotation the renewal fails clearly.
    @Test func tokenExpiryMidSessionIsRenewedThenAClearErrorWhenRenewalFails() async throws {
        let h = try SandboxHarness()
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        h.server.expireTokens()
        let page = try await conn.searchPatients(PatientQuery(name: "a"))
        #expect(!page.patients.isEmpty)
        let log = h.requests()
        #expect(log.filter { $0["path"]?.string == "/oauth/token" }.count == 2)
        let searches = log.filter { $0["path"]?.string == "/r4/Patient/_search" }.compactMap { $0["status"]?.double }
        #expect(searches == [401, 200], "a real 401, renewed once, sent again")
        _ = try h.rotateSecret()
        h.server.expireTokens()
        do {
            _ = try await conn.searchPatients(PatientQuery(name: "a"))
            Issue.record("a rotated secret must not keep working")
        } catch {
            let e = error
            guard case .tokenRejected(let code, _) = e else {
                Issue.record("unexpected \(e)")
                return
            }
            #expect(code == "invalid_client")
            #expect(e.description.contains("Check the client id, secret and tenant"))
        }
    }

    @Test func unauthorizedAfterOneRenewalGivesUp() async throws {
        let h = try SandboxHarness()
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        // Revoking leaves the token endpoint refusing too; a 401 is renewed once, then reported.
        try h.revokeClient()
        await #expect(throws: FHIRClientError.self) { _ = try await conn.patientRecord(id: "contos-0001") }
    }

    @Test func retryAfterIsHonoured() async throws {
        let h = try SandboxHarness {
            $0.statusOverrides = [("Patient/_search", 429)]
            $0.retryAfterSeconds = 1
        }
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        let start = Date()
        do {
            _ = try await conn.searchPatients(PatientQuery(name: "a"))
            Issue.record("429 forever must fail")
        } catch {
            let e = error
            guard case .server(429, _, _) = e else {
                Issue.record("unexpected \(e)")
                return
            }
        }
        #expect(Date().timeIntervalSince(start) >= 2.0, "two waits of Retry-After: 1")
        #expect(h.requests().filter { $0["path"]?.string == "/stu3/Patient/_search" }.count == 3)
    }

    @Test func timeoutNamesTheSeconds() async throws {
        let h = try SandboxHarness { $0.latencyMs = 2500 }
        var o = ClientOptions()
        o.timeout = 1
        do {
            _ = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h), options: o)
            Issue.record("no timeout")
        } catch {
            let e = error
            #expect(e == .timedOut(url: h.base("r4") + "/metadata", seconds: 1))
            #expect(e.description == "Cannot reach '\(h.base("r4"))/metadata' (timed out after 1 s).")
            #expect(e.isUnreachable)
        }
    }

    @Test func connectionRefused() async throws {
        let port = try FreePort.unused()
        do {
            _ = try await FHIRConnection.connect(to: "http://127.0.0.1:\(port)/r4", credentials: nil)
            Issue.record("connected to nothing")
        } catch {
            let e = error
            #expect(e == .connectionRefused(url: "http://127.0.0.1:\(port)/r4/metadata"))
            #expect(e.isUnreachable)
        }
    }

    @Test func cannotResolveHost() async throws {
        var o = ClientOptions()
        o.timeout = 5
        do {
            _ = try await FHIRConnection.connect(
                to: "https://rounds-no-such-host.invalid/fhir", credentials: nil, options: o)
            Issue.record("resolved .invalid")
        } catch {
            let e = error
            #expect(e.isUnreachable)
            #expect(e.description.contains("rounds-no-such-host.invalid"))
        }
    }

    @Test func malformedJSONIsNamed() async throws {
        let h = try SandboxHarness { $0.malformedRate = 1.0 }
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        do {
            _ = try await conn.searchPatients(PatientQuery(name: "a"))
            Issue.record("accepted broken JSON")
        } catch {
            let e = error
            guard case .notFHIRJSON = e else {
                Issue.record("unexpected \(e)")
                return
            }
            #expect(e.description.contains("is not FHIR JSON"))
        }
    }

    @Test func serverErrorCarriesDiagnosticsAndIsRetriedForReads() async throws {
        let h = try SandboxHarness { $0.statusOverrides = [("/r4/Patient/contos-0001", 500)] }
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        do {
            _ = try await conn.patientRecord(id: "contos-0001")
            Issue.record("500 accepted")
        } catch {
            let e = error
            guard case .server(500, _, let d) = e else {
                Issue.record("unexpected \(e)")
                return
            }
            #expect(d?.contains("forced by --status") == true)
        }
        #expect(h.requests().filter { $0["path"]?.string == "/r4/Patient/contos-0001" }.count == 3)
    }

    @Test func unknownPatientIs404WithTheId() async throws {
        let h = try SandboxHarness()
        let conn = try await FHIRConnection.connect(to: h.base("dstu2"), credentials: creds(h))
        await #expect(throws: FHIRClientError.patientNotFound(id: "nobody-here")) {
            _ = try await conn.patientRecord(id: "nobody-here")
        }
    }

    @Test func wrongTenantIsInvalidScope() async throws {
        let h = try SandboxHarness()
        do {
            _ = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h, tenant: "fabrikam"))
            Issue.record("wrong tenant accepted")
        } catch {
            let e = error
            guard case .tokenRejected("invalid_scope", _) = e else {
                Issue.record("unexpected \(e)")
                return
            }
        }
    }

    @Test func rotatedSecretIsRefused() async throws {
        let h = try SandboxHarness()
        let fresh = try h.rotateSecret()
        do {
            _ = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
            Issue.record("old secret accepted")
        } catch {
            let e = error
            guard case .tokenRejected("invalid_client", _) = e else {
                Issue.record("unexpected \(e)")
                return
            }
        }
        _ = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h, secret: fresh))
    }

    @Test func basicAuthIsUsedWhenTheFormIsRefused() async throws {
        let h = try SandboxHarness(auth: "basic")
        let conn = try await FHIRConnection.connect(to: h.base("stu3"), credentials: creds(h))
        #expect(await conn.authMethod == .basic)
        let tokenCalls = h.requests().filter { $0["path"]?.string == "/oauth/token" }
        #expect(tokenCalls.map { $0["authMethod"]?.string } == ["post", "basic"])
        #expect(tokenCalls.last?["auth"]?.string == "basic")
        #expect(tokenCalls.last.map { $0.pairs("form").map(\.0) } == ["grant_type", "scope"])
    }

    @Test func smartConfigurationIsTheSecondPlaceForTheTokenURL() async throws {
        let h = try SandboxHarness { $0.discovery = .smart }
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: creds(h))
        #expect(conn.tokenURL?.absoluteString == "http://127.0.0.1:\(h.port)/oauth/token")
    }

    @Test func openServerGetsNoToken() async throws {
        let h = try SandboxHarness { $0.discovery = .none }
        let conn = try await FHIRConnection.connect(to: h.base("r4"), credentials: nil)
        #expect(conn.tokenURL == nil)
        #expect(!h.requests().contains { $0["path"]?.string == "/oauth/token" })
    }

    @Test func unsupportedVersionIsNamed() {
        let e = FHIRClientError.unsupportedVersion(declared: "5.0.0", url: "http://x")
        #expect(e.description.contains("'5.0.0'"))
    }
}
