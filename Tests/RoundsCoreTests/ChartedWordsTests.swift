import Clinical
import Foundation
import RoundsCore
import Testing

/// What a ward really charts, both senses of each phrase, and what NEWS2 must make of it.
@Suite struct ChartedWordsTests {
    typealias Level = ChartedWords.Level

    @Test(arguments: [
        // Alert, and the phrases that only look like something else
        ("Alert", Level?.some(.alert)), ("alert and oriented x3", .alert), ("A&O x3", .alert),
        ("Oriented, no pain", .alert),
        ("Alert, no confusion", .alert), ("Alert (finding)", .alert), ("A", .alert),
        // New confusion and its negations
        ("New confusion", .confusion), ("Confused", .confusion), ("Alert but confused", .confusion),
        ("disorientated to time", .confusion),
        ("Not confused", nil), ("No new confusion", nil), ("Denies confusion", nil), ("confusion resolved", nil),
        ("no longer confused", nil), ("Baseline confusion (dementia)", nil), ("Chronic confusion", nil),
        // Voice, pain, unresponsive
        ("Voice", .voice), ("Responds to voice", .voice), ("V", .voice),
        ("Pain", .pain), ("Responds to pain", .pain), ("responds to painful stimulus only", .pain), ("P", .pain),
        ("In pain", nil), ("No pain", nil), ("Pain 5/10", nil),
        ("Unresponsive", .unresponsive), ("No response", .unresponsive), ("U", .unresponsive),
        ("Not unresponsive", nil),
        // Words that do not say
        ("sleepy", nil), ("Drowsy", nil), ("", nil), ("Alert; unresponsive to commands", nil),
    ])
    func consciousnessWords(_ text: String, _ expected: Level?) {
        #expect(ChartedWords.consciousness(text: text) == expected, "'\(text)'")
    }

    @Test(arguments: [
        (["http://snomed.info/sct|248234008"], "Confused", Level?.some(.alert)), // the code wins over the words
        (["http://snomed.info/sct|450847001"], "", .pain),
        (["http://snomed.info/sct|422768004"], "", .unresponsive),
        (["http://snomed.info/sct|300202002"], "", .voice),
        (["http://snomed.info/sct|130987000"], "Alert", .confusion),
        (["http://loinc.org|LA6560-2"], "", .confusion),
        (["http://snomed.info/sct|248234008", "http://snomed.info/sct|422768004"], "", nil), // codes that disagree
        (["http://snomed.info/sct|999999"], "Not confused", nil), // an unknown code: the words decide
    ])
    func consciousnessCodes(_ codes: [String], _ text: String, _ expected: Level?) {
        #expect(ChartedWords.consciousness(text: text, codes: codes) == expected)
    }

    @Test(arguments: [
        ("Room air", Bool?.some(false)), ("RA", false), ("On air", false), ("Not on oxygen", false),
        ("Off oxygen", false),
        ("oxygen discontinued", false), ("Weaned to room air", false), ("weaned off O2 to RA", false), ("no", false),
        ("None", false),
        ("On oxygen", true), ("2L nasal cannula", true), ("O2 via face mask", true), ("Venturi 28%", true),
        ("NC 2 lpm", true),
        ("yes", true), ("High flow nasal cannula", true),
        ("Not on room air", true), ("see notes", nil), ("", nil), ("Room air, O2 2L", nil),
    ])
    func oxygenWords(_ text: String, _ expected: Bool?) {
        #expect(ChartedWords.onOxygen(text: text) == expected, "'\(text)'")
    }

    @Test func oxygenCodes() {
        #expect(ChartedWords.onOxygen(text: "On oxygen", codes: ["http://snomed.info/sct|722742002"]) == false)
        #expect(ChartedWords.onOxygen(text: nil, codes: ["http://snomed.info/sct|371907003"]) == true)
    }

    @Test(arguments: [(98.6, Double?.some(37.0)), (37.2, 37.2), (3.7, nil), (370, nil), (101.3, 38.5), (20, nil)])
    func temperatureWithoutUnit(_ value: Double, _ celsius: Double?) {
        let read = Units.celsius(value, unit: nil)
        if let celsius {
            #expect(abs((read ?? -1) - celsius) < 0.05, "\(value)")
        } else {
            #expect(read == nil, "\(value)")
        }
    }

