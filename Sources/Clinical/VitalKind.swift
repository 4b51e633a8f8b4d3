/// The vital signs Rounds recognises, by LOINC code.
public enum VitalKind: String, Sendable, Hashable, Codable, CaseIterable {
    case respiratoryRate, heartRate, oxygenSaturation, bodyTemperature, bloodPressure
    case systolic, diastolic, bodyHeight, bodyWeight, bmi, headCircumference
    case inspiredOxygen, oxygenFlow, oxygenTherapy, consciousness

    /// The canonical LOINC code, used when Rounds groups readings.
    public var loinc: String {
        switch self {
        case .respiratoryRate: return "9279-1"
        case .heartRate: return "8867-4"
        case .oxygenSaturation: return "59408-5"
        case .bodyTemperature: return "8310-5"
        case .bloodPressure: return "85354-9"
        case .systolic: return "8480-6"
        case .diastolic: return "8462-4"
        case .bodyHeight: return "8302-2"
        case .bodyWeight: return "29463-7"
        case .bmi: return "39156-5"
        case .headCircumference: return "9843-4"
        case .inspiredOxygen: return "3150-0"
        case .oxygenFlow: return "3151-8"
        case .oxygenTherapy: return "57485005"
        case .consciousness: return "80288-4"
        }
    }

    /// Every code that means this vital sign (older panels, alternative codes).
    public var codes: [String] {
        switch self {
        case .oxygenSaturation: return ["59408-5", "2708-6", "2710-2", "150456"]
        case .bloodPressure: return ["85354-9", "55284-4"]
        case .bodyHeight: return ["8302-2", "3137-7", "8306-3"]
        case .bodyWeight: return ["29463-7", "3141-9"]
        case .headCircumference: return ["9843-4", "8287-5"]
        case .bodyTemperature: return ["8310-5", "8331-1"]
        case .consciousness: return ["80288-4", "67775-7"]
        case .oxygenTherapy: return ["57485005", "371907003"]
        default: return [loinc]
        }
    }

    public init?(loinc code: String) {
        guard let k = VitalKind.byCode[code] else { return nil }
        self = k
    }

    private static let byCode: [String: VitalKind] = {
        var m: [String: VitalKind] = [:]
        for k in VitalKind.allCases { for c in k.codes { m[c] = k } }
        return m
    }()

    /// The label on screen.
    public var label: String {
        switch self {
        case .respiratoryRate: return "Respiratory rate"
        case .heartRate: return "Heart rate"
        case .oxygenSaturation: return "SpO2"
        case .bodyTemperature: return "Temperature"
        case .bloodPressure: return "Blood pressure"
        case .systolic: return "Systolic BP"
        case .diastolic: return "Diastolic BP"
        case .bodyHeight: return "Height"
        case .bodyWeight: return "Weight"
        case .bmi: return "BMI"
        case .headCircumference: return "Head circumference"
        case .inspiredOxygen: return "Inspired O2"
        case .oxygenFlow: return "O2 flow"
        case .oxygenTherapy: return "O2 therapy"
        case .consciousness: return "Consciousness"
        }
    }

    /// The order vital signs are listed in.
    public var displayOrder: Int { VitalKind.allCases.firstIndex(of: self) ?? 99 }
}
