import Clinical
import Foundation

/// National Early Warning Score 2 (Royal College of Physicians, 2017) from a patient's latest
/// vital signs. A parameter with no value, or older than the staleness limit, scores 0 and makes
/// the score *partial*, naming what is missing; a partial score is never shown as complete.
public struct NEWS2: Sendable, Equatable, Codable {
    public enum Parameter: String, Sendable, Codable, CaseIterable {
        case respirationRate = "respiration rate"
        case oxygenSaturation = "SpO2"
        case airOrOxygen = "air or oxygen"
        case systolicBP = "systolic BP"
        case pulse = "pulse"
        case consciousness = "consciousness"
        case temperature = "temperature"
    }

    public enum Band: String, Sendable, Codable, Comparable {
        case routine, low
        case lowMedium = "low-medium"
        case medium, high

        public static func < (a: Band, b: Band) -> Bool { a.rank < b.rank }

        private var rank: Int {
            switch self {
            case .routine: return 0
            case .low: return 1
            case .lowMedium: return 2
            case .medium: return 3
            case .high: return 4
            }
        }

        /// The clinical response the band calls for.
        public var response: String {
            switch self {
            case .routine: return "routine monitoring"
            case .low: return "ward-based response"
            case .lowMedium: return "urgent ward-based response"
            case .medium: return "urgent response"
            case .high: return "emergency response"
            }
        }

        public var label: String {
            switch self {
            case .routine: return "ROUTINE"
            case .low: return "LOW"
            case .lowMedium: return "LOW-MED"
            case .medium: return "MEDIUM"
            case .high: return "HIGH"
            }
        }
    }

    public struct Item: Sendable, Equatable, Codable {
        public var parameter: Parameter
        public var value: String?
        public var points: Int
        /// `scored`, `missing` or `stale`.
        public var state: String
    }

    public var total: Int
    public var band: Band
    public var items: [Item]
    /// 1, or 2 for a patient marked hypercapnic.
    public var scale: Int
    /// How a value was read where it could be misread (a temperature sent without a unit).
    public var notes: [String] = []

    public var missing: [Parameter] { items.filter { $0.state == "missing" }.map(\.parameter) }
    public var stale: [Parameter] { items.filter { $0.state == "stale" }.map(\.parameter) }
    public var isPartial: Bool { items.contains { $0.state == "missing" || $0.state == "stale" } }
    public var hasSingleThree: Bool { items.contains { $0.points == 3 } }

    /// `NEWS2 7 HIGH` or `NEWS2 5 MEDIUM (partial: consciousness unknown, temperature stale)`.
    public var summary: String {
        var s = "NEWS2 \(total) \(band.label)"
        if isPartial { s += " (partial: \(partialReason))" }
        return s
    }

    public var partialReason: String {
        (missing.map { "\($0.rawValue) unknown" } + stale.map { "\($0.rawValue) stale" }).joined(separator: ", ")
    }

