import Clinical
import FHIRAdapters
import Foundation
import TestSupport
import Testing

@testable import FHIRClient
@testable import Sandbox

/// The sandbox must be valid FHIR of each release it serves, as a third-party validator (the
/// `fhir.resources` models from PyPI, installed by `make deps`) reads it, and answer searches as
/// a server does.
@Suite struct SandboxValidityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let release: String
        let history: Bool
        var testDescription: String { "\(release)\(history ? " with history" : "")" }
    }

    // DSTU2 with history sends, on purpose, the contract's `09/17/2018 1:00:00 PM` start (§5),
    // which no validator accepts; every other combination must be valid.
    static let cases = [
        Case(release: "dstu2", history: false), Case(release: "stu3", history: false),
        Case(release: "r4", history: false), Case(release: "stu3", history: true),
        Case(release: "r4", history: true),
    ]

    @Test(arguments: cases)
    func validAsAThirdPartyValidatorReadsIt(_ c: Case) throws {
        let h = try SandboxHarness(patients: 6) { config in config.history = c.history }
        let (status, text) = try PythonChecks.run(
            "validate_sandbox.py",
            [
                h.base(c.release), h.clientId, h.secretFile, h.tenant,
                "contos-0001", "contos-0002", "contos-0003",
            ])
        if text.contains("No module named 'fhir'") {
            Issue.record(Comment(rawValue: PythonChecks.missing("fhir.resources")))
            return
        }
        #expect(status == 0, "\(text)")
        #expect(text.contains(", 0 invalid"), "\(text)")
        // Metadata, a patient search, 7 queries for each of 3 patients, their Locations and
        // Organizations, an empty search: all of it was read.
        let checked = text.split(separator: "\n").last.flatMap { line in
            line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        #expect((checked ?? 0) >= 24, "\(text)")
    }

    func connect(_ h: SandboxHarness, _ v: String, options: ClientOptions = ClientOptions()) async throws
        -> FHIRConnection
    {
        try await FHIRConnection.connect(
            to: h.base(v), credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant),
            options: options)
    }

    @Test(arguments: ["dstu2", "stu3", "r4"])
    func capabilityStatementDeclaresOnlyWhatIsAnswered(_ v: String) throws {
        let h = try SandboxHarness()
        let server = h.server
        let request = HTTPRequest(
            method: "GET", path: "/\(v)/metadata", query: [], headers: ["host": "127.0.0.1"], body: Data())
        let statement = server.capability(SandboxServer.release(v)!, request)
        #expect((statement["acceptUnknown"]?.string == "no") == (v != "r4"))
        let resources = statement["rest"]?[0]?["resource"]?.array ?? []
        let reads = resources.filter { r in (r["interaction"]?.array ?? []).contains { $0["code"]?.string == "read" } }
        #expect(Set(reads.compactMap { $0["type"]?.string }) == ["Patient", "Location", "Organization"])
        // Every declared read answers.
        let data = server.tenantData(h.tenant)
        let patient = data.patients[0]
        let render = server.renderer(SandboxServer.release(v)!)
        let ward = SyntheticPopulation.wardId(SyntheticPopulation.unit(of: patient))
        let org =
            render.coverage(patient)["payor"]?[0]?["reference"]?.string
            ?? render.coverage(patient)["issuer"]?["reference"]?.string
        for (type, id) in [
            ("Patient", patient.id), ("Location", patient.id + "-bed"), ("Location", ward),
            ("Organization", String(org?.split(separator: "/").last ?? "")),
        ] {
            #expect(server.read(type, id: id, release: SandboxServer.release(v)!, data: data).0 == 200, "\(type)/\(id)")
        }
    }

    @Test func searchesAnswerLikeAServer() throws {
        let h = try SandboxHarness(patients: 40)
        let server = h.server
        let data = server.tenantData(h.tenant)
        let request = HTTPRequest(
            method: "GET", path: "/r4/Patient", query: [], headers: ["host": "127.0.0.1"], body: Data())
        func ids(_ type: String, _ params: [(String, String)], strict: Bool = false) -> (Int, [String], JSONValue) {
            let (status, json) = server.search(type, params, release: .r4, data: data, req: request)
            return (status, (json["entry"]?.array ?? []).compactMap { $0["resource"]?["id"]?.string }, json)
        }
        let target = data.patients[3]
        let year = String(target.birthDate.prefix(4))
        let byYear = ids("Patient", [("birthdate", year), ("_count", "500")]).1
        #expect(Set(byYear) == Set(data.patients.filter { $0.birthDate.hasPrefix(year) }.map(\.id)))
        let from = ids("Patient", [("birthdate", "ge1996-01-01"), ("_count", "500")]).1
        #expect(Set(from) == Set(data.patients.filter { $0.birthDate >= "1996-01-01" }.map(\.id)))
        #expect(ids("Patient", [("identifier", "\(SyntheticPopulation.mrnSystem)|\(target.mrn)")]).1 == [target.id])
        #expect(ids("Patient", [("identifier", "urn:other|\(target.mrn)")]).1.isEmpty, "the system is checked")
        let category = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"
        #expect(!ids("Observation", [("patient", target.id), ("category", category)]).1.isEmpty)
        #expect(ids("Observation", [("patient", target.id), ("category", "urn:x|vital-signs")]).1.isEmpty)
        // Unknown parameters are ignored and left out of the self link.
        let (status, found, json) = ids("Condition", [("patient", target.id), ("onset-date", "ge2020")])
        #expect(status == 200)
        #expect(!found.isEmpty)
        let selfLink = json["link"]?.array?.first { $0["relation"]?.string == "self" }?["url"]?.string ?? ""
        #expect(selfLink.contains("patient=") && !selfLink.contains("onset-date"))
        // An empty searchset has no `entry` array.
        let (_, none, empty) = ids("Condition", [("patient", "nobody")])
        #expect(none.isEmpty)
        #expect(empty["entry"] == nil)
        #expect(empty["total"]?.double == 0)
    }

    @Test func aStrictServerRefusesUnknownParametersAndModifiers() throws {
        let h = try SandboxHarness(patients: 5) { c in
            c.strict = true
            c.noContains = true
        }
        let request = HTTPRequest(
            method: "GET", path: "/r4/Patient", query: [], headers: ["host": "127.0.0.1"], body: Data())
        let data = h.server.tenantData(h.tenant)
        #expect(
            h.server.search(
                "Condition", [("patient", "contos-0001"), ("onset-date", "x")], release: .r4, data: data, req: request
            ).0 == 400)
        #expect(h.server.search("Patient", [("name:contains", "an")], release: .r4, data: data, req: request).0 == 400)
        #expect(
            h.server.search("Coverage", [("patient", "contos-0001")], release: .dstu2, data: data, req: request).0
                == 400)
        #expect(
            h.server.search("Coverage", [("subscriber", "contos-0001")], release: .dstu2, data: data, req: request).0
                == 200)
    }

    /// A server paging at 20 and sending the oldest first: every page of vital signs is read,
    /// so the newest reading of each code is found wherever it is.
    @Test(arguments: ["dstu2", "stu3", "r4"])
    func everyPageOfVitalSignsIsRead(_ v: String) async throws {
        let h = try SandboxHarness(patients: 5) { c in
            c.pageSize = 20
            c.ignoreSort = true
        }
        let conn = try await connect(h, v)
        let record = try await conn.patientRecord(id: "contos-0002")
        let truth = try #require(h.server.tenantData(h.tenant).byId["contos-0002"])
        let newest = truth.vitals.filter { $0.code == "8867-4" }.max { $0.time < $1.time }!
        #expect(record.latest(.heartRate)?.value == newest.value)
        #expect(record.latest(.bodyWeight) != nil)
        #expect(record.history(.heartRate).count == 18)
        #expect(record.state(of: .vitals).incomplete == nil)
        let pages = h.requests().filter { $0["path"]?.string == "/\(v)/Observation" }
        #expect(
            pages.count == (truth.vitals.count + truth.pressures.count + 19) / 20 - 1,
            "every next page after the batch's first")
    }

    /// A section cut short by the page bound keeps what it read and says so.
    @Test func aSectionCutShortSaysSo() async throws {
        let h = try SandboxHarness(patients: 3) { c in c.pageSize = 20 }
        var options = ClientOptions()
        options.maxSectionPages = 2
        let conn = try await connect(h, "r4", options: options)
        let record = try await conn.patientRecord(id: "contos-0001")
        let incomplete = try #require(record.state(of: .vitals).incomplete)
        #expect(incomplete.contains("stopped after 2 pages"))
        #expect(record.history(.heartRate).count < 18)
    }
}

/// Paging rules of section searches, on a real connection.
@Suite struct SectionPagingTests {
    @Test func aSearchForOneResultNeverFollowsNext() async throws {
        let h = try SandboxHarness(patients: 3)
        let conn = try await FHIRConnection.connect(
            to: h.base("r4"),
            credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant))
        let page: JSONValue = [
            "resourceType": "Bundle", "type": "searchset",
            "link": [["relation": "next", "url": .string(h.base("r4") + "/Encounter?patient=contos-0001&_offset=1")]],
            "entry": [["resource": ["resourceType": "Encounter", "id": "e1", "status": "finished"]]],
        ]
        let before = h.requests().count
        let single = await conn.collect(JSONNode(page), first: "Encounter?patient=contos-0001&_count=1")
        guard case .found(let resources, let incomplete) = single else {
            Issue.record("expected resources")
            return
        }
        #expect(resources.count == 1)
        #expect(incomplete == nil)
        #expect(h.requests().count == before, "no page was asked for")
        let paged = await conn.collect(JSONNode(page), first: "Encounter?patient=contos-0001&_count=10")
        guard case .found = paged else {
            Issue.record("expected resources")
            return
        }
        #expect(h.requests().count == before + 1, "a search for a page follows next")
    }
}
