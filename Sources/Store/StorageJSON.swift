import Clinical
import Foundation
import JSONKit

/// The cache's JSON for clinical values, written and read by hand: Foundation's JSONDecoder
/// cost ~40 µs per small section on Linux, which made a 1,000-patient list slow to open.
/// Keys match the documented `--json` names; the vital-sign history uses short keys.
enum StorageJSON {
    // MARK: writing
    static func date(_ d: FHIRDate?) -> JSONValue { d.map { .string($0.raw) } ?? .null }
    static func strings(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }
    static func number(_ d: Double?) -> JSONValue { d.map(JSONValue.number) ?? .null }

    static func encode(_ p: Patient) -> JSONValue {
        var o: JSONObject = [
            "id": .string(p.id), "gender": .from(p.gender), "birthDate": date(p.birthDate), "mrn": .from(p.mrn),
            "generalPractitioner": strings(p.generalPractitioner),
        ]
        if let n = p.name {
            o["name"] = [
                "family": .from(n.family), "given": strings(n.given), "prefix": strings(n.prefix),
                "suffix": strings(n.suffix),
                "use": .from(n.use), "text": .from(n.text),
            ]
        }
        return .object(o)
    }

    static func encode(_ v: VitalSign) -> JSONValue {
        var o: JSONObject = [
            "code": .string(v.code), "display": .from(v.display), "value": number(v.value), "unit": .from(v.unit),
            "text": .from(v.text), "effective": date(v.effective),
            "components": .array(
                v.components.map { c in
                    var component: JSONObject = [
                        "code": .string(c.code), "display": .from(c.display), "value": number(c.value),
                        "unit": .from(c.unit), "text": .from(c.text),
                    ]
                    if let comparator = c.comparator { component["comparator"] = .string(comparator) }
                    return .object(component)
                }),
        ]
        if let comparator = v.comparator { o["comparator"] = .string(comparator) }
        if !v.valueCodes.isEmpty { o["valueCodes"] = strings(v.valueCodes) }
        return .object(o)
    }

