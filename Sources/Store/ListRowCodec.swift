import Clinical
import Foundation

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
        func text(_ s: String?) {
            guard let s else { return }
            for b in s.utf8 { out.append(b < 0x20 ? 0x20 : b) }
        }
        func group(_ tag: Character) {
            out.append(rs)
            out.append(tag.asciiValue!)
        }
        func field(_ s: String?) {
            out.append(us)
            text(s)
        }
        /// Items of one field (GS between them); an item's parts (a component's code, value…) FS.
        func list(_ items: [[String?]]) {
            out.append(us)
            for (k, parts) in items.enumerated() {
                if k > 0 { out.append(gs) }
                for (j, part) in parts.enumerated() {
                    if j > 0 { out.append(fs) }
                    text(part)
                }
            }
        }
        func strings(_ a: [String]) { list(a.map { [$0] }) }
        func number(_ d: Double?) -> String? {
            d.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) }
        }
        let p = r.patient
        group("P")
        field(p.id)
        field(p.gender)
        field(p.birthDate?.raw)
        field(p.mrn)
        strings(p.generalPractitioner)
        field(p.name == nil ? nil : "1")
        field(p.name?.family)
        strings(p.name?.given ?? [])
        strings(p.name?.prefix ?? [])
        strings(p.name?.suffix ?? [])
        field(p.name?.use)
        field(p.name?.text)
        group("E")
        if let e = r.lastEncounter {
            field("1")
            field(e.status)
            field(e.type)
            field(e.encounterClass)
            field(e.start?.raw)
            field(e.end?.raw)
            field(e.location)
        }
        let d = SectionDigest(record: r)
        group("D")
        field(String(d.activeAllergies))
        field(d.firstAllergy)
        field(d.allergiesEmpty ? "1" : nil)
        field(String(d.conditions))
        field(d.firstCondition)
        field(String(d.medications))
        field(d.payor)
        for v in r.latestVitals {
            group("V")
            field(v.code)
            field(v.display)
            field(number(v.value))
            field(v.unit)
            field(v.text)
            field(v.effective?.raw)
            list(v.components.map { [$0.code, $0.display, number($0.value), $0.unit, $0.text, $0.comparator] })
            field(v.comparator)
            strings(v.valueCodes)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: reading

    /// The list's view of a patient: a record with demographics, latest vitals and the last
    /// encounter (other sections left empty), and the digest. `nil` for text in another layout.
    static func decode(_ text: String) -> (PatientRecord, SectionDigest)? {
        var text = text
        return text.withUTF8 { b -> (PatientRecord, SectionDigest)? in
            guard b.starts(with: version.utf8) else { return nil }
            var patient: Patient?
            var encounter: Encounter?
            var digest = SectionDigest()
            var vitals: [VitalSign] = []
            vitals.reserveCapacity(10)
            // Field ranges of the current group, reused for every group (one pass, no splitting).
            var f: [Range<Int>] = []
            f.reserveCapacity(16)
            func str(_ r: Range<Int>) -> String? {
                r.isEmpty ? nil : String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
            }
            func pieces(_ r: Range<Int>, _ sep: UInt8) -> [Range<Int>] {
                var out: [Range<Int>] = []
                var start = r.lowerBound
                for i in r where b[i] == sep {
                    out.append(start..<i)
                    start = i + 1
                }
                out.append(start..<r.upperBound)
                return out
            }
            // Vital signs charted together share one time: parse it once.
            var lastDate: (raw: String, date: FHIRDate)?
            func date(_ raw: String?) -> FHIRDate? {
                guard let raw else { return nil }
                if let lastDate, lastDate.raw == raw { return lastDate.date }
                let d = FHIRDate(raw)
                lastDate = (raw, d)
                return d
            }
            var i = version.utf8.count
            while i < b.count {
                guard b[i] == rs, i + 1 < b.count else {
                    i += 1
                    continue
                }
                let tag = b[i + 1]
                var j = i + 2
                f.removeAll(keepingCapacity: true)
                var fieldStart = -1
                while j < b.count, b[j] != rs {
                    if b[j] == us {
                        if fieldStart >= 0 { f.append(fieldStart..<j) }
                        fieldStart = j + 1
                    }
                    j += 1
                }
                if fieldStart >= 0 { f.append(fieldStart..<j) }
                i = j
                func s(_ k: Int) -> String? { k < f.count ? str(f[k]) : nil }
                func l(_ k: Int) -> [String] {
                    k < f.count && !f[k].isEmpty ? pieces(f[k], gs).map { str($0) ?? "" } : []
                }
                func n(_ k: Int) -> Double? { s(k).flatMap { Double($0) } }
                switch tag {
                case UInt8(ascii: "P"):
                    guard let id = s(0) else { return nil }
                    let name =
                        s(5) == nil
                        ? nil
                        : PersonName(family: s(6), given: l(7), prefix: l(8), suffix: l(9), use: s(10), text: s(11))
                    patient = Patient(
                        id: id, name: name, gender: s(1), birthDate: s(2).map(FHIRDate.init), mrn: s(3),
                        generalPractitioner: l(4))
                case UInt8(ascii: "E"):
                    if s(0) != nil {
                        encounter = Encounter(
                            status: s(1), type: s(2), encounterClass: s(3), start: s(4).map(FHIRDate.init),
                            end: s(5).map(FHIRDate.init), location: s(6))
                    }
                case UInt8(ascii: "D"):
                    digest = SectionDigest(
                        activeAllergies: Int(s(0) ?? "") ?? 0, firstAllergy: s(1), allergiesEmpty: s(2) != nil,
                        conditions: Int(s(3) ?? "") ?? 0, firstCondition: s(4), medications: Int(s(5) ?? "") ?? 0,
                        payor: s(6))
                case UInt8(ascii: "V"):
                    guard let code = s(0) else { continue }
                    var components: [VitalComponent] = []
                    if f.count > 6, !f[6].isEmpty {
                        for c in pieces(f[6], gs) {
                            let p = pieces(c, fs).map(str)
                            guard let cc = p.first ?? nil else { continue }
                            func at(_ k: Int) -> String? { k < p.count ? p[k] : nil }
                            components.append(
                                VitalComponent(
                                    code: cc, display: at(1), value: at(2).flatMap(Double.init), unit: at(3),
                                    text: at(4), comparator: at(5)))
                        }
                    }
                    vitals.append(
                        VitalSign(
                            code: code, display: s(1), value: n(2), unit: s(3), text: s(4), effective: date(s(5)),
                            components: components, comparator: s(7), valueCodes: l(8)))
                default:
                    continue
                }
            }
            guard let patient else { return nil }
            return (PatientRecord(patient: patient, latestVitals: vitals, lastEncounter: encounter), digest)
        }
    }

}
