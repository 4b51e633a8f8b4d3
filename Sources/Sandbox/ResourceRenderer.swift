import Foundation
import Clinical
import FHIRAdapters

/// Writes a synthetic patient's resources in the shape of one FHIR release.
struct ResourceRenderer: Sendable {
    let release: FHIRRelease
    var d2: Bool { release == .dstu2 }
    var r4: Bool { release == .r4 }

    func ref(_ p: SyntheticPatient) -> JSONValue { ["reference": .string("Patient/\(p.id)")] }
    func snomed(_ code: String, _ display: String) -> JSONValue {
        ["coding": [["system": "http://snomed.info/sct", "code": .string(code), "display": .string(display)]], "text": .string(display)]
    }
    func status(_ code: String, system: String) -> JSONValue {
        r4 ? ["coding": [["system": .string(system), "code": .string(code)]]] : .string(code)
    }

    func patient(_ p: SyntheticPatient) -> JSONValue {
        var name: JSONObject = ["use": "official", "given": .array(p.given.map(JSONValue.string))]
        name["family"] = d2 ? [.string(p.family)] : .string(p.family)
        if let pre = p.prefix { name["prefix"] = [.string(pre)] }
        let mrType: JSONValue = ["coding": [["system": .string(d2 ? "http://hl7.org/fhir/v2/0203" : "http://terminology.hl7.org/CodeSystem/v2-0203"), "code": "MR"]], "text": "Medical record number"]
        let ssType: JSONValue = ["coding": [["system": .string(d2 ? "http://hl7.org/fhir/v2/0203" : "http://terminology.hl7.org/CodeSystem/v2-0203"), "code": "SS"]]]
        var r: JSONObject = [
            "resourceType": "Patient", "id": .string(p.id), "active": true,
            "identifier": [["use": "official", "type": ssType, "system": "http://hl7.org/fhir/sid/us-ssn", "value": .string(p.ssn)],
                           ["use": "usual", "type": mrType, "system": "urn:oid:2.16.840.1.113883.19.5.99999.1", "value": .string(p.mrn)]],
            "name": [.object(name)], "gender": .string(p.gender), "birthDate": .string(p.birthDate),
        ]
        r[d2 ? "careProvider" : "generalPractitioner"] = [["display": .string(p.gp)]]
        return .object(r)
    }

    func category() -> JSONValue {
        let c: JSONValue = ["coding": [["system": .string(d2 || release == .stu3 ? "http://hl7.org/fhir/observation-category" : "http://terminology.hl7.org/CodeSystem/observation-category"), "code": "vital-signs", "display": "Vital Signs"]]]
        return d2 ? c : [c]
    }

    func loinc(_ code: String, _ display: String) -> JSONValue {
        ["coding": [["system": "http://loinc.org", "code": .string(code), "display": .string(display)]], "text": .string(display)]
    }

    func quantity(_ v: Double, _ unit: String) -> JSONValue {
        ["value": .number(v), "unit": .string(Units.display(unit)), "system": "http://unitsofmeasure.org", "code": .string(unit)]
    }

    func observations(_ p: SyntheticPatient) -> [(Date, JSONValue)] {
        var out: [(Date, JSONValue)] = []
        for (k, v) in p.vitals.enumerated() {
            var r: JSONObject = ["resourceType": "Observation", "id": .string("\(p.id)-obs-\(k)"), "status": "final",
                                          "category": category(), "code": loinc(v.code, v.display), "subject": ref(p),
                                          "effectiveDateTime": .string(FHIRTime.string(v.time))]
            if let t = v.text { r["valueCodeableConcept"] = ["text": .string(t)] } else { r["valueQuantity"] = quantity(v.value, v.unit) }
            out.append((v.time, .object(r)))
        }
        for (k, bp) in p.pressures.enumerated() {
            let panel = d2 ? ("55284-4", "Blood pressure systolic & diastolic") : ("85354-9", "Blood pressure panel with all children optional")
            let r: JSONValue = ["resourceType": "Observation", "id": .string("\(p.id)-bp-\(k)"), "status": "final",
                                "category": category(), "code": loinc(panel.0, panel.1), "subject": ref(p),
                                "effectiveDateTime": .string(FHIRTime.string(bp.time)),
                                "component": [["code": loinc("8480-6", "Systolic blood pressure"), "valueQuantity": quantity(bp.systolic, "mm[Hg]")],
                                              ["code": loinc("8462-4", "Diastolic blood pressure"), "valueQuantity": quantity(bp.diastolic, "mm[Hg]")]]]
            out.append((bp.time, r))
        }
        return out
    }

