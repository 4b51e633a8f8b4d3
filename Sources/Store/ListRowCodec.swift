import Foundation
import Clinical

/// A cached patient as a list row needs it (demographics, latest vital signs, last encounter and
/// the section digest) in one compact text, written at save time and read without building a
/// JSON tree. Opening a 1,000-patient list decoded three JSON documents per patient before; this
/// is one pass over ~600 bytes.
///
/// Layout: `L1`, then groups separated by RS (0x1E): patient, encounter, digest, then one group
/// per vital sign. Fields inside a group are separated by US (0x1F); list items inside a field by
/// GS (0x1D); a component's fields by FS (0x1C). Control characters inside values become spaces
/// (the full sections keep the exact text; this is only the row).
enum ListRowCodec {
    static let version = "L1"
    private static let rs: UInt8 = 0x1E, us: UInt8 = 0x1F, gs: UInt8 = 0x1D, fs: UInt8 = 0x1C

    // MARK: writing

    static func encode(_ r: PatientRecord) -> String {
        var out: [UInt8] = Array(version.utf8)
        func field(_ s: String?, sep: UInt8 = us) {
            out.append(sep)
            guard let s else { return }
            for b in s.utf8 { out.append(b < 0x20 ? 0x20 : b) }
        }
        func list(_ items: [String]) {
            out.append(us)
            for (k, s) in items.enumerated() {
                if k > 0 { out.append(gs) }
                for b in s.utf8 { out.append(b < 0x20 ? 0x20 : b) }
            }
        }
        func number(_ d: Double?) -> String? { d.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) } }
        let p = r.patient
        out.append(rs)
        out.append(contentsOf: Array("P".utf8))
        field(p.id); field(p.gender); field(p.birthDate?.raw); field(p.mrn); list(p.generalPractitioner)
        field(p.name == nil ? nil : "1")
        field(p.name?.family); list(p.name?.given ?? []); list(p.name?.prefix ?? []); list(p.name?.suffix ?? [])
        field(p.name?.use); field(p.name?.text)
        out.append(rs)
        out.append(contentsOf: Array("E".utf8))
        if let e = r.lastEncounter {
            field("1"); field(e.status); field(e.type); field(e.encounterClass); field(e.start?.raw); field(e.end?.raw); field(e.location)
        }
        let d = SectionDigest(record: r)
        out.append(rs)
        out.append(contentsOf: Array("D".utf8))
        field(String(d.activeAllergies)); field(d.firstAllergy); field(d.allergiesEmpty ? "1" : nil)
        field(String(d.conditions)); field(d.firstCondition); field(String(d.medications)); field(d.payor)
        for v in r.latestVitals {
            out.append(rs)
            out.append(contentsOf: Array("V".utf8))
            field(v.code); field(v.display); field(number(v.value)); field(v.unit); field(v.text); field(v.effective?.raw)
            out.append(us)
            for (k, c) in v.components.enumerated() {
                if k > 0 { out.append(gs) }
                let parts = [c.code, c.display, number(c.value), c.unit, c.text]
                for (j, s) in parts.enumerated() {
                    if j > 0 { out.append(fs) }
                    if let s { for b in s.utf8 { out.append(b < 0x20 ? 0x20 : b) } }
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: reading

    /// The list's view of a patient: a record with demographics, latest vitals and the last
    /// encounter (other sections left empty), and the digest. `nil` for text in another layout.
    static func decode(_ text: String) -> (PatientRecord, SectionDigest)? {
        var text = text
        return text.withUTF8 { bytes -> (PatientRecord, SectionDigest)? in
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "L"), bytes[1] == UInt8(ascii: "1") else { return nil }
            var patient: Patient?
            var encounter: Encounter?
            var digest = SectionDigest()
            var vitals: [VitalSign] = []
            for group in split(bytes[2...], rs) where !group.isEmpty {
                let tag = group[group.startIndex]
                let fields = split(group[(group.startIndex + 1)...], us).dropFirst()  // text before the first US is the tag
                let f = Array(fields)
                func s(_ i: Int) -> String? { i < f.count && !f[i].isEmpty ? String(decoding: f[i], as: UTF8.self) : nil }
                func l(_ i: Int) -> [String] { i < f.count && !f[i].isEmpty ? split(f[i], gs).map { String(decoding: $0, as: UTF8.self) } : [] }
                func n(_ i: Int) -> Double? { s(i).flatMap(Double.init) }
                switch tag {
                case UInt8(ascii: "P"):
                    guard let id = s(0) else { return nil }
                    let name = s(5) == nil ? nil : PersonName(family: s(6), given: l(7), prefix: l(8), suffix: l(9), use: s(10), text: s(11))
                    patient = Patient(id: id, name: name, gender: s(1), birthDate: s(2).map(FHIRDate.init), mrn: s(3), generalPractitioner: l(4))
                case UInt8(ascii: "E"):
                    if s(0) != nil {
                        encounter = Encounter(status: s(1), type: s(2), encounterClass: s(3), start: s(4).map(FHIRDate.init),
                                              end: s(5).map(FHIRDate.init), location: s(6))
                    }
                case UInt8(ascii: "D"):
                    digest = SectionDigest(activeAllergies: Int(s(0) ?? "") ?? 0, firstAllergy: s(1), allergiesEmpty: s(2) != nil,
                                           conditions: Int(s(3) ?? "") ?? 0, firstCondition: s(4), medications: Int(s(5) ?? "") ?? 0, payor: s(6))
                case UInt8(ascii: "V"):
                    guard let code = s(0) else { continue }
                    var components: [VitalComponent] = []
                    if f.count > 6, !f[6].isEmpty {
                        for c in split(f[6], gs) {
                            let p = split(c, fs).map { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) }
                            guard let cc = p.first ?? nil else { continue }
                            func at(_ i: Int) -> String? { i < p.count ? p[i] : nil }
                            components.append(VitalComponent(code: cc, display: at(1), value: at(2).flatMap(Double.init), unit: at(3), text: at(4)))
                        }
                    }
                    vitals.append(VitalSign(code: code, display: s(1), value: n(2), unit: s(3), text: s(4), effective: s(5).map(FHIRDate.init),
                                            components: components))
                default:
                    continue
                }
            }
            guard let patient else { return nil }
            return (PatientRecord(patient: patient, latestVitals: vitals, lastEncounter: encounter), digest)
        }
    }

    /// Splits on one byte, keeping empty pieces (an empty field is an absent value).
    private static func split(_ s: Slice<UnsafeBufferPointer<UInt8>>, _ sep: UInt8) -> [Slice<UnsafeBufferPointer<UInt8>>] {
        var out: [Slice<UnsafeBufferPointer<UInt8>>] = []
        var start = s.startIndex
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == sep { out.append(s[start..<i]); start = i + 1 }
            i += 1
        }
        out.append(s[start..<s.endIndex])
        return out
    }
}
