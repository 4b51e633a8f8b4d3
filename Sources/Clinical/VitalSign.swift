import Foundation

/// One vital-sign reading: a quantity, a panel of components (blood pressure), or a value that is
/// not a number (kept as `text`).
public struct VitalSign: Sendable, Hashable, Codable {
    /// The LOINC code when one was sent, else the first code.
    public var code: String { didSet { kind = VitalKind(loinc: code) } }
    public var display: String?
    public var value: Double?
    /// `<`, `<=`, `>=` or `>` when the device could only bound the value (SpO2 `<85`): the value
    /// is then a limit, never the reading itself.
    public var comparator: String? {
        get { extras?.comparator }
        set { setExtras(comparator: newValue, valueCodes: valueCodes) }
    }
    /// The UCUM code (`Cel`, `mm[Hg]`) when sent, else the unit text.
    public var unit: String?
    /// A value that is not a quantity, or why it is absent (`dataAbsentReason`).
    public var text: String?
    /// The codings of a coded value (`valueCodeableConcept`), as `system|code`: what a charted
    /// word means is read from these first (SNOMED "Mentally alert", "Breathing room air").
    public var valueCodes: [String] {
        get { extras?.valueCodes ?? [] }
        set { setExtras(comparator: comparator, valueCodes: newValue) }
    }

    /// The rarely set fields in one shared box: a list of a thousand patients copies its readings
    /// many times, and the two inline fields made every copy a third larger (first frame +40 %).
    private var extras: VitalExtras?

    private mutating func setExtras(comparator: String?, valueCodes: [String]) {
        extras =
            comparator == nil && valueCodes.isEmpty ? nil : VitalExtras(comparator: comparator, valueCodes: valueCodes)
    }
    public var effective: FHIRDate?
    public var components: [VitalComponent]

    public init(
        code: String, display: String? = nil, value: Double? = nil, unit: String? = nil,
        text: String? = nil, effective: FHIRDate? = nil, components: [VitalComponent] = [],
        comparator: String? = nil, valueCodes: [String] = []
    ) {
        self.code = code
        self.display = display
        self.value = value
        self.unit = unit
        self.text = text
        self.effective = effective
        self.components = components
        kind = VitalKind(loinc: code)
        setExtras(comparator: comparator, valueCodes: valueCodes)
    }

    /// What this reading measures, when Rounds knows the code. Kept with the code (NEWS2 and the
    /// list ask for it many times per patient; looking it up each time showed in profiles).
    public private(set) var kind: VitalKind?

    private enum CodingKeys: String, CodingKey {
        case code, display, value, comparator, unit, text, valueCodes, effective, components
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try c.decode(String.self, forKey: .code),
            display: try c.decodeIfPresent(String.self, forKey: .display),
            value: try c.decodeIfPresent(Double.self, forKey: .value),
            unit: try c.decodeIfPresent(String.self, forKey: .unit),
            text: try c.decodeIfPresent(String.self, forKey: .text),
            effective: try c.decodeIfPresent(FHIRDate.self, forKey: .effective),
            components: try c.decodeIfPresent([VitalComponent].self, forKey: .components) ?? [],
            comparator: try c.decodeIfPresent(String.self, forKey: .comparator),
            valueCodes: try c.decodeIfPresent([String].self, forKey: .valueCodes) ?? [])
    }

    /// A short human label: the known name, else the sent display, else the code.
    public var label: String { kind?.label ?? display ?? code }

    /// The value as a nurse reads it: `118 /min`, `92/58 mmHg`, `37.2 °C`, or the text as sent.
    public var formatted: String {
        if kind == .bloodPressure, let bp = bloodPressure {
            return "\(bp.systolic.map(VitalSign.number) ?? "?")/\(bp.diastolic.map(VitalSign.number) ?? "?") mmHg"
        }
        if let value {
            let u = Units.display(unit)
            let number = (comparator ?? "") + VitalSign.number(value)
            return u.isEmpty ? number : "\(number) \(u)"
        }
        if let text { return text }
        if !components.isEmpty {
            return components.map { c in
                c.value.map { "\(VitalSign.number($0)) \(Units.display(c.unit))".trimmingSpaces } ?? (c.text ?? "—")
            }.joined(separator: " / ")
        }
        return "—"
    }

    /// Systolic and diastolic, from a panel's components or (for a lone systolic/diastolic reading)
    /// from the value itself.
    public var bloodPressure: (systolic: Double?, diastolic: Double?)? {
        guard kind == .bloodPressure else { return nil }
        let s = components.first { $0.code == VitalKind.systolic.loinc }?.value
        let d = components.first { $0.code == VitalKind.diastolic.loinc }?.value
        if s == nil && d == nil { return nil }
        return (s, d)
    }

    /// `118`, `36.8`, `36.56` — no trailing zeros, at most two decimals.
    public static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e12 { return String(Int(v)) }
        // One decimal (37.2, 98.6) without Foundation's formatter, which is slow on Linux.
        if abs(v) < 1e9, (v * 10).rounded() == v * 10 || abs((v * 10).rounded() - v * 10) < 1e-9 {
            let tenths = Int((v * 10).rounded())
            return (tenths < 0 ? "-" : "") + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
        }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// One part of a panel (systolic in a blood-pressure panel).
public struct VitalComponent: Sendable, Hashable, Codable {
    public var code: String
    public var display: String?
    public var value: Double?
    public var comparator: String?
    public var unit: String?
    public var text: String?
    public init(
        code: String, display: String? = nil, value: Double? = nil, unit: String? = nil, text: String? = nil,
        comparator: String? = nil
    ) {
        self.code = code
        self.display = display
        self.value = value
        self.unit = unit
        self.text = text
        self.comparator = comparator
    }
}

extension String {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension VitalSign {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(display, forKey: .display)
        try c.encode(value, forKey: .value)
        try c.encode(comparator, forKey: .comparator)
        try c.encode(unit, forKey: .unit)
        try c.encode(text, forKey: .text)
        try c.encode(valueCodes, forKey: .valueCodes)
        try c.encode(effective, forKey: .effective)
        try c.encode(components, forKey: .components)
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension VitalComponent {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(display, forKey: .display)
        try c.encode(value, forKey: .value)
        try c.encode(unit, forKey: .unit)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(comparator, forKey: .comparator)
    }
}

/// The rare parts of a reading (a comparator, the codes of a coded value), compared by content.
final class VitalExtras: Sendable, Hashable {
    let comparator: String?
    let valueCodes: [String]

    init(comparator: String?, valueCodes: [String]) {
        self.comparator = comparator
        self.valueCodes = valueCodes
    }

    static func == (a: VitalExtras, b: VitalExtras) -> Bool {
        a.comparator == b.comparator && a.valueCodes == b.valueCodes
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(comparator)
        hasher.combine(valueCodes)
    }
}
