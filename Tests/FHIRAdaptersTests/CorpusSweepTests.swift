import Clinical
import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// Every JSON file of the corpus goes through the adapters without a crash or a throw.
@Suite struct CorpusSweepTests {
    @Test func corpusIsPresent() {
        #expect(
            Corpus.allJSONFiles.count >= 190, "corpus at \(Corpus.root.path) has \(Corpus.allJSONFiles.count) files")
    }

    @Test(arguments: Corpus.allJSONFiles)
    func fileReadsWithoutThrowing(_ file: String) throws {
        let doc = try FHIRDocument(data: try Corpus.data(file))
        #expect(!doc.resources.isEmpty)
        let records = RecordAssembler.records(from: doc)
        for r in records {
            #expect(!r.patient.id.isEmpty)
            #expect(!r.patient.displayName.isEmpty)
            // The JSON form round-trips.
            let data = try PatientRecord.jsonEncoder().encode(r)
            let back = try JSONDecoder().decode(PatientRecord.self, from: data)
            #expect(back.patient == r.patient)
            #expect(back.latestVitals == r.latestVitals)
        }
        if ["Conformance", "CapabilityStatement"].contains(doc.root["resourceType"]?.string) {
            _ = ServerCapabilities(json: doc.root)
        }
    }
}