    // MARK: what NEWS2 makes of it

    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static var time: FHIRDate { FHIRDate(instant: now.addingTimeInterval(-600)) }

    func wellPatient(
        consciousness: String = "Alert", oxygen: String? = nil, temperature: (Double, String?) = (37, "Cel")
    ) -> PatientRecord {
        var vitals = [
            VitalSign(code: VitalKind.respiratoryRate.loinc, value: 16, unit: "/min", effective: Self.time),
            VitalSign(code: VitalKind.oxygenSaturation.loinc, value: 97, unit: "%", effective: Self.time),
            VitalSign(code: VitalKind.heartRate.loinc, value: 70, unit: "/min", effective: Self.time),
            VitalSign(
                code: VitalKind.bodyTemperature.loinc, value: temperature.0, unit: temperature.1, effective: Self.time),
            VitalSign(code: VitalKind.consciousness.loinc, text: consciousness, effective: Self.time),
            VitalSign(
                code: VitalKind.bloodPressure.loinc, effective: Self.time,
                components: [VitalComponent(code: "8480-6", value: 120, unit: "mm[Hg]")]),
        ]
        vitals.append(
            oxygen.map { VitalSign(code: VitalKind.oxygenTherapy.loinc, text: $0, effective: Self.time) }
                ?? VitalSign(code: VitalKind.inspiredOxygen.loinc, value: 21, unit: "%", effective: Self.time))
        return PatientRecord(patient: Patient(id: "p"), latestVitals: vitals)
    }

    /// The cases: a well patient scored 7 HIGH from words that say the opposite.
    @Test(arguments: ["Not confused", "No new confusion", "Oriented, no pain"])
    func negatedConsciousnessNeverScoresThree(_ text: String) {
        let n = NEWS2.score(wellPatient(consciousness: text), now: Self.now)
        let item = n.items.first { $0.parameter == .consciousness }
        #expect(item?.points == 0, "'\(text)'")
        #expect(n.total == 0)
        #expect(n.band == .routine)
    }

    @Test(arguments: [("Pain", 3), ("Unresponsive", 3), ("Voice", 3), ("New confusion", 3), ("Alert", 0)])
    func everyLevelBelowAlertScoresThree(_ text: String, _ points: Int) {
        let n = NEWS2.score(wellPatient(consciousness: text), now: Self.now)
        #expect(n.items.first { $0.parameter == .consciousness }?.points == points, "'\(text)'")
        #expect(n.total == points)
        #expect(n.band == (points == 3 ? .lowMedium : .routine))
    }

    @Test func uncertainConsciousnessIsUnknownAndNamed() {
        let n = NEWS2.score(wellPatient(consciousness: "Not confused"), now: Self.now)
        #expect(n.isPartial)
        #expect(n.summary.contains("consciousness unknown"))
    }

    @Test(arguments: [("Not on oxygen", 0), ("Off oxygen", 0), ("2L nasal cannula", 2), ("Room air", 0)])
    func oxygenWordsScore(_ text: String, _ points: Int) {
        let n = NEWS2.score(wellPatient(oxygen: text), now: Self.now)
        #expect(n.items.first { $0.parameter == .airOrOxygen }?.points == points, "'\(text)'")
        #expect(n.total == points)
    }

    @Test func temperatureWithoutUnitIsJudgedAndSaid() {
        let fahrenheit = NEWS2.score(wellPatient(temperature: (98.6, nil)), now: Self.now)
        #expect(fahrenheit.items.first { $0.parameter == .temperature }?.points == 0, "98.6 is °F: 37.0 °C")
        #expect(fahrenheit.notes.contains { $0.contains("read as °F") })
        let nonsense = NEWS2.score(wellPatient(temperature: (3.7, nil)), now: Self.now)
        #expect(nonsense.items.first { $0.parameter == .temperature }?.state == "missing")
        #expect(nonsense.notes.contains { $0.contains("not scored") })
    }
}
