import Clinical
import Foundation
import Store

/// What one list row knows: the cached record (if synced), its score, its latest note.
public struct ListRow: Sendable, Equatable {
    public var id: String
    /// The list's view of the cached record: demographics, latest vital signs and the last
    /// encounter; the list sections are summed up in `digest`. `nil` when not synced yet.
    public var record: PatientRecord?
    public var digest: SectionDigest
    /// Scored without each item's value text (`describe: false`); the detail pane scores in full.
    public var news2: NEWS2?
    public var latestNote: Note?
    /// What changed since the list's last round (`nil`: no round yet, or not synced then).
    public var sinceRound: RoundChanges?
    /// The patient's handoff on this list (`nil`: none written).
    public var handoff: Handoff?
    public init(id: String, record: PatientRecord?, digest: SectionDigest? = nil, news2: NEWS2?, latestNote: Note?) {
        self.id = id
        self.record = record
        self.news2 = news2
        self.latestNote = latestNote
        self.digest = digest ?? record.map(SectionDigest.init(record:)) ?? SectionDigest()
    }
}

/// A cell: the text shown, a key to sort by, and whether the value is abnormal (marked by a
/// symbol as well as colour on screen).
public struct CellValue: Sendable, Equatable {
    public var text: String
    public var sortKey: SortKey
    public var abnormal: Bool
    public init(_ text: String, sortKey: SortKey, abnormal: Bool = false) {
        self.text = text
        self.sortKey = sortKey
        self.abnormal = abnormal
    }

    public enum SortKey: Sendable, Equatable, Comparable {
        case missing
        case number(Double)
        case text(String)
        public static func < (a: SortKey, b: SortKey) -> Bool {
            switch (a, b) {
            case (.number(let x), .number(let y)): return x < y
            case (.text(let x), .text(let y)): return x.localizedStandardCompare(y) == .orderedAscending
            case (.missing, .missing): return false
            case (.missing, _): return false
            case (_, .missing): return true
            case (.number, .text): return true
            case (.text, .number): return false
            }
        }
    }
}

/// The columns a list can show (the Patients app's "patient schema").
public enum Column: String, Sendable, CaseIterable, Codable {
    case name, mrn
    case ageSex = "age-sex"
    case birthDate = "birth-date"
    case location
    case encounterStatus = "encounter"
    case news2
    case heartRate = "hr"
    case bloodPressure = "bp"
    case respiratoryRate = "rr"
    case spo2
    case temperature = "temp"
    case vitalsTime = "vitals-time"
    case allergies, conditions
    case medications = "meds"
    case payor, gp
    case latestNote = "note"
    case synced
    /// What changed since the last round (`Δ`).
    case delta
    /// The handoff's illness severity, and who holds the handoff since when.
    case severity
    case heldBy = "held-by"

    /// Name, MRN, age/sex, location, NEWS2, HR, BP, SpO2, temperature, allergies.
    public static let defaults: [Column] = [
        .name, .mrn, .ageSex, .location, .news2, .heartRate, .bloodPressure, .spo2, .temperature, .allergies,
    ]

    public var title: String {
        switch self {
        case .name: return "Name"
        case .mrn: return "MRN"
        case .ageSex: return "Age/Sex"
        case .birthDate: return "Born"
        case .location: return "Location"
        case .encounterStatus: return "Encounter"
        case .news2: return "NEWS2"
        case .heartRate: return "HR"
        case .bloodPressure: return "BP"
        case .respiratoryRate: return "RR"
        case .spo2: return "SpO2"
        case .temperature: return "Temp"
        case .vitalsTime: return "Vitals at"
        case .allergies: return "Allergies"
        case .conditions: return "Conditions"
        case .medications: return "Meds"
        case .payor: return "Payor"
        case .gp: return "GP"
        case .latestNote: return "Latest note"
        case .synced: return "Synced"
        case .delta: return "Δ"
        case .severity: return "Severity"
        case .heldBy: return "Held by"
        }
    }

    /// The record section this column reads (`nil`: demographics, notes or sync time only).
    public var section: ClinicalSection? {
        switch self {
        case .news2, .heartRate, .bloodPressure, .respiratoryRate, .spo2, .temperature, .vitalsTime: return .vitals
        case .location, .encounterStatus: return .encounter
        case .allergies: return .allergies
        case .conditions: return .conditions
        case .medications: return .medications
        case .payor: return .coverage
        case .name, .mrn, .ageSex, .birthDate, .gp, .latestNote, .synced, .delta, .severity, .heldBy: return nil
        }
    }

