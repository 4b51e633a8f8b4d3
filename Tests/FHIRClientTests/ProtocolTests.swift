import Clinical
import FHIRAdapters
import FHIRClient
import Foundation
import TestSupport
import Testing

/// Over real HTTP on 127.0.0.1, per release: the requests are exactly those of interface.md.
@Suite struct ProtocolTests {
    static let versions = ["dstu2", "stu3", "r4"]

    func connect(_ h: SandboxHarness, _ v: String, options: ClientOptions = ClientOptions()) async throws
        -> FHIRConnection
    {
        try await FHIRConnection.connect(
            to: h.base(v), credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant),
            options: options)
    }

    @Test(arguments: versions)
    func connectSendsMetadataWithoutTokenThenTokenFormWithScope(_ v: String) async throws {
        let h = try SandboxHarness()
        let conn = try await connect(h, v)
        #expect(conn.release.rawValue.lowercased() == v)
        let log = h.requests()
        #expect(log.count == 2)
        #expect(log[0]["path"]?.string == "/\(v)/metadata")
        #expect(log[0]["auth"]?.string == "none")
        #expect(log[1]["path"]?.string == "/oauth/token")
        let form = Dictionary(log[1].pairs("form"), uniquingKeysWith: { a, _ in a })
        #expect(form["grant_type"] == "client_credentials")
        #expect(form["scope"] == "contoso")
        #expect(form["client_id"] == h.clientId)
        #expect(form["client_secret"] == "***", "the log masks the secret; the sandbox received it")
        #expect(log[1]["contentType"]?.string == "application/x-www-form-urlencoded")
    }

    @Test(arguments: versions)
    func searchByEachParameter(_ v: String) async throws {
        let h = try SandboxHarness(patients: 60)
        let conn = try await connect(h, v)
        let all = try await conn.searchPatients(PatientQuery(name: "a", count: 60))
        let target = try #require(all.patients.first { $0.mrn != nil && $0.birthDate != nil })
        let family = try #require(target.name?.family)
        let byFamily = try await conn.searchPatients(PatientQuery(family: String(family.prefix(3))))
        #expect(byFamily.patients.contains { $0.id == target.id })
        let given = try #require(target.name?.given.first)
        let byGiven = try await conn.searchPatients(PatientQuery(given: given))
        #expect(byGiven.patients.contains { $0.id == target.id })
        let byMRN = try await conn.searchPatients(PatientQuery(mrn: target.mrn))
        #expect(byMRN.patients.map(\.id) == [target.id])
        #expect(byMRN.total == 1)
        let byBirth = try await conn.searchPatients(PatientQuery(birthDate: target.birthDate?.raw))
        #expect(byBirth.patients.contains { $0.id == target.id })
        #expect(byBirth.patients.allSatisfy { $0.birthDate == target.birthDate })
        if v == "dstu2" {
            await #expect(
                throws: FHIRClientError.unsupportedSearch("Searching by gender is not available on DSTU2 servers.")
            ) {
                _ = try await conn.searchPatients(PatientQuery(gender: "female"))
            }
        } else {
            let byGender = try await conn.searchPatients(PatientQuery(gender: target.gender, count: 100))
            #expect(byGender.patients.allSatisfy { $0.gender == target.gender })
        }
        let searches = h.requests().filter { $0["path"]?.string == "/\(v)/Patient/_search" }
        #expect(
            searches.allSatisfy {
                $0["method"]?.string == "POST" && $0["contentType"]?.string == "application/x-www-form-urlencoded"
            })
        let keys = searches.flatMap { $0.pairs("form").map(\.0) }
        // `:contains` on every release (interface.md §2, corrected 2026-12-01): plain name
        // parameters match only the start of a name on STU3/R4 servers.
        #expect(keys.contains("family:contains") && keys.contains("given:contains") && keys.contains("name:contains"))
        #expect(!keys.contains("family") && !keys.contains("given") && !keys.contains("name"))
        #expect(keys.contains("gender") == (v != "dstu2"))
        #expect(keys.contains("identifier") && keys.contains("birthdate") && keys.contains("_count"))
    }

    @Test(arguments: versions)
    func totalIsReportedApartFromThePageAndNextIsFollowedOnRequest(_ v: String) async throws {
        let h = try SandboxHarness(patients: 40)
        let conn = try await connect(h, v)
        let first = try await conn.searchPatients(PatientQuery(name: "a", count: 5))
        let total = try #require(first.total)
        #expect(first.patients.count == 5)
        #expect(total > 5)
        let next = try #require(first.next)
        let second = try await conn.nextPage(next)
        #expect(second.patients.count == 5)
        #expect(Set(first.patients.map(\.id)).isDisjoint(with: second.patients.map(\.id)))
    }

    @Test(arguments: versions)
    func openingAPatientSendsOneReadAndOneBatch(_ v: String) async throws {
        let h = try SandboxHarness()
        let conn = try await connect(h, v)
        let record = try await conn.patientRecord(id: "contos-0003")
        #expect(record.patient.id == "contos-0003")
        #expect(record.fhirVersion?.rawValue.lowercased() == v)
        for s in ClinicalSection.allCases where s != .allergies {
            #expect(record.state(of: s).status == .ok, "\(s)")
        }
        #expect(record.latest(.heartRate) != nil)
        #expect(record.latest(.bloodPressure)?.bloodPressure?.systolic != nil)
        #expect(record.history(.heartRate).count == 18)
        #expect(record.lastEncounter?.location?.contains("Room") == true)
        #expect(record.coverage.first?.payor != nil)
        let data = h.requests().dropFirst(2)
        #expect(data.count == 2, "STU3 asks by beneficiary, which its capability statement lists")
        let read = try #require(data.first { $0["path"]?.string == "/\(v)/Patient/contos-0003" })
        #expect(read["method"]?.string == "GET")
        let batch = try #require(data.first { $0["path"]?.string == "/\(v)" })
        #expect(batch["method"]?.string == "POST")
        let urls = (batch["batch"]?.list ?? []).compactMap(\.string)
        let sort = v == "dstu2" ? "_sort:desc=date" : "_sort=-date"
        let med = v == "dstu2" ? "MedicationOrder" : "MedicationRequest"
        #expect(
            urls == [
                "GET Observation?patient=contos-0003&category=vital-signs&\(sort)&_count=200",
                "GET Condition?patient=contos-0003&_count=50",
                "GET Encounter?patient=contos-0003&\(sort)&_count=50",
                "GET AllergyIntolerance?patient=contos-0003",
                "GET \(med)?patient=contos-0003&_count=50",
                v == "stu3" ? "GET Coverage?beneficiary=contos-0003" : "GET Coverage?patient=contos-0003",
            ])
        #expect(data.allSatisfy { $0["auth"]?.string == "bearer" && $0["tenant"]?.string == "contoso" })
    }

    @Test func baseURLPathIsKeptOnEveryRequest() async throws {
        let h = try SandboxHarness()
        let conn = try await FHIRConnection.connect(
            to: h.base("stu3") + "/",
            credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant))
        _ = try await conn.patientRecord(id: "contos-0001")
        let paths = h.requests().compactMap { $0["path"]?.string }.filter { $0 != "/oauth/token" }
        #expect(paths.allSatisfy { $0.hasPrefix("/stu3") })
    }

    @Test func eachTenantSeesItsOwnDataSet() async throws {
        let h = try SandboxHarness()
        let a = try await connect(h, "r4")
        let b = try await FHIRConnection.connect(
            to: h.base("r4"),
            credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: "other-contoso"))
        let pa = try await a.searchPatients(PatientQuery(name: "a", count: 5))
        let pb = try await b.searchPatients(PatientQuery(name: "a", count: 5))
        #expect(pa.patients.first?.id.hasPrefix("contos") == true)
        #expect(pb.patients.first?.id.hasPrefix("otherc") == true)
    }
}
