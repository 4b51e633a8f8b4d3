import Clinical
import FHIRAdapters
import Foundation
import RoundsCore
import Testing

/// NEWS2 from oxygen wherever a release records it, and from bounded values (`<85`).
@Suite struct NEWS2SourcesTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static var time: FHIRDate { FHIRDate(instant: now.addingTimeInterval(-600)) }

    func record(_ vitals: [VitalSign]) -> PatientRecord {
        let (latest, history) = VitalSignsMapper.summarize(vitals)
        return PatientRecord(patient: Patient(id: "p"), latestVitals: latest, vitalHistory: history)
    }

    func vital(_ kind: VitalKind, _ value: Double, _ unit: String, comparator: String? = nil) -> VitalSign {
        VitalSign(code: kind.loinc, value: value, unit: unit, effective: Self.time, comparator: comparator)
    }

    /// A well patient apart from what each case adds: every parameter scores 0.
    func wellPatient() -> [VitalSign] {
        [
            vital(.respiratoryRate, 16, "/min"), vital(.oxygenSaturation, 97, "%"), vital(.heartRate, 70, "/min"),
            vital(.bodyTemperature, 37, "Cel"),
            VitalSign(code: VitalKind.consciousness.loinc, text: "Alert", effective: Self.time),
            VitalSign(
                code: VitalKind.bloodPressure.loinc, effective: Self.time,
                components: [VitalComponent(code: "8480-6", value: 120, unit: "mm[Hg]")]),
        ]
    }

    func item(_ n: NEWS2, _ p: NEWS2.Parameter) -> NEWS2.Item? { n.items.first { $0.parameter == p } }

    @Test func oxygenFromThePulseOximetryComponentScoresTwoAndSaysWhere() throws {
        let json =
            #"{"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"#
            + #""code":{"coding":[{"system":"http://loinc.org","code":"59408-5"}]},"#
            + #""subject":{"reference":"Patient/p"},"effectiveDateTime":"\#(Self.time.raw)","#
            + #""valueQuantity":{"value":97,"unit":"%"},"#
            + #""component":[{"code":{"coding":[{"system":"http://loinc.org","code":"3151-8"}]},"#
            + #""valueQuantity":{"value":2,"unit":"L/min","system":"http://unitsofmeasure.org","#
            + #""code":"L/min"}}]}"#
        let ctx = MappingContext(profile: .r4)
        let readings = VitalSignsMapper.readings(try JSONNode.parse(json), context: ctx, index: 0)
        let others = wellPatient().filter { $0.kind != .oxygenSaturation }
        let n = NEWS2.score(record(others + readings), now: Self.now)
        let air = try #require(item(n, .airOrOxygen))
        #expect(air.points == 2)
        #expect(air.state == "scored")
        #expect(air.value?.contains("O2 flow 2 L/min on the SpO2 reading") == true, "\(air.value ?? "")")
        #expect(n.total == 2)
        #expect(!n.isPartial)
    }

    @Test(arguments: [(21.0, 0), (0.21, 0), (28.0, 2), (0.28, 2), (100.0, 2)])
    func inspiredOxygenAsPercentOrFraction(_ value: Double, _ points: Int) throws {
        let n = NEWS2.score(
            record(wellPatient() + [vital(.inspiredOxygen, value, value <= 1 ? "1" : "%")]), now: Self.now)
        #expect(item(n, .airOrOxygen)?.points == points)
    }

    @Test func noOxygenRecordIsUnknownNotAir() throws {
        let n = NEWS2.score(record(wellPatient()), now: Self.now)
        #expect(item(n, .airOrOxygen)?.state == "missing")
        #expect(n.isPartial)
    }

    /// A bound scores only when every value it allows scores the same.
    @Test(arguments: [
        (VitalKind.oxygenSaturation, 85.0, "<", "%", Optional(3)), // <85: every value scores 3 on scale 1
        (.oxygenSaturation, 96.0, ">", "%", Optional(0)), // >96: 0
        (.oxygenSaturation, 95.0, ">=", "%", Optional<Int>.none), // 95 scores 1, 96 scores 0
        (.heartRate, 100.0, "<", "/min", Optional<Int>.none), // 70 scores 0, 30 scores 3
        (.heartRate, 200.0, ">", "/min", Optional(3)),
        (.respiratoryRate, 8.0, "<=", "/min", Optional(3)),
    ])
    func comparators(_ kind: VitalKind, _ value: Double, _ comparator: String, _ unit: String, _ points: Int?) throws {
        let vitals = wellPatient().filter { $0.kind != kind } + [vital(kind, value, unit, comparator: comparator)]
        let parameter: NEWS2.Parameter =
            kind == .oxygenSaturation ? .oxygenSaturation : (kind == .heartRate ? .pulse : .respirationRate)
        let scored = try #require(item(NEWS2.score(record(vitals), now: Self.now), parameter))
        if let points {
            #expect(scored.points == points)
            #expect(scored.state == "scored")
        } else {
            #expect(scored.state == "missing", "an uncertain bound is unknown, never guessed")
            #expect(scored.points == 0)
        }
        #expect(scored.value?.hasPrefix(comparator) == true)
    }
}