    /// Scores a record's latest vitals as of `now`.
    /// - Parameter describe: false leaves each item's `value` text out (a list of a thousand needs
    ///   totals, bands and what is missing or stale, not "118 /min" for every patient).
    public static func score(
        _ r: PatientRecord, hypercapnic: Bool = false, now: Date = Date(), staleAfter: TimeInterval = 24 * 3600,
        describe: Bool = true
    ) -> NEWS2 {
        func reading(_ kind: VitalKind) -> (VitalSign?, String) {
            guard let v = r.latest(kind) else { return (nil, "missing") }
            guard let t = v.effective?.instant, now.timeIntervalSince(t) <= staleAfter else { return (v, "stale") }
            return (v, "scored")
        }
        var items: [Item] = []
        items.reserveCapacity(7)
        func add(_ p: Parameter, _ value: @autoclosure () -> String?, _ points: Int?, _ state: String) {
            let ok = state == "scored" && points != nil
            items.append(
                Item(
                    parameter: p, value: describe ? value() : nil, points: ok ? points! : 0,
                    state: ok ? "scored" : (state == "scored" ? "missing" : state)))
        }
        let (rr, rrState) = reading(.respiratoryRate)
        add(
            .respirationRate, rr?.formatted, rr.flatMap { certain($0, in: 0...80) { respiration(Int($0.rounded())) } },
            rrState)

        let oxygen = onOxygen(r, now: now, staleAfter: staleAfter, describe: describe)
        let (sp, spState) = reading(.oxygenSaturation)
        let onO2 = oxygen.value ?? false
        let spPoints = sp.flatMap {
            certain($0, in: 0...100) { saturation(Int($0.rounded()), scale2: hypercapnic, onOxygen: onO2) }
        }
        add(.oxygenSaturation, sp?.formatted, spPoints, spState)
        add(
            .airOrOxygen, oxygen.value.map { ($0 ? "oxygen" : "air") + (oxygen.source.map { " (\($0))" } ?? "") },
            oxygen.value.map { $0 ? 2 : 0 }, oxygen.state)

        let (bp, bpState) = reading(.bloodPressure)
        let sys = bp?.bloodPressure?.systolic
        let sysComparator = bp?.components.first { $0.code == VitalKind.systolic.loinc }?.comparator
        let sysPoints = sys.flatMap { value in
            certain(value: value, comparator: sysComparator, in: 0...300) { systolic(Int($0.rounded())) }
        }
        add(.systolicBP, sys.map { (sysComparator ?? "") + VitalSign.number($0) + " mmHg" }, sysPoints, bpState)

        let (hr, hrState) = reading(.heartRate)
        add(.pulse, hr?.formatted, hr.flatMap { certain($0, in: 0...300) { pulse(Int($0.rounded())) } }, hrState)

        let (c, cState) = reading(.consciousness)
        let acvpu = c.flatMap { ChartedWords.consciousness(text: $0.text ?? $0.display, codes: $0.valueCodes) }
        add(.consciousness, c?.text, acvpu.map { $0 == .alert ? 0 : 3 }, cState)

        let (t, tState) = reading(.bodyTemperature)
        var notes: [String] = []
        if let t, let value = t.value, Units.display(t.unit).isEmpty {
            notes.append(Units.unitlessTemperatureNote(value))
        }
        let celsius = t.flatMap { v in v.value.flatMap { Units.celsius($0, unit: v.unit) } }
        let tempPoints = t.flatMap { v in
            celsius.flatMap { c in
                certain(value: c, comparator: v.comparator, in: 25...45, step: 0.1, score: temperature)
            }
        }
        add(.temperature, celsius.map { (t?.comparator ?? "") + Units.oneDecimal($0) + " °C" }, tempPoints, tState)

        let total = items.reduce(0) { $0 + $1.points }
        let singleThree = items.contains { $0.points == 3 }
        return NEWS2(
            total: total, band: band(total: total, singleThree: singleThree), items: items, scale: hypercapnic ? 2 : 1,
            notes: notes)
    }

    /// The points of a reading, or `nil` when they are not certain: a bounded value (`<85`) scores
    /// only when every value it allows scores the same (SpO2 `<85` is 3 on scale 1; heart rate
    /// `<100` could be 0, 1 or 3).
    static func certain(_ v: VitalSign, in plausible: ClosedRange<Double>, score: (Double) -> Int) -> Int? {
        guard let value = v.value else { return nil }
        return certain(value: value, comparator: v.comparator, in: plausible, score: score)
    }

    static func certain(
        value: Double, comparator: String?, in plausible: ClosedRange<Double>, step: Double = 1,
        score: (Double) -> Int
    ) -> Int? {
        guard let comparator else { return score(value) }
        let range: ClosedRange<Double>
        switch comparator {
        case "<": range = plausible.lowerBound...max(plausible.lowerBound, value - step)
        case "<=": range = plausible.lowerBound...max(plausible.lowerBound, value)
        case ">": range = min(plausible.upperBound, value + step)...plausible.upperBound
        case ">=": range = min(plausible.upperBound, value)...plausible.upperBound
        default: return nil
        }
        let first = score(range.lowerBound)
        var x = range.lowerBound
        while x <= range.upperBound {
            if score(x) != first { return nil }
            x += step
        }
        return score(range.upperBound) == first ? first : nil
    }

    public static func band(total: Int, singleThree: Bool) -> Band {
        if total >= 7 { return .high }
        if total >= 5 { return .medium }
        if singleThree { return .lowMedium }
        if total >= 1 { return .low }
        return .routine
    }