    /// A width that suits the content on a 120-column screen; the TUI shrinks flexible ones.
    public var preferredWidth: Int {
        switch self {
        case .name: return 22
        case .mrn: return 9
        case .ageSex: return 7
        case .birthDate: return 10
        case .location: return 18
        case .encounterStatus: return 11
        case .news2: return 7
        case .heartRate, .respiratoryRate, .spo2: return 5
        case .bloodPressure: return 7
        case .temperature: return 5
        case .vitalsTime: return 11
        case .allergies, .conditions: return 18
        case .medications: return 4
        case .payor, .gp: return 14
        case .latestNote: return 24
        case .synced: return 11
        case .delta: return 24
        case .severity: return 9
        case .heldBy: return 16
        }
    }

    /// Parses `name,mrn,news2`; unknown names are a usage error naming the valid ones.
    public static func parse(_ list: String) throws -> [Column] {
        try list.split(separator: ",").map { raw in
            let k = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let c = Column(rawValue: k) else {
                throw CoreError.usage(
                    "Unknown column '\(k)'. Columns: \(Column.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return c
        }
    }

    /// The key rows sort by: the same order as `value(_:).sortKey`, without formatting any text.
    public func sortKey(_ row: ListRow, now: Date = Date()) -> CellValue.SortKey {
        guard let r = row.record else { return self == .name ? .text(row.id) : .missing }
        func vital(_ k: VitalKind) -> CellValue.SortKey { r.latest(k)?.value.map(CellValue.SortKey.number) ?? .missing }
        switch self {
        case .news2: return row.news2.map { .number(Double($0.total)) } ?? .missing
        case .heartRate: return vital(.heartRate)
        case .respiratoryRate: return vital(.respiratoryRate)
        case .spo2: return vital(.oxygenSaturation)
        case .bloodPressure:
            return r.latest(.bloodPressure)?.bloodPressure?.systolic.map(CellValue.SortKey.number) ?? .missing
        case .name: return .text(r.patient.displayName)
        default: return value(row, now: now).sortKey
        }
    }

    /// The cell for a row. `mask` shows initials and age instead of name, MRN and birth date.
    public func value(_ row: ListRow, now: Date = Date(), mask: Bool = false) -> CellValue {
        guard let r = row.record else {
            return self == .name
                ? CellValue("(not synced) \(row.id)", sortKey: .text(row.id)) : CellValue("", sortKey: .missing)
        }
        let p = r.patient
        func vital(_ k: VitalKind, abnormal: (Double) -> Bool) -> CellValue {
            guard let v = r.latest(k) else { return CellValue("—", sortKey: .missing) }
            if let x = v.value { return CellValue(VitalSign.number(x), sortKey: .number(x), abnormal: abnormal(x)) }
            return CellValue(v.text ?? "—", sortKey: .missing)
        }
        func text(_ s: String?) -> CellValue {
            s.map { CellValue($0, sortKey: .text($0)) } ?? CellValue("—", sortKey: .missing)
        }
        switch self {
        case .name:
            let n = mask ? (p.name?.initials ?? "?") : p.displayName
            return CellValue(n, sortKey: .text(p.displayName))
        case .mrn:
            return mask ? CellValue("•••", sortKey: .missing) : text(p.mrn)
        case .ageSex:
            let age = p.birthDate?.age(on: now)
            return CellValue(
                "\(age.map(String.init) ?? "?") \(p.sexLetter)", sortKey: age.map { .number(Double($0)) } ?? .missing)
        case .birthDate:
            if mask { return CellValue(p.birthDate?.age(on: now).map { "\($0) y" } ?? "—", sortKey: .missing) }
            return text(p.birthDate?.raw)
        case .location: return text(r.lastEncounter?.location)
        case .encounterStatus: return text(r.lastEncounter?.status)
        case .news2:
            guard let n = row.news2 else { return CellValue("—", sortKey: .missing) }
            let mark = n.band >= .medium || n.hasSingleThree ? "▲" : ""
            // `~`: the vital signs shown are the good copy kept when the last refresh failed.
            let stale = row.record?.state(of: .vitals).stale == true ? "~" : ""
            return CellValue(
                "\(n.total)\(n.isPartial ? "?" : "")\(stale)\(mark)", sortKey: .number(Double(n.total)),
                abnormal: n.band >= .lowMedium)
        case .heartRate: return vital(.heartRate) { NEWS2.pulse(Int($0.rounded())) >= 2 }
        case .respiratoryRate: return vital(.respiratoryRate) { NEWS2.respiration(Int($0.rounded())) >= 2 }
        case .spo2:
            return vital(.oxygenSaturation) {
                NEWS2.saturation(Int($0.rounded()), scale2: row.news2?.scale == 2, onOxygen: false) >= 2
            }
        case .temperature:
            guard let v = r.latest(.bodyTemperature), let x = v.value, let c = Units.celsius(x, unit: v.unit) else {
                return CellValue("—", sortKey: .missing)
            }
            return CellValue(Units.oneDecimal(c), sortKey: .number(c), abnormal: NEWS2.temperature(c) >= 2)
        case .bloodPressure:
            guard let bp = r.latest(.bloodPressure)?.bloodPressure else { return CellValue("—", sortKey: .missing) }
            let s = bp.systolic.map(VitalSign.number) ?? "?"
            let d = bp.diastolic.map(VitalSign.number) ?? "?"
            return CellValue(
                "\(s)/\(d)", sortKey: bp.systolic.map { .number($0) } ?? .missing,
                abnormal: bp.systolic.map { NEWS2.systolic(Int($0.rounded())) >= 2 } ?? false)
        case .vitalsTime:
            let t = r.latestVitals.compactMap { $0.effective?.instant }.max()
            return t.map { CellValue(Age.short($0, now: now), sortKey: .number($0.timeIntervalSince1970)) }
                ?? CellValue("—", sortKey: .missing)
        case .allergies:
            let d = row.digest
            guard d.activeAllergies > 0, let first = d.firstAllergy else {
                return CellValue(d.allergiesEmpty ? "none" : "—", sortKey: .number(0))
            }
            return CellValue(
                d.activeAllergies > 1 ? "\(d.activeAllergies): \(first)" : first,
                sortKey: .number(Double(d.activeAllergies)), abnormal: true)
        case .conditions:
            let d = row.digest
            guard d.conditions > 0, let first = d.firstCondition else { return CellValue("—", sortKey: .number(0)) }
            return CellValue(
                d.conditions > 1 ? "\(d.conditions): \(first)" : first, sortKey: .number(Double(d.conditions)))
        case .medications:
            return CellValue(String(row.digest.medications), sortKey: .number(Double(row.digest.medications)))
        case .payor: return text(row.digest.payor)
        case .gp: return text(p.generalPractitioner.first)
        case .latestNote:
            guard let n = row.latestNote else { return CellValue("—", sortKey: .missing) }
            return CellValue(
                n.text.split(separator: "\n").first.map(String.init) ?? "",
                sortKey: .number(n.createdAt.timeIntervalSince1970))
        case .synced:
            guard let f = r.fetchedAt else { return CellValue("—", sortKey: .missing) }
            return CellValue(Age.short(f, now: now), sortKey: .number(f.timeIntervalSince1970))
        case .severity:
            guard let severity = row.handoff?.severity else { return CellValue("—", sortKey: .missing) }
            let rank: Double = severity == .unstable ? 3 : (severity == .watcher ? 2 : 1)
            return CellValue(severity.rawValue, sortKey: .number(rank), abnormal: severity == .unstable)
        case .heldBy:
            guard let by = row.handoff?.acceptedBy, let at = row.handoff?.acceptedAt else {
                return CellValue("—", sortKey: .missing)
            }
            return CellValue("\(by) \(Age.short(at, now: now))", sortKey: .number(at.timeIntervalSince1970))
        case .delta:
            // No round yet (or not synced then): nothing to compare, said as "—", not as "no change".
            guard let changes = row.sinceRound else { return CellValue("—", sortKey: .missing) }
            let rise = (changes.news2To ?? 0) - (changes.news2From ?? 0)
            return CellValue(
                changes.isEmpty ? "·" : changes.brief, sortKey: .number(Double(rise)),
                abnormal: changes.news2Changed && rise > 0 || !changes.abnormalVitals.isEmpty)
        }
    }
}
