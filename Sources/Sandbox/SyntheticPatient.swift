import Clinical
import Foundation

/// A synthetic patient held by the sandbox, independent of any FHIR release; the renderers
/// write it in DSTU2, STU3 or R4 shape. All names and numbers are invented.
struct SyntheticPatient: Sendable {
    struct Vital: Sendable {
        var time: Date
        var code: String
        var display: String
        var value: Double
        var unit: String
        var text: String? = nil
    }
    struct Pressure: Sendable {
        var time: Date
        var systolic: Double
        var diastolic: Double
    }
    struct Problem: Sendable {
        var code: String
        var display: String
        var recorded: String
        var severity: String
    }
    struct AllergyItem: Sendable {
        var substance: String
        var manifestation: String
        var criticality: String
        var recorded: String
        var confirmed: Bool
    }
    struct Order: Sendable {
        var name: String
        var dosage: String
        var authored: String
        var prescriber: String
    }
    struct Plan: Sendable {
        var payor: String
        var plan: String
        var group: String
        var subscriberId: String
        var start: String
        var end: String
    }

    var id: String
    var family: String
    var given: [String]
    var prefix: String?
    var gender: String
    var birthDate: String
    var mrn: String
    var ssn: String
    var gp: String
    var encounterStart: Date
    var location: String
    var vitals: [Vital]
    var pressures: [Pressure]
    var problems: [Problem]
    var allergies: [AllergyItem]
    var orders: [Order]
    var coverage: Plan
    var deteriorating: Bool
}

/// Deterministic synthetic patients per tenant and seed.
enum SyntheticPopulation {
    static let families = [
        "Black", "Chau", "Nguyễn", "Ångström", "O'Brien", "Müller", "García", "Okafor", "Kowalski", "Haddad",
        "Fitzgerald", "Tanaka", "Søndergaard", "Dubois", "Ivanova", "Papadopoulos", "Mbeki", "Rossi", "Singh", "Kim",
        "Lindqvist", "Abernathy", "Quillfeather", "Nakamura", "Oyelaran", "Horvath", "Ó Súilleabháin", "Zielińska",
        "Delacroix", "Bergström",
    ]
    static let femaleGiven = [
        "Ruth", "Zoë", "Amara", "Chloé", "Ingrid", "Mei", "Aisha", "Elena", "Siobhán", "Hana", "Beatriz", "Noor",
        "Greta", "Olúwaseun", "Maja",
    ]
    static let maleGiven = [
        "Hugh", "José", "Björn", "Tomasz", "Kenji", "Rafael", "Emeka", "Liam", "Søren", "Dmitri", "Ahmed", "Mateo",
        "Jürgen", "Wei", "Bartholomew",
    ]
    static let middle = ["C.", "J.", "A.", "M.", "", "", "", "R.", "", "E."]
    static let units = ["4 West", "ICU Step-down", "5 North", "Cardiac Unit", "Oncology 3"]
    static let mrnSystem = "urn:oid:2.16.840.1.113883.19.5.99999.1"

    /// The unit (ward) part of a patient's bed, `4 West` of `4 West, Room 412, Bed B`.
    static func unit(of p: SyntheticPatient) -> String {
        p.location.split(separator: ",").first.map { String($0) } ?? p.location
    }

    static func wardId(_ unit: String) -> String { "ward-" + slug(unit) }

    static func organizationId(_ name: String) -> String { "org-" + slug(name) }

