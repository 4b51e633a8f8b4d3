import Clinical
import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// Discovery on every server-metadata file: release, token URL (nested and legacy flat forms), batch.
@Suite struct CapabilityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let release: FHIRRelease?
        let declared: String
        let token: String?
        let batch: Bool
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(
            file: "server-metadata/fhir_client/conformance.json", release: .dstu2, declared: "1.0.2", token: nil,
            batch: false),
        Case(
            file: "server-metadata/fhir_client/capabilitystatement.json", release: .stu3, declared: "3.0.1", token: nil,
            batch: false),
        Case(
            file: "server-metadata/fhir_client/oauth_capability_statement.json", release: .r4, declared: "4.0.0",
            token: "https://authorize.smarthealthit.org/token", batch: false),
        Case(
            file: "server-metadata/swift-smart/metadata.0e838e04.json", release: .dstu2, declared: "1.0.1",
            token: "https://authorize-dstu2.smarthealthit.org/token", batch: false),
        Case(
            file: "server-metadata/swift-smart/metadata.fd39d9df.json", release: nil, declared: "1.7.0",
            token: "https://authorize.smarthealthit.org/token", batch: false),
        Case(
            file: "server-metadata/swift-smart/metadata.fe2a5127.json", release: nil, declared: "0.0.81",
            token: "https://authorize.smarthealthit.org/token", batch: false),
    ]

    @Test(arguments: cases)
    func discovery(_ c: Case) throws {
        let doc = try FHIRDocument(data: try Corpus.data(c.file))
        let caps = ServerCapabilities(json: doc.root)
        #expect(caps.release == c.release)
        #expect(caps.declaredVersion == c.declared)
        #expect(caps.tokenURL == c.token)
        #expect(caps.supportsBatch == c.batch)
    }

    @Test func resourcesAndInteractionsAreRead() throws {
        let caps = ServerCapabilities(
            json: try FHIRDocument(data: try Corpus.data("server-metadata/fhir_client/conformance.json")).root)
        #expect(caps.resources["Patient"]?.contains("read") == true)
        #expect(caps.systemInteractions.contains("transaction"))
        #expect(caps.supports("AllergyIntolerance"))
    }

    @Test func declaredVersionPivot() {
        #expect(VersionDetector.release(declared: "1.0.2") == .dstu2)
        #expect(VersionDetector.release(declared: "3.0.1") == .stu3)
        #expect(VersionDetector.release(declared: "4.0.1") == .r4)
        #expect(VersionDetector.release(declared: "5.0.0") == nil)
        #expect(VersionDetector.release(declared: "1.7.0") == nil)
    }
}