    func encounter(_ p: SyntheticPatient) -> JSONValue {
        var r: JSONObject = ["resourceType": "Encounter", "id": .string("\(p.id)-enc"), "status": "in-progress",
                                      "type": [snomed("32485007", "Hospital admission")],
                                      "period": ["start": .string(FHIRTime.string(p.encounterStart))],
                                      "location": [["location": ["reference": .string("Location/\(p.id)-bed"), "display": .string(p.location)], "status": "active"]]]
        if d2 {
            r["patient"] = ref(p); r["class"] = "inpatient"
        } else {
            r["subject"] = ref(p)
            r["class"] = ["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP", "display": "inpatient encounter"]
        }
        return .object(r)
    }

    func conditions(_ p: SyntheticPatient) -> [JSONValue] {
        p.problems.enumerated().map { k, c in
            var r: JSONObject = ["resourceType": "Condition", "id": .string("\(p.id)-cond-\(k)"), "code": snomed(c.code, c.display),
                                          "severity": ["coding": [["system": "http://snomed.info/sct", "display": .string(c.severity)]]],
                                          "clinicalStatus": status("active", system: "http://terminology.hl7.org/CodeSystem/condition-clinical"),
                                          "verificationStatus": status("confirmed", system: "http://terminology.hl7.org/CodeSystem/condition-ver-status")]
            switch release {
            case .dstu2: r["patient"] = ref(p); r["dateRecorded"] = .string(c.recorded)
            case .stu3: r["subject"] = ref(p); r["assertedDate"] = .string(c.recorded)
            case .r4: r["subject"] = ref(p); r["recordedDate"] = .string(c.recorded)
            }
            return .object(r)
        }
    }

    func allergies(_ p: SyntheticPatient) -> [JSONValue] {
        p.allergies.enumerated().map { k, a in
            var r: JSONObject = ["resourceType": "AllergyIntolerance", "id": .string("\(p.id)-alg-\(k)"), "patient": ref(p),
                                          "reaction": [["manifestation": [["text": .string(a.manifestation)]]]]]
            if d2 {
                r["substance"] = ["text": .string(a.substance)]
                r["status"] = .string(a.confirmed ? "confirmed" : "unconfirmed")
                r["criticality"] = .string(a.criticality == "high" ? "CRITH" : "CRITL")
                r["recordedDate"] = .string(a.recorded)
            } else {
                r["code"] = ["text": .string(a.substance)]
                r["clinicalStatus"] = status("active", system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical")
                r["verificationStatus"] = status(a.confirmed ? "confirmed" : "unconfirmed", system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification")
                r["criticality"] = .string(a.criticality)
                r[r4 ? "recordedDate" : "assertedDate"] = .string(a.recorded)
            }
            return .object(r)
        }
    }

    func medications(_ p: SyntheticPatient) -> [JSONValue] {
        p.orders.enumerated().map { k, o in
            var r: JSONObject = ["resourceType": .string(d2 ? "MedicationOrder" : "MedicationRequest"), "id": .string("\(p.id)-med-\(k)"),
                                          "status": "active", "medicationCodeableConcept": ["text": .string(o.name)],
                                          "dosageInstruction": [["text": .string(o.dosage)]]]
            switch release {
            case .dstu2: r["patient"] = ref(p); r["dateWritten"] = .string(o.authored); r["prescriber"] = ["display": .string(o.prescriber)]
            case .stu3: r["subject"] = ref(p); r["authoredOn"] = .string(o.authored); r["intent"] = "order"; r["requester"] = ["agent": ["display": .string(o.prescriber)]]
            case .r4: r["subject"] = ref(p); r["authoredOn"] = .string(o.authored); r["intent"] = "order"; r["requester"] = ["display": .string(o.prescriber)]
            }
            return .object(r)
        }
    }

    func coverage(_ p: SyntheticPatient) -> JSONValue {
        let c = p.coverage
        var r: JSONObject = ["resourceType": "Coverage", "id": .string("\(p.id)-cov"),
                                      "period": ["start": .string(c.start), "end": .string(c.end)]]
        switch release {
        case .dstu2:
            r["issuer"] = ["display": .string(c.payor)]; r["plan"] = .string(c.plan); r["group"] = .string(c.group)
            r["subscriberId"] = ["value": .string(c.subscriberId)]; r["subscriber"] = ref(p)
        case .stu3:
            r["status"] = "active"; r["beneficiary"] = ref(p); r["payor"] = [["display": .string(c.payor)]]
            r["grouping"] = ["group": .string(c.group), "groupDisplay": .string(c.group), "plan": .string(c.plan), "planDisplay": .string(c.plan)]
            r["subscriberId"] = .string(c.subscriberId)
        case .r4:
            r["status"] = "active"; r["beneficiary"] = ref(p); r["payor"] = [["display": .string(c.payor)]]
            r["class"] = [["type": ["coding": [["code": "plan"]]], "value": .string(c.plan), "name": .string(c.plan)],
                          ["type": ["coding": [["code": "group"]]], "value": .string(c.group), "name": .string(c.group)]]
            r["subscriberId"] = .string(c.subscriberId)
        }
        return .object(r)
    }
}
