import Clinical
import FHIRAdapters
import Foundation
import Testing

/// Hand-written cases for each section of QUIRKS.md.
@Suite struct QuirkTests {
    func records(_ json: String) throws -> [PatientRecord] {
        RecordAssembler.records(from: try FHIRDocument(data: Data(json.utf8)))
    }

    func bundle(_ resources: [String]) -> String {
        #"{"resourceType":"Bundle","type":"searchset","entry":["#
            + resources.map { #"{"resource":\#($0)}"# }.joined(separator: ",") + "]}"
    }

    // A: structural differences between releases
    @Test func dstu2FamilyArrayAndSTU3FamilyString() throws {
        let a = try records(#"{"resourceType":"Patient","id":"p","name":[{"family":["van","Dijk"],"given":["Anna"]}]}"#)
        let b = try records(#"{"resourceType":"Patient","id":"p","name":[{"family":"van Dijk","given":["Anna"]}]}"#)
        #expect(a.first?.patient.displayName == "van Dijk, Anna")
        #expect(b.first?.patient.displayName == "van Dijk, Anna")
        #expect(a.first?.fhirVersion == .dstu2)
    }

    @Test func r4StatusesAsCodeableConcepts() throws {
        let rs = try records(
            bundle([
                #"{"resourceType":"Patient","id":"p"}"#,
                #"{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/p"},"code":{"text":"Latex"},"#
                    + #""clinicalStatus":{"coding":[{"code":"active"}]},"#
                    + #""verificationStatus":{"coding":[{"code":"confirmed"}]},"recordedDate":"2020-01-02"}"#,
                #"{"resourceType":"MedicationRequest","subject":{"reference":"Patient/p"},"#
                    + #""medicationCodeableConcept":{"text":"Heparin"},"requester":{"display":"Dr R4"},"#
                    + #""authoredOn":"2020-02-02"}"#,
                #"{"resourceType":"Coverage","beneficiary":{"reference":"Patient/p"},"payor":[{"display":"Contoso"}],"#
                    + #""class":[{"type":{"coding":[{"code":"plan"}]},"value":"P1","name":"Gold PPO"}]}"#,
            ]))
        let r = try #require(rs.first)
        #expect(r.fhirVersion == .r4)
        #expect(r.allergies.first?.clinicalStatus == "active")
        #expect(r.allergies.first?.verificationStatus == "confirmed")
        #expect(r.allergies.first?.recorded?.raw == "2020-01-02")
        #expect(r.medications.first?.prescriber == "Dr R4")
        #expect(r.coverage.first?.plan == "Gold PPO")
        #expect(r.coverage.first?.payor == "Contoso")
    }

    // B: observations
    @Test func observationsOutOfOrderGiveTheLatest() throws {
        let obs = [("2026-11-25T08:00:00Z", 90), ("2026-11-25T12:00:00Z", 118), ("2026-11-24T20:00:00Z", 70)].map {
            t, v in
            #"{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/p"},"#
                + #""code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"effectiveDateTime":"\#(t)","#
                + #""valueQuantity":{"value":\#(v),"unit":"/min"}}"#
        }
        let r = try #require(try records(bundle([#"{"resourceType":"Patient","id":"p"}"#] + obs)).first)
        #expect(r.latest(.heartRate)?.value == 118)
        #expect(r.history(.heartRate).map(\.value) == [70, 90, 118])
    }

    @Test func zonesAreComparedAsInstants() throws {
        // 10:00+10:00 is 00:00Z, earlier than 01:00Z.
        let obs = [("2026-11-25T10:00:00+10:00", 1), ("2026-11-25T01:00:00Z", 2)].map { t, v in
            #"{"resourceType":"Observation","subject":{"reference":"Patient/p"},"#
                + #""code":{"coding":[{"system":"http://loinc.org","code":"9279-1"}]},"effectiveDateTime":"\#(t)","#
                + #""valueQuantity":{"value":\#(v)}}"#
        }
        let r = try #require(try records(bundle([#"{"resourceType":"Patient","id":"p"}"#] + obs)).first)
        #expect(r.latest(.respiratoryRate)?.value == 2)
    }

    @Test func loincNeedNotBeTheFirstCoding() throws {
        let r = try #require(
            try records(
                #"{"resourceType":"Observation","subject":{"reference":"Patient/p"},"#
                    + #""code":{"coding":[{"system":"http://acme.lab","code":"BT"},{"system":"http://loinc.org","#
                    + #""code":"8310-5"}]},"effectivePeriod":{"start":"2026-11-25"},"#
                    + #""valueQuantity":{"value":98.6,"code":"[degF]","system":"http://unitsofmeasure.org"}}"#
            ).first)
        #expect(r.latest(.bodyTemperature)?.formatted == "98.6 °F")
        #expect(r.latest(.bodyTemperature)?.effective?.raw == "2026-11-25")
    }

    @Test func separateSystolicAndDiastolicBecomeOneReading() throws {
        let parts = [("8480-6", 150), ("8462-4", 95)].map { c, v in
            #"{"resourceType":"Observation","subject":{"reference":"Patient/p"},"#
                + #""code":{"coding":[{"system":"http://loinc.org","code":"\#(c)"}]},"#
                + #""effectiveDateTime":"2026-11-25T08:00:00Z","valueQuantity":{"value":\#(v)}}"#
        }
        let r = try #require(try records(bundle([#"{"resourceType":"Patient","id":"p"}"#] + parts)).first)
        #expect(r.latest(.bloodPressure)?.formatted == "150/95 mmHg")
        #expect(r.latestVitals.count == 1)
    }

    @Test func nonQuantityValuesAndAbsentValuesAreShownAsSent() throws {
        let r = try #require(
            try records(
                bundle([
                    #"{"resourceType":"Patient","id":"p"}"#,
                    #"{"resourceType":"Observation","subject":{"reference":"Patient/p"},"#
                        + #""category":{"coding":[{"code":"vital-signs"}]},"code":{"coding":[{"code":"80288-4"}]},"#
                        + #""effectiveDateTime":"2026-11-25","valueCodeableConcept":{"text":"Alert"}}"#,
                    #"{"resourceType":"Observation","subject":{"reference":"Patient/p"},"#
                        + #""code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"#
                        + #""effectiveDateTime":"2026-11-25","dataAbsentReason":{"text":"Patient refused"}}"#,
                    #"{"resourceType":"Observation","subject":{"reference":"Patient/p"},"#
                        + #""code":{"coding":[{"system":"http://loinc.org","code":"9279-1"}]},"#
                        + #""effectiveDateTime":"2026-11-25","valueQuantity":{"value":"sixteen"}}"#,
                ])
            ).first)
        #expect(r.latest(.consciousness)?.formatted == "Alert")
        #expect(r.latest(.heartRate)?.formatted == "absent: Patient refused")
        #expect(r.latest(.respiratoryRate)?.formatted == "sixteen")
        #expect(r.warnings.contains { $0.path.contains("valueQuantity.value") })
    }

    // C: patients and identifiers
    @Test func nameChoiceOfficialThenUsualThenFirst() throws {
        let r = try #require(
            try records(
                #"{"resourceType":"Patient","id":"p","name":[{"use":"maiden","family":"Old"},{"use":"usual","#
                    + #""given":["Jim"]},{"use":"official","family":"New","given":["James","T"],"prefix":["Mr."]}]}"#
            ).first)
        #expect(r.patient.displayName == "New, James T")
        #expect(r.patient.name?.prefix == ["Mr."])
        let u = try #require(
            try records(
                #"{"resourceType":"Patient","id":"p","name":[{"use":"maiden","family":"Old"},{"use":"usual","#
                    + #""given":["Jim"]}]}"#
            ).first)
        #expect(u.patient.displayName == "Jim")
    }

    @Test func nameWithOnlyText() throws {
        let r = try #require(try records(#"{"resourceType":"Patient","id":"p","name":[{"text":"SMART, JOE"}]}"#).first)
        #expect(r.patient.displayName == "SMART, JOE")
    }

    @Test func mrnByTypeNeverSSN() throws {
        let r = try #require(
            try records(
                #"{"resourceType":"Patient","id":"p","identifier":[{"type":{"coding":[{"code":"SS"}]},"#
                    + #""value":"999-12-3456"},{"type":{"coding":[{"system":"http://hl7.org/fhir/v2/0203","#
                    + #""code":"MR"}]},"value":"7654321"}]}"#
            ).first)
        #expect(r.patient.mrn == "7654321")
        let s = try #require(
            try records(
                #"{"resourceType":"Patient","id":"p","identifier":[{"system":"http://hl7.org/fhir/sid/us-ssn","#
                    + #""value":"999-12-3456"},{"system":"urn:oid:1.2.3.4"},{"system":"http://hospital.example/mrn","#
                    + #""value":"00042"}]}"#
            ).first)
        #expect(s.patient.mrn == "00042")
    }

    @Test func patientWithoutIdGetsAStableKey() throws {
        let rs = try records(
            #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:abc","#
                + #""resource":{"resourceType":"Patient","name":[{"family":"Nobody"}]}},"#
                + #"{"resource":{"resourceType":"Condition","subject":{"reference":"urn:uuid:abc"},"#
                + #""code":{"text":"Flu"}}}]}"#
        )
        #expect(rs.count == 1)
        #expect(rs.first?.patient.id == "urn:uuid:abc")
        #expect(rs.first?.conditions.first?.display == "Flu")
    }

    @Test func wrongTypeForGenderIsAWarningNotALoss() throws {
        let r = try #require(
            try records(
                #"{"resourceType":"Patient","id":"p","gender":{"code":"male"},"name":[{"family":"Kept"}],"#
                    + #""_gender":{"extension":[]}}"#
            ).first)
        #expect(r.patient.displayName == "Kept")
        #expect(r.patient.gender == nil)
        #expect(r.warnings.contains { $0.path == "Patient.gender" })
    }

    // D: dates
    @Test func unparsableDatesAreKeptVerbatim() throws {
        let r = try #require(
            try records(
                #"{"resourceType":"Encounter","patient":{"reference":"Patient/p"},"status":"in-progress","#
                    + #""period":{"start":"09/17/2018 1:00:00 PM"}}"#
            ).first)
        #expect(r.lastEncounter?.start?.raw == "09/17/2018 1:00:00 PM")
        #expect(r.lastEncounter?.start?.isUnparsed == true)
        #expect(r.warnings.contains { $0.value == "09/17/2018 1:00:00 PM" })
    }

    @Test func unparsableEncounterStartSortsLast() throws {
        let r = try #require(
            try records(
                bundle([
                    #"{"resourceType":"Encounter","subject":{"reference":"Patient/p"},"status":"finished","#
                        + #""period":{"start":"09/17/2018 1:00:00 PM"}}"#,
                    #"{"resourceType":"Encounter","subject":{"reference":"Patient/p"},"status":"in-progress","#
                        + #""period":{"start":"2018-09-01"}}"#,
                ])
            ).first)
        #expect(r.lastEncounter?.status == "in-progress")
    }

    // E: references
    @Test func inBundleReferenceResolvesLocation() throws {
        let r = try #require(
            try records(
                bundle([
                    #"{"resourceType":"Location","id":"l1","name":"4 West, Room 412, Bed B"}"#,
                    #"{"resourceType":"Encounter","subject":{"reference":"Patient/p"},"status":"in-progress","#
                        + #""period":{"start":"2026-11-25T13:00:00Z"},"#
                        + #""location":[{"location":{"reference":"Location/l1"},"status":"active"}]}"#,
                ])
            ).first)
        #expect(r.lastEncounter?.location == "4 West, Room 412, Bed B")
    }

    @Test func relativeReferenceWithLeadingSlash() throws {
        let rs = try records(
            bundle([#"{"resourceType":"Condition","subject":{"reference":"/Patient/x1"},"code":{"text":"Gout"}}"#]))
        #expect(rs.first?.patient.id == "x1")
    }

    @Test func doubleWrappedEntryIsUnwrapped() throws {
        let rs = try records(
            #"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"fullUrl":"x","#
                + #""resource":{"resourceType":"Condition","patient":{"reference":"Patient/p"},"#
                + #""code":{"text":"Asthma"}}}}]}"#
        )
        #expect(rs.first?.conditions.first?.display == "Asthma")
    }

    // F: JSON format quirks
    @Test func fhirCommentsAndPrimitiveExtensionsAreIgnored() throws {
        let r = try #require(
            try records(
                #"{"resourceType":"Patient","id":"p","fhir_comments":["x"],"birthDate":"1951-08-23","#
                    + #""_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","#
                    + #""valueDateTime":"1951-08-23T14:35:45-05:00"}]},"#
                    + #""name":[{"_family":{"fhir_comments":["y"]},"family":["Black"],"given":["Ruth"]}]}"#
            ).first)
        #expect(r.patient.birthDate?.raw == "1951-08-23")
        #expect(r.patient.displayName == "Black, Ruth")
    }

    @Test func notJSONAndNotFHIRAreDistinctErrors() {
        #expect(throws: FHIRReadError.self) { try FHIRDocument(data: Data("{\"a\":1,}".utf8)) }
        do {
            _ = try FHIRDocument(data: Data("[1,2]".utf8))
            Issue.record("accepted an array")
        } catch {
            guard case .notFHIR = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
        do {
            _ = try FHIRDocument(data: Data("not json".utf8))
            Issue.record("accepted text")
        } catch {
            guard case .notJSON = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }

    @Test func operationOutcomeDiagnostics() throws {
        let doc = try FHIRDocument(
            data: Data(
                (#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found","#
                    + #""diagnostics":"Patient 42 not found"}]}"#).utf8))
        #expect(OperationOutcomeReader.summary(doc.root) == "error: Patient 42 not found")
    }
}