    static func slug(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
    static let problems: [(String, String)] = [
        ("38341003", "Hypertensive disorder"), ("44054006", "Type 2 diabetes mellitus"),
        ("195967001", "Asthma"), ("13645005", "Chronic obstructive lung disease"), ("233604007", "Pneumonia"),
        ("84114007", "Heart failure"), ("49436004", "Atrial fibrillation"), ("40055000", "Chronic kidney disease"),
        ("91302008", "Sepsis"), ("22298006", "Myocardial infarction"), ("230690007", "Stroke"),
        ("35489007", "Depressive disorder"),
    ]
    static let substances: [(String, String)] = [
        ("Penicillin V", "Anaphylaxis"), ("Peanut", "Urticaria"), ("Latex", "Contact dermatitis"),
        ("Sulfonamide", "Rash"), ("Codeine", "Nausea and vomiting"), ("Shellfish", "Angioedema"),
        ("Iodinated contrast", "Hives"),
    ]
    static let drugs: [(String, String)] = [
        ("Labetalol 200 mg tablet", "200 mg twice daily"), ("Metformin 500 mg tablet", "500 mg with meals"),
        ("Furosemide 40 mg tablet", "40 mg every morning"), ("Apixaban 5 mg tablet", "5 mg twice daily"),
        ("Salbutamol 100 mcg inhaler", "2 puffs every 4 hours as needed"),
        ("Piperacillin-tazobactam 4.5 g IV", "4.5 g every 8 hours"),
        ("Paracetamol 1 g tablet", "1 g every 6 hours as needed"), ("Enoxaparin 40 mg injection", "40 mg once daily"),
    ]
    static let prescribers = ["Dr A. Nwosu", "Dr J. Park", "Dr L. Moreau", "Dr S. Patel", "Dr K. Eriksen"]
    static let payors: [(String, String)] = [
        ("Contoso Health", "Contoso Gold PPO"), ("Fabrikam Insurance", "Fabrikam Silver HMO"),
        ("Northwind Mutual", "Northwind Basic"), ("Medicare", "Part A"),
    ]

    /// `count` patients for `tenant`, the same for the same seed; vitals end at `anchor`.
    static func generate(tenant: String, count: Int, seed: UInt64, anchor: Date) -> [SyntheticPatient] {
        var rng = Mix64(seed: seed ^ fnv(tenant))
        let prefix = String(tenant.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(6))
        return (0..<count).map { n in make(n, prefix: prefix, rng: &rng, anchor: anchor) }
    }

    static func make(_ n: Int, prefix: String, rng: inout Mix64, anchor: Date) -> SyntheticPatient {
        let female = rng.chance(0.5)
        let given = [pick(female ? femaleGiven : maleGiven, &rng), pick(middle, &rng)].filter { !$0.isEmpty }
        let age = rng.int(18...100)
        let year = Calendar(identifier: .gregorian).component(.year, from: anchor) - age
        let month = rng.int(1...12)
        let day = month == 2 ? rng.int(1...29) : rng.int(1...28)
        let birth = String(
            format: "%04d-%02d-%02d", year - (month > 11 ? 1 : 0), month,
            (month == 2 && day == 29 && !(year % 4 == 0)) ? 28 : day)
        let deteriorating = rng.chance(0.2)
        let onOxygen = deteriorating && rng.chance(0.6)
        let start = anchor.addingTimeInterval(-Double(rng.int(80...200)) * 3600)
        var vitals: [SyntheticPatient.Vital] = []
        var pressures: [SyntheticPatient.Pressure] = []
        // Baselines; a deteriorating patient drifts towards a high NEWS2 over the 3 days.
        let hr0 = Double(rng.int(62...88))
        let rr0 = Double(rng.int(13...18))
        let sys0 = Double(rng.int(112...145))
        let spo0 = Double(rng.int(95...99))
        let temp0 = 36.4 + Double(rng.int(0...6)) / 10
        for k in 0..<18 {
            let t = anchor.addingTimeInterval(-Double(17 - k) * 4 * 3600 - Double(rng.int(0...20)) * 60)
            let f = deteriorating ? Double(k) / 17 : 0
            let noise = { (r: inout Mix64, s: Int) in Double(r.int(-s...s)) }
            let hr = hr0 + f * 40 + noise(&rng, 3)
            let rr = rr0 + f * 9 + noise(&rng, 1)
            let sys = sys0 - f * 40 + noise(&rng, 4)
            let dia = (sys * 0.62).rounded() + noise(&rng, 2)
            let spo = min(100, spo0 - f * 6 + noise(&rng, 1))
            let temp = ((temp0 + f * 2.2 + noise(&rng, 1) / 10) * 10).rounded() / 10
            vitals.append(.init(time: t, code: "8867-4", display: "Heart rate", value: hr, unit: "/min"))
            vitals.append(.init(time: t, code: "9279-1", display: "Respiratory rate", value: rr, unit: "/min"))
            vitals.append(
                .init(
                    time: t, code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry",
                    value: spo, unit: "%"))
            vitals.append(.init(time: t, code: "8310-5", display: "Body temperature", value: temp, unit: "Cel"))
            pressures.append(.init(time: t, systolic: sys, diastolic: dia))
            // Inspired oxygen with every set of observations: 21 % is room air.
            let fio2 = onOxygen && k >= 12 ? Double(24 + 4 * (k - 12)) : 21
            vitals.append(
                .init(time: t, code: "3150-0", display: "Inhaled oxygen concentration", value: fio2, unit: "%"))
            do {
                let avpu = deteriorating && k == 17 && rng.chance(0.4) ? "New confusion" : "Alert"
                vitals.append(
                    .init(time: t, code: "80288-4", display: "Level of consciousness", value: 0, unit: "", text: avpu))
            }
        }
        vitals.append(
            .init(time: start, code: "8302-2", display: "Body height", value: Double(rng.int(150...195)), unit: "cm"))
        vitals.append(
            .init(time: start, code: "29463-7", display: "Body weight", value: Double(rng.int(48...120)), unit: "kg"))
        let nProblems = rng.int(1...4)
        var problemsOut: [SyntheticPatient.Problem] = []
        for _ in 0..<nProblems {
            let p = pick(problems, &rng)
            if problemsOut.contains(where: { $0.code == p.0 }) { continue }
            problemsOut.append(
                .init(
                    code: p.0, display: p.1,
                    recorded: String(format: "%04d-%02d-%02d", rng.int(2010...2025), rng.int(1...12), rng.int(1...28)),
                    severity: pick(["Mild", "Moderate", "Severe"], &rng)))
        }
        var allergies: [SyntheticPatient.AllergyItem] = []
        for _ in 0..<rng.int(0...2) {
            let s = pick(substances, &rng)
            if allergies.contains(where: { $0.substance == s.0 }) { continue }
            allergies.append(
                .init(
                    substance: s.0, manifestation: s.1, criticality: pick(["low", "high"], &rng),
                    recorded: String(format: "%04d-%02d-%02d", rng.int(1990...2025), rng.int(1...12), rng.int(1...28)),
                    confirmed: rng.chance(0.8)))
        }
        var orders: [SyntheticPatient.Order] = []
        for _ in 0..<rng.int(1...4) {
            let d = pick(drugs, &rng)
            if orders.contains(where: { $0.name == d.0 }) { continue }
            orders.append(
                .init(
                    name: d.0, dosage: d.1,
                    authored: FHIRTime.string(start.addingTimeInterval(Double(rng.int(1...40)) * 3600)),
                    prescriber: pick(prescribers, &rng)))
        }
        let pay = pick(payors, &rng)
        let unit = pick(units, &rng)
        let room = rng.int(100...599)
        let mrn = String(format: "%07d", 1_000_000 + rng.int(0...8_999_999))
        return SyntheticPatient(
            id: "\(prefix)-\(String(format: "%04d", n + 1))", family: pick(families, &rng), given: given,
            prefix: rng.chance(0.3) ? (female ? "Ms" : "Mr") : nil,
            gender: female ? "female" : "male", birthDate: birth, mrn: mrn,
            ssn: String(format: "999-%02d-%04d", rng.int(10...99), rng.int(1000...9999)),
            gp: "Dr \(pick(["Jane Doe", "Omar Farouk", "Priya Raman", "Tom Ellis"], &rng))",
            encounterStart: start, location: "\(unit), Room \(room), Bed \(pick(["A", "B"], &rng))",
            vitals: vitals, pressures: pressures, problems: problemsOut, allergies: allergies, orders: orders,
            coverage: .init(
                payor: pay.0, plan: pay.1, group: "GRP-\(rng.int(100...999))",
                subscriberId: "SUB\(rng.int(100000...999999))",
                start: "2026-01-01", end: "2026-12-31"),
            deteriorating: deteriorating)
    }

    /// The escapes of a hostile record (`--hostile-text`): an OSC window title, clear screen and red,
    /// a C1 CSI, a right-to-left override and a zero-width space, in the name, a problem, an order
    /// and the location.
    static let hostileFamily = "Evil\u{1b}]0;pwned\u{07}\u{1b}[2J\u{1b}[31m"

    static func makeHostile(_ p: inout SyntheticPatient) {
        p.family = hostileFamily
        if !p.problems.isEmpty { p.problems[0].display = "Sepsis \u{202E}gnissim\u{202C} suspected" }
        if !p.orders.isEmpty { p.orders[0].dosage = "\u{9b}31m10 mg\u{200B} daily" }
        p.location = "4 West\u{1b}[8m, Room 9"
    }

    static func pick<T>(_ xs: [T], _ rng: inout Mix64) -> T { xs[rng.int(0...(xs.count - 1))] }

    /// FNV-1a: a stable hash (Swift's `hashValue` changes between runs).
    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

/// SplitMix64: deterministic across platforms and runs.
struct Mix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ r: ClosedRange<Int>) -> Int {
        r.lowerBound + Int(next() % UInt64(r.upperBound - r.lowerBound + 1))
    }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
}

/// FHIR dateTime text for sandbox output.
enum FHIRTime {
    /// `YYYY-MM-DDThh:mm:ssZ` in UTC, as the client writes its instants (by arithmetic: Calendar
    /// and String(format:) cost more than the rest of rendering an observation).
    static func string(_ d: Date) -> String { FHIRDate.iso8601(d) }
}
