import Clinical
import FHIRAdapters
import Foundation

/// Writes a synthetic patient's resources in the shape of one FHIR release.
struct ResourceRenderer: Sendable {
    let release: FHIRRelease
    /// `--history`: the records a long-lived EHR also holds (see `SandboxConfiguration.history`).
    var history = false
    /// `--us-core-oxygen`: oxygen as components of the pulse-oximetry reading.
    var usCoreOxygen = false
    /// `meta.lastUpdated` of the readings (stamped once, when the observations are built).
    var dataAsOf: Date?
    var d2: Bool { release == .dstu2 }
    var r4: Bool { release == .r4 }

    init(release: FHIRRelease, history: Bool = false, usCoreOxygen: Bool = false, dataAsOf: Date? = nil) {
        self.release = release
        self.dataAsOf = dataAsOf
        self.history = history
        self.usCoreOxygen = usCoreOxygen
    }

    var v2Identifiers: String { d2 ? "http://hl7.org/fhir/v2/0203" : "http://terminology.hl7.org/CodeSystem/v2-0203" }

    func ref(_ p: SyntheticPatient) -> JSONValue { ["reference": .string("Patient/\(p.id)")] }
    func snomed(_ code: String, _ display: String) -> JSONValue {
        [
            "coding": [["system": "http://snomed.info/sct", "code": .string(code), "display": .string(display)]],
            "text": .string(display),
        ]
    }
    func status(_ code: String, system: String) -> JSONValue {
        r4 ? ["coding": [["system": .string(system), "code": .string(code)]]] : .string(code)
    }

    func patient(_ p: SyntheticPatient) -> JSONValue {
        var name: JSONObject = ["use": "official", "given": .array(p.given.map(JSONValue.string))]
        name["family"] = d2 ? [.string(p.family)] : .string(p.family)
        if let pre = p.prefix { name["prefix"] = [.string(pre)] }
        let mrType: JSONValue = [
            "coding": [["system": .string(v2Identifiers), "code": "MR"]], "text": "Medical record number",
        ]
        let ssType: JSONValue = ["coding": [["system": .string(v2Identifiers), "code": "SS"]]]
        var identifiers: [JSONValue] = []
        if history {
            // A number from before a merge of records: listed first, retired two ways.
            identifiers.append([
                "use": "old", "type": mrType, "system": "urn:oid:2.16.840.1.113883.19.5.99999.1",
                "value": .string("9" + p.mrn.dropFirst()), "period": ["end": "2019-03-31"],
            ])
        }
        identifiers.append([
            "use": "official", "type": ssType, "system": "http://hl7.org/fhir/sid/us-ssn", "value": .string(p.ssn),
        ])
        identifiers.append([
            "use": "usual", "type": mrType, "system": .string(SyntheticPopulation.mrnSystem), "value": .string(p.mrn),
        ])
        var r: JSONObject = [
            "resourceType": "Patient", "id": .string(p.id), "active": true,
            "identifier": .array(identifiers),
            "name": [.object(name)], "gender": .string(p.gender), "birthDate": .string(p.birthDate),
        ]
        r[d2 ? "careProvider" : "generalPractitioner"] = [["display": .string(p.gp)]]
        return .object(r)
    }

    func category() -> JSONValue {
        let c: JSONValue = [
            "coding": [
                [
                    "system": .string(
                        d2 || release == .stu3
                            ? "http://hl7.org/fhir/observation-category"
                            : "http://terminology.hl7.org/CodeSystem/observation-category"), "code": "vital-signs",
                    "display": "Vital Signs",
                ]
            ]
        ]
        return d2 ? c : [c]
    }

    func loinc(_ code: String, _ display: String) -> JSONValue {
        [
            "coding": [["system": "http://loinc.org", "code": .string(code), "display": .string(display)]],
            "text": .string(display),
        ]
    }

    func quantity(_ v: Double, _ unit: String) -> JSONValue {
        [
            "value": .number(v), "unit": .string(Units.display(unit)), "system": "http://unitsofmeasure.org",
            "code": .string(unit),
        ]
    }

