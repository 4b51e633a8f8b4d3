import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// `rounds connect/search/patient/metadata` as a user runs them, against the sandbox.
@Suite struct ConnectCLITests {
    func connected(_ v: String = "stu3", patients: Int = 30) throws -> (SandboxHarness, CLIRunner) {
        let h = try SandboxHarness(patients: patients)
        let cli = CLIRunner(home: try TempDir.make("home"))
        let r = try cli.run([
            "connect", h.base(v), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", h.secretFile,
            "--name", "sandbox",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        return (h, cli)
    }

    @Test func connectPrintsWhatTheServerDeclaredAndSavesNoSecret() throws {
        let (h, cli) = try connected("dstu2")
        let saved = try String(contentsOfFile: cli.home + "/connections.json", encoding: .utf8)
        #expect(saved.contains(h.secretFile))
        #expect(!saved.contains(h.secret))
        var st = stat()
        stat(cli.home, &st)
        #expect(st.st_mode & 0o777 == 0o700)
        let r = try cli.run(["metadata", "--json"])
        #expect(r.status == 0)
        let caps = try JSONParser.parse(r.stdout)
        #expect(caps["declaredVersion"]?.string == "1.0.2")
        #expect(caps["tokenURL"]?.string == "http://127.0.0.1:\(h.port)/oauth/token")
    }

    @Test func connectOutputNamesVersionTokenURLAndBatch() throws {
        let h = try SandboxHarness()
        let cli = CLIRunner(home: try TempDir.make("home"))
        let r = try cli.run([
            "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", h.secretFile,
        ])
        #expect(r.status == 0)
        #expect(r.stdout.contains("FHIR version: R4"))
        #expect(r.stdout.contains("Token URL:    http://127.0.0.1:\(h.port)/oauth/token"))
        #expect(r.stdout.contains("Batch:        available"))
        #expect(r.stdout.contains("Patient"))
    }

    @Test func secretFileReadableByOthersIsRefusedWithTheFix() throws {
        let h = try SandboxHarness()
        chmod(h.secretFile, 0o644)
        let cli = CLIRunner(home: try TempDir.make("home"))
        let r = try cli.run([
            "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", h.secretFile,
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("chmod 600 \(h.secretFile)"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func secretFromTheEnvironment() throws {
        let h = try SandboxHarness()
        let cli = CLIRunner(home: try TempDir.make("home"), environment: ["ROUNDS_CLIENT_SECRET": h.secret])
        let r = try cli.run(["connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant])
        #expect(r.status == 0, "\(r.stderr)")
        let noSecret = CLIRunner(home: try TempDir.make("home"))
        let r2 = try noSecret.run(["connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("ROUNDS_CLIENT_SECRET"))
    }

    @Test func searchJSONAndTable() throws {
        let (h, cli) = try connected()
        let r = try cli.run(["search", "--name", "zo", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONParser.parse(r.stdout)
        let patients = j["patients"]?.array ?? []
        #expect(!patients.isEmpty)
        #expect(j["total"]?.double == Double(patients.count))
        #expect(
            patients.allSatisfy {
                $0["name"]?.string?.lowercased().folding(options: .diacriticInsensitive, locale: nil).contains("zo")
                    == true
            })
        for key in ["id", "name", "gender", "birthDate", "mrn"] { #expect(patients.first?[key] != nil, "\(key)") }
        let mrn = try #require(patients.first?["mrn"]?.string)
        let t = try cli.run(["search", "--mrn", mrn])
        #expect(t.stdout.contains(mrn))
        #expect(t.stdout.contains("showing 1 of 1"))
        withExtendedLifetime(h) {}
    }

    @Test func patientJSONIsTheDocumentedForm() throws {
        let (h, cli) = try connected("r4")
        let r = try cli.run(["patient", "contos-0002", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONParser.parse(r.stdout)
        for key in [
            "id", "fhirVersion", "name", "gender", "birthDate", "mrn", "generalPractitioner", "latestVitals",
            "lastEncounter",
            "conditions", "allergies", "medications", "coverage", "sections", "warnings",
        ] {
            #expect(j[key] != nil, "missing \(key)")
        }
        #expect(j["fhirVersion"]?.string == "R4")
        #expect(j["sections"]?["vitals"]?["status"]?.string == "ok")
        let text = try cli.run(["patient", "contos-0002"])
        #expect(text.stdout.contains("Vital signs"))
        #expect(text.stdout.contains("Coverage"))
        withExtendedLifetime(h) {}
    }

    @Test func searchPagesFollowNextLinks() throws {
        let (h, cli) = try connected(patients: 40)
        let first = try JSONParser.parse(try cli.run(["search", "--name", "a", "--count", "5", "--json"]).stdout)
        let second = try JSONParser.parse(
            try cli.run(["search", "--name", "a", "--count", "5", "--page", "2", "--json"]).stdout)
        let a = Set((first["patients"]?.array ?? []).compactMap { $0["id"]?.string })
        let b = Set((second["patients"]?.array ?? []).compactMap { $0["id"]?.string })
        #expect(a.count == 5 && b.count == 5 && a.isDisjoint(with: b))
        #expect(first["total"] == second["total"])
        withExtendedLifetime(h) {}
    }

    @Test func exitCodes() throws {
        let (h, cli) = try connected()
        #expect(try cli.run(["search"]).status == 2)
        #expect(try cli.run(["search", "--bogus", "x"]).status == 2)
        #expect(try cli.run(["frobnicate"]).status == 2)
        let missing = try cli.run(["patient", "no-such-patient"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "rounds: No patient with id 'no-such-patient' on this server.\n")
        let bad = try cli.run(["search", "--birthdate", "23/08/1951"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("YYYY-MM-DD"))
        withExtendedLifetime(h) {}
    }

    @Test func notConnectedYet() throws {
        let cli = CLIRunner(home: try TempDir.make("home"))
        let r = try cli.run(["search", "--name", "x"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("rounds connect"))
    }

    @Test func inspectReportsNotJSONAndNotFHIR() throws {
        let dir = try TempDir.make("inspect")
        try "hello".write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        try #"{"a":1}"#.write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        let cli = CLIRunner(home: dir)
        let a = try cli.run(["inspect", dir + "/a.json"])
        #expect(a.status == 1)
        #expect(a.stderr.contains("is not JSON"))
        let b = try cli.run(["inspect", dir + "/b.json"])
        #expect(b.status == 1)
        #expect(b.stderr.contains("is not FHIR"))
        let ok = try cli.run(["inspect", "--json", Corpus.root.path + "/hl7-spec-stu3/patient-example.json"])
        #expect(ok.status == 0)
        #expect(try JSONParser.parse(ok.stdout)[0]?["name"]?["display"]?.string == "Chalmers, Peter James")
    }
}