    /// History readings: code, time, value (or systolic/diastolic), text — what trends need.
    /// Written straight to text, byte for byte what the tree below serializes to (the content
    /// hash compares them): a sync writes tens of thousands of readings.
    static func historyText(_ vs: [VitalSign]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(vs.count * 64)
        func member(_ name: StaticString, _ first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func optionalNumber(_ n: Double?) {
            if let n { JSONValue.writeNumber(n, into: &out) } else { out.append(contentsOf: JSONValue.nullBytes) }
        }
        out.append(UInt8(ascii: "["))
        for (k, v) in vs.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            member("c", true)
            JSONValue.writeString(v.code, into: &out)
            member("t")
            if let raw = v.effective?.raw {
                JSONValue.writeString(raw, into: &out)
            } else {
                out.append(contentsOf: JSONValue.nullBytes)
            }
            if let x = v.value {
                member("v")
                JSONValue.writeNumber(x, into: &out)
            }
            if let u = v.unit {
                member("u")
                JSONValue.writeString(u, into: &out)
            }
            if let t = v.text {
                member("x")
                JSONValue.writeString(t, into: &out)
            }
            if let comparator = v.comparator {
                member("q")
                JSONValue.writeString(comparator, into: &out)
            }
            if !v.valueCodes.isEmpty {
                member("y")
                out.append(contentsOf: strings(v.valueCodes).utf8Bytes)
            }
            if !v.components.isEmpty {
                member("k")
                out.append(UInt8(ascii: "["))
                for (j, component) in v.components.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "{"))
                    member("c", true)
                    JSONValue.writeString(component.code, into: &out)
                    member("v")
                    optionalNumber(component.value)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func encodeHistory(_ vs: [VitalSign]) -> JSONValue {
        .array(
            vs.map { v in
                var o: JSONObject = ["c": .string(v.code), "t": date(v.effective)]
                if let x = v.value { o["v"] = .number(x) }
                if let u = v.unit { o["u"] = .string(u) }
                if let t = v.text { o["x"] = .string(t) }
                if let comparator = v.comparator { o["q"] = .string(comparator) }
                if !v.valueCodes.isEmpty { o["y"] = strings(v.valueCodes) }
                if !v.components.isEmpty {
                    o["k"] = .array(v.components.map { ["c": .string($0.code), "v": number($0.value)] })
                }
                return .object(o)
            })
    }

    static func encode(_ e: Encounter?) -> JSONValue {
        guard let e else { return .null }
        return [
            "status": .from(e.status), "type": .from(e.type), "class": .from(e.encounterClass), "start": date(e.start),
            "end": date(e.end),
            "location": .from(e.location),
        ]
    }

    static func encode(_ c: Condition) -> JSONValue {
        [
            "display": .string(c.display), "recorded": date(c.recorded), "severity": .from(c.severity),
            "clinicalStatus": .from(c.clinicalStatus), "verificationStatus": .from(c.verificationStatus),
        ]
    }

    static func encode(_ a: Allergy) -> JSONValue {
        [
            "substance": .string(a.substance), "status": .from(a.status), "clinicalStatus": .from(a.clinicalStatus),
            "verificationStatus": .from(a.verificationStatus), "criticality": .from(a.criticality),
            "recorded": date(a.recorded), "note": .from(a.note),
            "reactions": .array(
                a.reactions.map {
                    [
                        "substance": .from($0.substance), "manifestations": strings($0.manifestations),
                        "severity": .from($0.severity),
                    ]
                }),
        ]
    }

    static func encode(_ m: Medication) -> JSONValue {
        [
            "name": .string(m.name), "authored": date(m.authored), "prescriber": .from(m.prescriber),
            "dosage": strings(m.dosage),
            "ended": date(m.ended), "status": .from(m.status),
        ]
    }

    static func encode(_ c: Coverage) -> JSONValue {
        [
            "payor": .from(c.payor), "plan": .from(c.plan), "group": .from(c.group),
            "subscriberId": .from(c.subscriberId),
            "periodStart": date(c.periodStart), "periodEnd": date(c.periodEnd),
        ]
    }

    static func encode(_ w: DataWarning) -> JSONValue {
        ["path": .string(w.path), "value": .from(w.value), "reason": .string(w.reason)]
    }

    // MARK: reading
    static func parse(_ s: String?) throws(StoreError) -> JSONValue {
        guard let s else { throw .corrupt("missing value") }
        do { return try JSONParser.parse(s) } catch { throw .corrupt("unreadable JSON: \(error.description)") }
    }

    static func date(_ j: JSONValue?) -> FHIRDate? { j?.string.map(FHIRDate.init) }
    static func strings(_ j: JSONValue?) -> [String] { (j?.array ?? []).compactMap(\.string) }

    static func patient(_ j: JSONValue) throws(StoreError) -> Patient {
        guard let id = j["id"]?.string else { throw .corrupt("patient without id") }
        var p = Patient(
            id: id, gender: j["gender"]?.string, birthDate: date(j["birthDate"]), mrn: j["mrn"]?.string,
            generalPractitioner: strings(j["generalPractitioner"]))
        if let n = j["name"], n != .null {
            p.name = PersonName(
                family: n["family"]?.string, given: strings(n["given"]), prefix: strings(n["prefix"]),
                suffix: strings(n["suffix"]),
                use: n["use"]?.string, text: n["text"]?.string)
        }
        return p
    }

    static func vital(_ j: JSONValue) -> VitalSign {
        VitalSign(
            code: j["code"]?.string ?? "", display: j["display"]?.string, value: j["value"]?.double,
            unit: j["unit"]?.string,
            text: j["text"]?.string, effective: date(j["effective"]),
            components: (j["components"]?.array ?? []).map { c in
                VitalComponent(
                    code: c["code"]?.string ?? "", display: c["display"]?.string, value: c["value"]?.double,
                    unit: c["unit"]?.string, text: c["text"]?.string, comparator: c["comparator"]?.string)
            },
            comparator: j["comparator"]?.string, valueCodes: strings(j["valueCodes"]))
    }

    static func history(_ j: JSONValue) -> [VitalSign] {
        (j.array ?? []).map { h in
            VitalSign(
                code: h["c"]?.string ?? "", value: h["v"]?.double, unit: h["u"]?.string, text: h["x"]?.string,
                effective: date(h["t"]),
                components: (h["k"]?.array ?? []).map {
                    VitalComponent(code: $0["c"]?.string ?? "", value: $0["v"]?.double)
                },
                comparator: h["q"]?.string, valueCodes: strings(h["y"]))
        }
    }

    static func encounter(_ j: JSONValue) -> Encounter? {
        guard case .object = j else { return nil }
        return Encounter(
            status: j["status"]?.string, type: j["type"]?.string, encounterClass: j["class"]?.string,
            start: date(j["start"]),
            end: date(j["end"]), location: j["location"]?.string)
    }

    static func condition(_ j: JSONValue) -> Condition {
        Condition(
            display: j["display"]?.string ?? "", recorded: date(j["recorded"]), severity: j["severity"]?.string,
            clinicalStatus: j["clinicalStatus"]?.string, verificationStatus: j["verificationStatus"]?.string)
    }

    static func allergy(_ j: JSONValue) -> Allergy {
        Allergy(
            substance: j["substance"]?.string ?? "", status: j["status"]?.string,
            clinicalStatus: j["clinicalStatus"]?.string,
            verificationStatus: j["verificationStatus"]?.string, criticality: j["criticality"]?.string,
            recorded: date(j["recorded"]),
            note: j["note"]?.string,
            reactions: (j["reactions"]?.array ?? []).map {
                AllergyReaction(
                    substance: $0["substance"]?.string, manifestations: strings($0["manifestations"]),
                    severity: $0["severity"]?.string)
            })
    }

    static func medication(_ j: JSONValue) -> Medication {
        Medication(
            name: j["name"]?.string ?? "", authored: date(j["authored"]), prescriber: j["prescriber"]?.string,
            dosage: strings(j["dosage"]),
            ended: date(j["ended"]), status: j["status"]?.string)
    }

    static func coverage(_ j: JSONValue) -> Coverage {
        Coverage(
            payor: j["payor"]?.string, plan: j["plan"]?.string, group: j["group"]?.string,
            subscriberId: j["subscriberId"]?.string,
            periodStart: date(j["periodStart"]), periodEnd: date(j["periodEnd"]))
    }

    static func warning(_ j: JSONValue) -> DataWarning {
        DataWarning(path: j["path"]?.string ?? "", value: j["value"]?.string, reason: j["reason"]?.string ?? "")
    }
}