    /// One vital-sign reading with a quantity (a reading added while the server runs).
    func observation(_ p: SyntheticPatient, _ v: SyntheticPatient.Vital, id: String) -> JSONValue {
        [
            "resourceType": "Observation", "id": .string(id), "status": "final", "category": category(),
            "code": loinc(v.code, v.display), "subject": ref(p), "effectiveDateTime": .string(FHIRTime.string(v.time)),
            "valueQuantity": quantity(v.value, v.unit),
        ]
    }

    func observations(_ p: SyntheticPatient) -> [(Date, JSONValue)] {
        guard let dataAsOf else { return unstampedObservations(p) }
        let meta: JSONValue = ["versionId": "1", "lastUpdated": .string(FHIRTime.string(dataAsOf))]
        return unstampedObservations(p).map { time, observation in
            guard case .object(var object) = observation else { return (time, observation) }
            object["meta"] = meta
            return (time, .object(object))
        }
    }

    private func unstampedObservations(_ p: SyntheticPatient) -> [(Date, JSONValue)] {
        var out: [(Date, JSONValue)] = []
        // US Core R4 charts supplemental oxygen on the pulse-oximetry reading, not on its own.
        let fio2ByTime = Dictionary(
            p.vitals.filter { $0.code == "3150-0" }.map { ($0.time, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (k, v) in p.vitals.enumerated() {
            if usCoreOxygen, v.code == "3150-0" { continue }
            var r: JSONObject = [
                "resourceType": "Observation", "id": .string("\(p.id)-obs-\(k)"), "status": "final",
                "category": category(), "code": loinc(v.code, v.display), "subject": ref(p),
                "effectiveDateTime": .string(FHIRTime.string(v.time)),
            ]
            if let t = v.text {
                r["valueCodeableConcept"] = ["text": .string(t)]
            } else {
                r["valueQuantity"] = quantity(v.value, v.unit)
            }
            if usCoreOxygen, v.code == "59408-5" {
                r["code"] = [
                    "coding": [
                        [
                            "system": "http://loinc.org", "code": "2708-6",
                            "display": "Oxygen saturation in Arterial blood",
                        ],
                        ["system": "http://loinc.org", "code": "59408-5", "display": .string(v.display)],
                    ],
                    "text": "Oxygen saturation",
                ]
                if let fio2 = fio2ByTime[v.time], fio2 > 21 {
                    // About 4 % more inspired oxygen per litre a minute by nasal cannula.
                    let flow = ((fio2 - 20) / 4 * 2).rounded() / 2
                    r["component"] = [
                        [
                            "code": loinc("3151-8", "Inhaled oxygen flow rate"),
                            "valueQuantity": quantity(flow, "L/min"),
                        ],
                        [
                            "code": loinc("3150-0", "Inhaled oxygen concentration"),
                            "valueQuantity": quantity(fio2, "%"),
                        ],
                    ]
                }
            }
            out.append((v.time, .object(r)))
        }
        for (k, bp) in p.pressures.enumerated() {
            let panel =
                d2
                ? ("55284-4", "Blood pressure systolic & diastolic")
                : ("85354-9", "Blood pressure panel with all children optional")
            let r: JSONValue = [
                "resourceType": "Observation", "id": .string("\(p.id)-bp-\(k)"), "status": "final",
                "category": category(), "code": loinc(panel.0, panel.1), "subject": ref(p),
                "effectiveDateTime": .string(FHIRTime.string(bp.time)),
                "component": [
                    [
                        "code": loinc("8480-6", "Systolic blood pressure"),
                        "valueQuantity": quantity(bp.systolic, "mm[Hg]"),
                    ],
                    [
                        "code": loinc("8462-4", "Diastolic blood pressure"),
                        "valueQuantity": quantity(bp.diastolic, "mm[Hg]"),
                    ],
                ],
            ]
            out.append((bp.time, r))
        }
        if history, let last = p.vitals.map(\.time).max() {
            // Charted on the wrong patient and struck out: newer than every real reading, alarming,
            // and never to be shown or scored.
            let time = last.addingTimeInterval(300)
            let r: JSONValue = [
                "resourceType": "Observation", "id": .string("\(p.id)-obs-eie"), "status": "entered-in-error",
                "category": category(), "code": loinc("8867-4", "Heart rate"), "subject": ref(p),
                "effectiveDateTime": .string(FHIRTime.string(time)), "valueQuantity": quantity(190, "/min"),
            ]
            out.append((time, r))
        }
        return out
    }

    func location(_ p: SyntheticPatient, ward: Bool) -> JSONValue {
        let unit = SyntheticPopulation.unit(of: p)
        var r: JSONObject = ["resourceType": "Location", "status": "active", "mode": "instance"]
        let code = ward ? ("wa", "Ward") : ("bd", "Bed")
        let system =
            d2 || release == .stu3
            ? "http://hl7.org/fhir/location-physical-type"
            : "http://terminology.hl7.org/CodeSystem/location-physical-type"
        r["physicalType"] = [
            "coding": [["system": .string(system), "code": .string(code.0), "display": .string(code.1)]]
        ]
        if ward {
            r["id"] = .string(SyntheticPopulation.wardId(unit))
            r["name"] = .string(unit)
        } else {
            r["id"] = .string("\(p.id)-bed")
            r["name"] = .string(p.location)
            r["partOf"] = [
                "reference": .string("Location/\(SyntheticPopulation.wardId(unit))"), "display": .string(unit),
            ]
        }
        return .object(r)
    }

    func organization(id: String, name: String) -> JSONValue {
        ["resourceType": "Organization", "id": .string(id), "active": true, "name": .string(name)]
    }

    /// The patient's encounters with their start (for `_sort`): the current admission, and with
    /// `history` the visits around it.
    func encounters(_ p: SyntheticPatient) -> [(Date?, JSONValue)] {
        var out: [(Date?, JSONValue)] = [(p.encounterStart, encounter(p))]
        guard history else { return out }
        let day = 86_400.0
        let unit = SyntheticPopulation.unit(of: p)
        func visit(
            _ suffix: String, _ status: String, start: Date, end: Date?, place: String, type: (String, String),
            startText: String? = nil
        ) -> (Date?, JSONValue) {
            var period: JSONObject = ["start": .string(startText ?? FHIRTime.string(start))]
            if let end { period["end"] = .string(FHIRTime.string(end)) }
            let locationStatus = status == "finished" ? "completed" : (status == "planned" ? "planned" : "active")
            var r: JSONObject = [
                "resourceType": "Encounter", "id": .string("\(p.id)-enc-\(suffix)"), "status": .string(status),
                "type": [snomed(type.0, type.1)], "period": .object(period),
                "location": [["location": ["display": .string(place)], "status": .string(locationStatus)]],
            ]
            attachSubjectAndClass(&r, p, ambulatory: true)
            return (start, .object(r))
        }
        let anchor = p.encounterStart
        // A DSTU2 partner wrote this start as text; it must never outrank a readable one.
        let oldText = d2 ? "09/17/2018 1:00:00 PM" : nil
        out.append(
            visit(
                "old", "finished", start: Date(timeIntervalSince1970: 1_537_189_200), end: nil, place: "ENT clinic",
                type: ("11429006", "Consultation"), startText: oldText))
        out.append(
            visit(
                "prev", "finished", start: anchor.addingTimeInterval(-300 * day),
                end: anchor.addingTimeInterval(-295 * day),
                place: "\(unit), Room 101", type: ("32485007", "Hospital admission")))
        out.append(
            visit(
                "planned", "planned", start: anchor.addingTimeInterval(14 * day), end: nil, place: "Endoscopy Suite",
                type: ("73761001", "Colonoscopy")))
        out.append(
            visit(
                "cancelled", "cancelled", start: anchor.addingTimeInterval(1 * day), end: nil, place: "Radiology",
                type: ("77477000", "CT scan")))
        out.append(
            visit(
                "eie", "entered-in-error", start: anchor.addingTimeInterval(2 * 3600), end: nil,
                place: "Emergency Department",
                type: ("50849002", "Emergency room admission")))
        return out
    }

    func encounter(_ p: SyntheticPatient) -> JSONValue {
        let bed: JSONValue = [
            "location": ["reference": .string("Location/\(p.id)-bed"), "display": .string(p.location)],
            "status": "active",
        ]
        var places = [bed]
        if history {
            // The ward the bed is part of, also active and listed after it: the bed is the answer.
            let unit = SyntheticPopulation.unit(of: p)
            places.append([
                "location": ["reference": .string("Location/\(SyntheticPopulation.wardId(unit))")], "status": "active",
            ])
        }
        var r: JSONObject = [
            "resourceType": "Encounter", "id": .string("\(p.id)-enc"), "status": "in-progress",
            "type": [snomed("32485007", "Hospital admission")],
            "period": ["start": .string(FHIRTime.string(p.encounterStart))],
            "location": .array(places),
        ]
        attachSubjectAndClass(&r, p)
        return .object(r)
    }

    func attachSubjectAndClass(_ r: inout JSONObject, _ p: SyntheticPatient, ambulatory: Bool = false) {
        if d2 {
            r["patient"] = ref(p)
            r["class"] = .string(ambulatory ? "outpatient" : "inpatient")
            return
        }
        r["subject"] = ref(p)
        // STU3 names the ActCode system by its v3 URL; R4 by terminology.hl7.org.
        let system =
            release == .stu3 ? "http://hl7.org/fhir/v3/ActCode" : "http://terminology.hl7.org/CodeSystem/v3-ActCode"
        let code = ambulatory ? ("AMB", "ambulatory") : ("IMP", "inpatient encounter")
        r["class"] = ["system": .string(system), "code": .string(code.0), "display": .string(code.1)]
    }

    func conditions(_ p: SyntheticPatient) -> [JSONValue] {
        var problems = p.problems.map { ($0, "active", "confirmed") }
        if history {
            problems.append(
                (
                    .init(code: "233604007", display: "Pneumonia", recorded: "2021-02-03", severity: "Moderate"),
                    "resolved", "confirmed"
                ))
            problems.append(
                (
                    .init(code: "91302008", display: "Sepsis", recorded: "2026-11-01", severity: "Severe"), "",
                    "entered-in-error"
                ))
        }
        return problems.enumerated().map { k, item in
            let (c, clinical, verification) = item
            var r: JSONObject = [
                "resourceType": "Condition", "id": .string("\(p.id)-cond-\(k)"), "code": snomed(c.code, c.display),
                "severity": ["coding": [["system": "http://snomed.info/sct", "display": .string(c.severity)]]],
                "verificationStatus": status(
                    verification, system: "http://terminology.hl7.org/CodeSystem/condition-ver-status"),
            ]
            // A condition entered in error has no clinical status (R4 con-5, STU3 con-4).
            if !clinical.isEmpty {
                r["clinicalStatus"] = status(
                    clinical, system: "http://terminology.hl7.org/CodeSystem/condition-clinical")
            }
            switch release {
            case .dstu2:
                r["patient"] = ref(p)
                r["dateRecorded"] = .string(c.recorded)
            case .stu3:
                r["subject"] = ref(p)
                r["assertedDate"] = .string(c.recorded)
            case .r4:
                r["subject"] = ref(p)
                r["recordedDate"] = .string(c.recorded)
            }
            return .object(r)
        }
    }

    func allergies(_ p: SyntheticPatient) -> [JSONValue] {
        var items = p.allergies.map { ($0, false) }
        if history {
            items.append(
                (
                    .init(
                        substance: "Aspirin", manifestation: "Wheeze", criticality: "high", recorded: "2026-10-02",
                        confirmed: true), true
                ))
        }
        return items.enumerated().map { k, item in
            let (a, inError) = item
            var r: JSONObject = [
                "resourceType": "AllergyIntolerance", "id": .string("\(p.id)-alg-\(k)"), "patient": ref(p),
                "reaction": [["manifestation": [["text": .string(a.manifestation)]]]],
            ]
            if d2 {
                r["substance"] = ["text": .string(a.substance)]
                r["status"] = .string(inError ? "entered-in-error" : (a.confirmed ? "confirmed" : "unconfirmed"))
                r["criticality"] = .string(a.criticality == "high" ? "CRITH" : "CRITL")
                r["recordedDate"] = .string(a.recorded)
            } else {
                r["code"] = ["text": .string(a.substance)]
                let verification = inError ? "entered-in-error" : (a.confirmed ? "confirmed" : "unconfirmed")
                // Entered in error: no clinical status (STU3 ait-1, R4 ait-2).
                if !inError {
                    r["clinicalStatus"] = status(
                        "active", system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical")
                }
                r["verificationStatus"] = status(
                    verification, system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification")
                r["criticality"] = .string(a.criticality)
                r[r4 ? "recordedDate" : "assertedDate"] = .string(a.recorded)
            }
            return .object(r)
        }
    }

    func medications(_ p: SyntheticPatient) -> [JSONValue] {
        var orders = p.orders.map { ($0, "active") }
        if history {
            // Oldest first, as a server that ignores order sends them.
            orders.insert(
                (
                    .init(
                        name: "Warfarin 5 mg tablet", dosage: "5 mg once daily", authored: "2019-05-02T10:00:00Z",
                        prescriber: "Dr J. Park"), "stopped"
                ), at: 0)
            orders.insert(
                (
                    .init(
                        name: "Amoxicillin 500 mg capsule", dosage: "500 mg three times daily for 7 days",
                        authored: "2021-02-03T09:00:00Z", prescriber: "Dr L. Moreau"), "completed"
                ), at: 1)
            orders.append(
                (
                    .init(
                        name: "Morphine 10 mg injection", dosage: "10 mg every 4 hours",
                        authored: FHIRTime.string(p.encounterStart), prescriber: "Dr S. Patel"), "entered-in-error"
                ))
        }
        return orders.enumerated().map { k, item in
            let (o, orderStatus) = item
            var r: JSONObject = [
                "resourceType": .string(d2 ? "MedicationOrder" : "MedicationRequest"),
                "id": .string("\(p.id)-med-\(k)"),
                "status": .string(orderStatus), "medicationCodeableConcept": ["text": .string(o.name)],
                "dosageInstruction": [["text": .string(o.dosage)]],
            ]
            switch release {
            case .dstu2:
                r["patient"] = ref(p)
                r["dateWritten"] = .string(o.authored)
                r["prescriber"] = ["display": .string(o.prescriber)]
            case .stu3:
                r["subject"] = ref(p)
                r["authoredOn"] = .string(o.authored)
                r["intent"] = "order"
                r["requester"] = ["agent": ["display": .string(o.prescriber)]]
            case .r4:
                r["subject"] = ref(p)
                r["authoredOn"] = .string(o.authored)
                r["intent"] = "order"
                r["requester"] = ["display": .string(o.prescriber)]
            }
            return .object(r)
        }
    }

    func coverage(_ p: SyntheticPatient) -> JSONValue {
        let c = p.coverage
        var r: JSONObject = [
            "resourceType": "Coverage", "id": .string("\(p.id)-cov"),
            "period": ["start": .string(c.start), "end": .string(c.end)],
        ]
        switch release {
        case .dstu2:
            r["issuer"] = payor(c)
            r["plan"] = .string(c.plan)
            r["group"] = .string(c.group)
            r["subscriberId"] = ["value": .string(c.subscriberId)]
            r["subscriber"] = ref(p)
        case .stu3:
            r["status"] = "active"
            r["beneficiary"] = ref(p)
            r["payor"] = [payor(c)]
            r["grouping"] = [
                "group": .string(c.group), "groupDisplay": .string(c.group), "plan": .string(c.plan),
                "planDisplay": .string(c.plan),
            ]
            r["subscriberId"] = .string(c.subscriberId)
        case .r4:
            r["status"] = "active"
            r["beneficiary"] = ref(p)
            r["payor"] = [payor(c)]
            let classSystem = "http://terminology.hl7.org/CodeSystem/coverage-class"
            r["class"] = [
                [
                    "type": ["coding": [["system": .string(classSystem), "code": "plan"]]], "value": .string(c.plan),
                    "name": .string(c.plan),
                ],
                [
                    "type": ["coding": [["system": .string(classSystem), "code": "group"]]], "value": .string(c.group),
                    "name": .string(c.group),
                ],
            ]
            r["subscriberId"] = .string(c.subscriberId)
        }
        return .object(r)
    }

    /// The payor: named in the reference, or (`history`) only referenced, as many servers send it.
    func payor(_ c: SyntheticPatient.Plan) -> JSONValue {
        let reference = "Organization/\(SyntheticPopulation.organizationId(c.payor))"
        if history { return ["reference": .string(reference)] }
        return ["reference": .string(reference), "display": .string(c.payor)]
    }
}