    public static func respiration(_ v: Int) -> Int {
        switch v {
        case ...8: return 3
        case 9...11: return 1
        case 12...20: return 0
        case 21...24: return 2
        default: return 3
        }
    }

    public static func saturation(_ v: Int, scale2: Bool, onOxygen: Bool) -> Int {
        if !scale2 {
            switch v {
            case ...91: return 3
            case 92...93: return 2
            case 94...95: return 1
            default: return 0
            }
        }
        switch v {
        case ...83: return 3
        case 84...85: return 2
        case 86...87: return 1
        case 88...92: return 0
        default:
            guard onOxygen else { return 0 }
            switch v {
            case 93...94: return 1
            case 95...96: return 2
            default: return 3
            }
        }
    }

    public static func systolic(_ v: Int) -> Int {
        switch v {
        case ...90: return 3
        case 91...100: return 2
        case 101...110: return 1
        case 111...219: return 0
        default: return 3
        }
    }

    public static func pulse(_ v: Int) -> Int {
        switch v {
        case ...40: return 3
        case 41...50: return 1
        case 51...90: return 0
        case 91...110: return 1
        case 111...130: return 2
        default: return 3
        }
    }

    /// Temperature in °C, read to one decimal as charted.
    public static func temperature(_ c: Double) -> Int {
        let t = (c * 10).rounded() / 10
        switch t {
        case ...35.0: return 3
        case ...36.0: return 1
        case ...38.0: return 0
        case ...39.0: return 1
        default: return 2
        }
    }

    /// `A` for alert, `C`/`V`/`P`/`U` for new confusion, voice, pain, unresponsive; `nil` when the
    /// words do not say it for certain (see `ChartedWords`).
    public static func consciousnessLevel(_ text: String) -> String? {
        ChartedWords.consciousness(text: text)?.rawValue
    }

    /// Whether the patient is on supplemental oxygen, from the latest of FiO2 (3150-0), O2 flow
    /// (3151-8) — separate observations, or components of a pulse-oximetry reading as US Core R4
    /// records them — and an oxygen-therapy observation; `source` names the reading used.
    static func onOxygen(_ r: PatientRecord, now: Date, staleAfter: TimeInterval, describe: Bool = true)
        -> (value: Bool?, state: String, source: String?)
    {
        let candidates = [VitalKind.inspiredOxygen, .oxygenFlow, .oxygenTherapy].compactMap { r.latest($0) }
        guard let latest = candidates.max(by: { FHIRDate.isEarlier($0.effective, $1.effective) }) else {
            return (nil, "missing", nil)
        }
        guard let t = latest.effective?.instant, now.timeIntervalSince(t) <= staleAfter else {
            return (nil, "stale", nil)
        }
        let value: Bool?
        switch latest.kind {
        case .inspiredOxygen:
            // A fraction (0.21) or a percentage (21); more than room air is supplemental oxygen.
            value = latest.value.flatMap { v in
                let isFraction = v <= 1
                let roomAir = isFraction ? 0.21 : 21
                return certainBool(
                    value: v, comparator: latest.comparator, in: 0...(isFraction ? 1 : 100),
                    step: isFraction ? 0.01 : 1
                ) { $0 > roomAir }
            }
        case .oxygenFlow:
            value = latest.value.flatMap { v in
                certainBool(value: v, comparator: latest.comparator, in: 0...60) { $0 > 0 }
            }
        default:
            value = ChartedWords.onOxygen(text: latest.text ?? latest.display, codes: latest.valueCodes)
        }
        let state = value == nil ? "missing" : "scored"
        // Lists score a thousand patients and show no item text: name the source only when asked.
        guard describe else { return (value, state, nil) }
        let fromComponent = latest.display?.hasSuffix("(component of the pulse-oximetry reading)") == true
        let source = "\(latest.label) \(latest.formatted)" + (fromComponent ? " on the SpO2 reading" : "")
        return (value, state, source)
    }

    static func certainBool(
        value: Double, comparator: String?, in plausible: ClosedRange<Double>, step: Double = 1,
        _ test: (Double) -> Bool
    ) -> Bool? {
        certain(value: value, comparator: comparator, in: plausible, step: step) { test($0) ? 1 : 0 }.map { $0 == 1 }
    }
}
