import Clinical
import FHIRAdapters
import Foundation
import Testing

/// What servers Rounds had not seen sent, read per release with the clinical value a nurse must
/// see: the current stay's bed, status-aware records, R4 as real servers send it.
@Suite struct ServerTruthTests {
    static let releases: [FHIRRelease] = [.dstu2, .stu3, .r4]

    /// Resources in the shape of one release, for the fields these cases vary.
    struct Shapes {
        let release: FHIRRelease
        var d2: Bool { release == .dstu2 }

        /// `"patient"` (DSTU2) or `"subject"` pointing at Patient/p.
        var subject: String { d2 ? #""patient":{"reference":"Patient/p"}"# : #""subject":{"reference":"Patient/p"}"# }

        /// A status that is a code (DSTU2, STU3) or a CodeableConcept (R4 conditions and allergies).
        func concept(_ code: String) -> String {
            release == .r4 ? #"{"coding":[{"code":"\#(code)"}]}"# : #""\#(code)""#
        }

        func encounter(_ id: String, status: String, start: String?, end: String? = nil, locations: String) -> String {
            var period: [String] = []
            if let start { period.append(#""start":"\#(start)""#) }
            if let end { period.append(#""end":"\#(end)""#) }
            let periodJSON = period.isEmpty ? "" : #","period":{\#(period.joined(separator: ","))}"#
            let klass = d2 ? #""inpatient""# : #"{"code":"IMP"}"#
            return
                #"{"resourceType":"Encounter","id":"\#(id)","status":"\#(status)","class":\#(klass),"#
                + #"\#(subject)\#(periodJSON),"location":[\#(locations)]}"#
        }

        func place(_ display: String, status: String = "active", reference: String? = nil) -> String {
            let ref = reference.map { #""reference":"\#($0)","# } ?? ""
            return #"{"location":{\#(ref)"display":"\#(display)"},"status":"\#(status)"}"#
        }

        func observation(
            _ id: String, code: String, value: String, at time: String, status: String = "final", extra: String = ""
        ) -> String {
            let category = d2 ? #"{"coding":[{"code":"vital-signs"}]}"# : #"[{"coding":[{"code":"vital-signs"}]}]"#
            return
                #"{"resourceType":"Observation","id":"\#(id)","status":"\#(status)","category":\#(category),"#
                + #""code":{"coding":[{"system":"http://loinc.org","code":"\#(code)"}]},\#(subject),"#
                + #""effectiveDateTime":"\#(time)",\#(value)\#(extra)}"#
        }

        func medication(_ name: String, status: String, authored: String) -> String {
            let type = d2 ? "MedicationOrder" : "MedicationRequest"
            let date = d2 ? "dateWritten" : "authoredOn"
            return
                #"{"resourceType":"\#(type)","status":"\#(status)","medicationCodeableConcept":{"text":"\#(name)"},"#
                + #"\#(subject),"\#(date)":"\#(authored)"}"#
        }

        func condition(_ text: String, codingDisplay: String, clinical: String?, verification: String) -> String {
            let clinicalJSON = clinical.map { #","clinicalStatus":\#(concept($0))"# } ?? ""
            return
                #"{"resourceType":"Condition","code":{"coding":[{"system":"http://snomed.info/sct","code":"1","#
                + #""display":"\#(codingDisplay)"}],"text":"\#(text)"},\#(subject),"#
                + #""verificationStatus":\#(concept(verification))\#(clinicalJSON)}"#
        }

        func allergy(_ substance: String, inError: Bool) -> String {
            if d2 {
                return
                    #"{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/p"},"#
                    + #""substance":{"text":"\#(substance)"},"#
                    + #""status":"\#(inError ? "entered-in-error" : "confirmed")"}"#
            }
            return
                #"{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/p"},"#
                + #""code":{"text":"\#(substance)"},"#
                + #""verificationStatus":\#(concept(inError ? "entered-in-error" : "confirmed"))}"#
        }
    }

    func record(_ release: FHIRRelease, _ resources: [String]) throws -> PatientRecord {
        let patient = #"{"resourceType":"Patient","id":"p","name":[{"family":"Test"}]}"#
        let entries = ([patient] + resources).map { #"{"resource":\#($0)}"# }.joined(separator: ",")
        let json = #"{"resourceType":"Bundle","type":"searchset","entry":[\#(entries)]}"#
        let doc = try FHIRDocument(data: Data(json.utf8))
        return try #require(RecordAssembler.records(resources: doc.resources, release: release).first)
    }

    /// The record of a document holding one Patient and nothing else.
    func patientOnly(_ release: FHIRRelease, _ json: String) throws -> PatientRecord {
        let doc = try FHIRDocument(data: Data(json.utf8))
        return try #require(RecordAssembler.records(resources: doc.resources, release: release).first)
    }

    // MARK: the current stay

    struct EncounterCase: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: String?
        let build: @Sendable (Shapes) -> [String]
        var testDescription: String { name }
    }

    static let encounterCases: [EncounterCase] = [
        EncounterCase(
            name: "unsorted server: old clinic visit with a text start first, bed second", expected: "5 North, Bed 12"
        ) { s in
            [
                s.encounter(
                    "old", status: "finished", start: "09/17/2018 1:00:00 PM",
                    locations: s.place("ENT clinic", status: "completed")),
                s.encounter(
                    "now", status: "in-progress", start: "2026-11-28T08:00:00Z", locations: s.place("5 North, Bed 12")),
            ]
        },
        EncounterCase(name: "planned visit ahead never counts", expected: "4 West, Bed 3") { s in
            [
                s.encounter(
                    "plan", status: "planned", start: "2026-12-15T09:00:00Z",
                    locations: s.place("Endoscopy Suite", status: "planned")),
                s.encounter(
                    "now", status: "in-progress", start: "2026-11-28T08:00:00Z", locations: s.place("4 West, Bed 3")),
            ]
        },
        EncounterCase(name: "cancelled and entered-in-error never count", expected: "ICU, Bed 1") { s in
            [
                s.encounter("x", status: "cancelled", start: "2026-12-01T09:00:00Z", locations: s.place("Radiology")),
                s.encounter(
                    "y", status: "entered-in-error", start: "2026-12-01T10:00:00Z", locations: s.place("Emergency")),
                s.encounter("now", status: "arrived", start: "2026-11-30T08:00:00Z", locations: s.place("ICU, Bed 1")),
            ]
        },
        EncounterCase(name: "in-progress without a period beats an older finished stay", expected: "Ward 7, Bed 2") {
            s in
            [
                s.encounter(
                    "done", status: "finished", start: "2026-11-01T08:00:00Z", end: "2026-11-05T08:00:00Z",
                    locations: s.place("Ward 2")),
                s.encounter("now", status: "in-progress", start: nil, locations: s.place("Ward 7, Bed 2")),
            ]
        },
        EncounterCase(name: "finished stays by instant, not by string", expected: "Later by instant") { s in
            // 23:00 at -05:00 is 04:00Z the next day: later than 01:00Z although it sorts first as text.
            [
                s.encounter(
                    "a", status: "finished", start: "2026-11-30T20:00:00-05:00", end: "2026-11-30T23:00:00-05:00",
                    locations: s.place("Later by instant", status: "completed")),
                s.encounter(
                    "b", status: "finished", start: "2026-11-30T20:00:00Z", end: "2026-12-01T01:00:00Z",
                    locations: s.place("Earlier by instant", status: "completed")),
            ]
        },
        EncounterCase(name: "an unparsable start never outranks a parsable one", expected: "Readable") { s in
            [
                s.encounter(
                    "a", status: "finished", start: "2017-01-01T00:00:00Z",
                    locations: s.place("Readable", status: "completed")),
                s.encounter(
                    "b", status: "finished", start: "12/31/2030 1:00:00 PM",
                    locations: s.place("Unreadable", status: "completed")),
            ]
        },
        EncounterCase(name: "only planned and cancelled: no location at all", expected: nil) { s in
            [
                s.encounter(
                    "plan", status: "planned", start: "2026-12-15T09:00:00Z",
                    locations: s.place("Endoscopy Suite", status: "planned")),
                s.encounter("x", status: "cancelled", start: "2026-12-01T09:00:00Z", locations: s.place("Radiology")),
            ]
        },
        EncounterCase(name: "bed partOf its ward, both active, ward listed last", expected: "5 North, Room 12, Bed A") {
            s in
            let places =
                s.place("5 North, Room 12, Bed A", reference: "Location/bed") + ","
                + s.place("5 North", reference: "Location/ward")
            let bed =
                #"{"resourceType":"Location","id":"bed","name":"5 North, Room 12, Bed A","#
                + #""partOf":{"reference":"Location/ward"}}"#
            let ward = #"{"resourceType":"Location","id":"ward","name":"5 North"}"#
            return [
                s.encounter("now", status: "in-progress", start: "2026-11-28T08:00:00Z", locations: places), bed, ward,
            ]
        },
        EncounterCase(name: "bed known by its physical type", expected: "Bed 4") { s in
            let places =
                s.place("Bed 4", reference: "Location/b4") + "," + s.place("Cardiac Unit", reference: "Location/cu")
            let bed = #"{"resourceType":"Location","id":"b4","name":"Bed 4","physicalType":{"coding":[{"code":"bd"}]}}"#
            let unit =
                #"{"resourceType":"Location","id":"cu","name":"Cardiac Unit","#
                + #""physicalType":{"coding":[{"code":"wa"}]}}"#
            return [
                s.encounter("now", status: "in-progress", start: "2026-11-28T08:00:00Z", locations: places), unit, bed,
            ]
        },
    ]

    @Test(arguments: releases, encounterCases)
    func currentLocation(_ release: FHIRRelease, _ c: EncounterCase) throws {
        let r = try record(release, c.build(Shapes(release: release)))
        #expect(r.lastEncounter?.location == c.expected, "\(release.rawValue): \(c.name)")
    }

    @Test(arguments: releases)
    func noEncounterWhenNoneCounts(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let r = try record(
            release,
            [s.encounter("x", status: "planned", start: "2026-12-15T09:00:00Z", locations: s.place("Endoscopy"))])
        #expect(r.lastEncounter == nil)
        #expect(r.state(of: .encounter).status == .empty)
    }

    // MARK: identifiers

    @Test(arguments: releases)
    func retiredIdentifiersAreNeverTheMRN(_ release: FHIRRelease) throws {
        let mr = #""type":{"coding":[{"code":"MR"}]}"#
        let old = #"{"use":"old",\#(mr),"value":"0000001"}"#
        let ended = #"{\#(mr),"value":"0000002","period":{"start":"2001-01-01","end":"2019-03-31"}}"#
        let current = #"{"use":"usual",\#(mr),"value":"7654321"}"#
        let patient = #"{"resourceType":"Patient","id":"p","identifier":[\#(old),\#(ended),\#(current)]}"#
        let r = try patientOnly(release, patient)
        #expect(r.patient.mrn == "7654321")
    }

    @Test(arguments: releases)
    func namesNoLongerUsedAreNotShown(_ release: FHIRRelease) throws {
        let family = { (f: String) in release == .dstu2 ? #"["\#(f)"]"# : #""\#(f)""# }
        let old = #"{"use":"old","family":\#(family("Shaw")),"given":["Amy"],"period":{"end":"2020-07-22"}}"#
        let ended =
            #"{"family":\#(family("Jones")),"given":["Amy"],"period":{"start":"2010-01-01","end":"2015-01-01"}}"#
        let now = #"{"family":\#(family("Baxter")),"given":["Amy"]}"#
        let patient = #"{"resourceType":"Patient","id":"p","name":[\#(old),\#(ended),\#(now)]}"#
        let r = try patientOnly(release, patient)
        #expect(r.patient.displayName == "Baxter, Amy")
    }

    @Test(arguments: releases)
    func theMRTypedIdentifierIsTheMRNWhereverItIsListed(_ release: FHIRRelease) throws {
        let licence = #"{"type":{"coding":[{"code":"DL"}],"text":"Driver's license"},"value":"D-123"}"#
        let mr =
            #"{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"#
            + #""value":"M-456"}"#
        let patient = #"{"resourceType":"Patient","id":"p","identifier":[\#(licence),\#(mr)]}"#
        let r = try patientOnly(release, patient)
        #expect(r.patient.mrn == "M-456")
    }

    // MARK: statuses

    @Test(arguments: releases)
    func medicationsCurrentFirstNewestFirstTheRestApart(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let r = try record(
            release,
            [
                s.medication("Warfarin", status: "stopped", authored: "1966-01-01"),
                s.medication("Metformin", status: "active", authored: "2020-03-01"),
                s.medication("Morphine", status: "entered-in-error", authored: "2026-11-30"),
                s.medication("Apixaban", status: "active", authored: "2026-11-20"),
                s.medication("Amoxicillin", status: "completed", authored: "2021-02-03"),
            ])
        #expect(r.medications.map(\.name) == ["Apixaban", "Metformin", "Amoxicillin", "Warfarin"])
        #expect(r.medications.map(\.isCurrent) == [true, true, false, false])
        #expect(r.medications.map(\.status) == ["active", "active", "completed", "stopped"])
        #expect(SectionDigest(record: r).medications == 2, "the list counts what the patient is on")
    }

    @Test(arguments: releases)
    func conditionsByTheClinicianWordsAndStatus(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let resolved = release == .dstu2 ? "resolved" : "resolved"
        let r = try record(
            release,
            [
                s.condition(
                    "Old pneumonia", codingDisplay: "Pneumonia (disorder)", clinical: resolved,
                    verification: "confirmed"),
                s.condition("Sepsis ?source", codingDisplay: "Sepsis", clinical: nil, verification: "entered-in-error"),
                s.condition(
                    "Type 2 diabetes, diet controlled", codingDisplay: "Diabetes mellitus type 2 (disorder)",
                    clinical: "active",
                    verification: "confirmed"),
                s.condition("Gout", codingDisplay: "Gout (disorder)", clinical: "active", verification: "refuted"),
            ])
        #expect(r.conditions.map(\.display) == ["Type 2 diabetes, diet controlled", "Old pneumonia", "Gout"])
        #expect(r.conditions.map(\.inactiveReason) == [nil, "resolved", "refuted"])
        #expect(SectionDigest(record: r).conditions == 1)
        #expect(SectionDigest(record: r).firstCondition == "Type 2 diabetes, diet controlled")
    }

    @Test(arguments: releases)
    func allergiesEnteredInErrorNeverShow(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let r = try record(release, [s.allergy("Aspirin", inError: true), s.allergy("Latex", inError: false)])
        #expect(r.allergies.map(\.substance) == ["Latex"])
    }

    // MARK: vital signs

    @Test(arguments: releases)
    func enteredInErrorReadingNeverShowsOrScores(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let r = try record(
            release,
            [
                s.observation(
                    "a", code: "8867-4", value: #""valueQuantity":{"value":72,"unit":"/min"}"#,
                    at: "2026-12-01T08:00:00Z"),
                s.observation(
                    "b", code: "8867-4", value: #""valueQuantity":{"value":190,"unit":"/min"}"#,
                    at: "2026-12-01T09:00:00Z",
                    status: "entered-in-error"),
            ])
        #expect(r.latest(.heartRate)?.value == 72)
        #expect(r.history(.heartRate).count == 1)
    }

    @Test(arguments: releases)
    func comparatorIsKept(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let value =
            #""valueQuantity":{"value":85,"comparator":"<","unit":"%","system":"http://unitsofmeasure.org","code":"%"}"#
        let r = try record(release, [s.observation("a", code: "59408-5", value: value, at: "2026-12-01T08:00:00Z")])
        #expect(r.latest(.oxygenSaturation)?.formatted == "<85 %")
        #expect(r.latest(.oxygenSaturation)?.comparator == "<")
    }

    @Test func usCorePulseOximetryCarriesTheOxygen() throws {
        let components =
            #","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"3151-8"}]},"#
            + #""valueQuantity":{"value":2,"unit":"L/min","system":"http://unitsofmeasure.org","code":"L/min"}},"#
            + #"{"code":{"coding":[{"system":"http://loinc.org","code":"3150-0"}]},"#
            + #""valueQuantity":{"value":28,"unit":"%","system":"http://unitsofmeasure.org","code":"%"}}]"#
        let codes =
            #"{"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"#
            + #""code":{"coding":[{"system":"http://loinc.org","code":"2708-6"},{"system":"http://loinc.org","#
            + #""code":"59408-5"}]},"subject":{"reference":"Patient/p"},"#
            + #""effectiveDateTime":"2026-12-01T08:00:00Z","valueQuantity":{"value":94,"unit":"%","#
            + #""system":"http://unitsofmeasure.org","code":"%"}\#(components)}"#
        let r = try record(.r4, [codes])
        #expect(r.latest(.oxygenSaturation)?.value == 94)
        #expect(r.latest(.oxygenFlow)?.value == 2)
        #expect(r.latest(.oxygenFlow)?.unit == "L/min")
        #expect(r.latest(.inspiredOxygen)?.value == 28)
    }

    @Test func severalLOINCCodingsPickTheOneRoundsKnows() throws {
        let json =
            #"{"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"#
            + #""code":{"coding":[{"system":"http://loinc.org","code":"8716-3","display":"Vital signs"},"#
            + #"{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p"},"#
            + #""effectiveDateTime":"2026-12-01T08:00:00Z","valueQuantity":{"value":80,"unit":"/min"}}"#
        let r = try record(.r4, [json])
        #expect(r.latest(.heartRate)?.value == 80)
    }

    @Test func panelThatOnlyGroupsMembersIsNotAReading() throws {
        let panel =
            #"{"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"#
            + #""code":{"coding":[{"system":"http://loinc.org","code":"85353-1"}]},"#
            + #""subject":{"reference":"Patient/p"},"effectiveDateTime":"2026-12-01T08:00:00Z","#
            + #""hasMember":[{"reference":"Observation/hr"}]}"#
        let member =
            #"{"resourceType":"Observation","id":"hr","status":"final","#
            + #""category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","#
            + #""code":"8867-4"}]},"subject":{"reference":"Patient/p"},"#
            + #""effectiveDateTime":"2026-12-01T08:00:00Z","valueQuantity":{"value":64,"unit":"/min"}}"#
        let r = try record(.r4, [panel, member])
        #expect(r.latestVitals.map(\.code) == ["8867-4"])
    }

    @Test(arguments: releases)
    func timeWithoutZoneIsAWarningAndShownAsSent(_ release: FHIRRelease) throws {
        let s = Shapes(release: release)
        let r = try record(
            release,
            [s.observation("a", code: "8867-4", value: #""valueQuantity":{"value":72}"#, at: "2026-12-01T08:00:00")])
        #expect(r.latest(.heartRate)?.effective?.raw == "2026-12-01T08:00:00")
        #expect(r.warnings.contains { $0.reason.contains("without a zone") })
    }
}
