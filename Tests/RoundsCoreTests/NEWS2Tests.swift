import Clinical
import Foundation
import RoundsCore
import Testing

/// Every band edge of every parameter, both sides of each boundary (RCP NEWS2 chart).
@Suite struct NEWS2Tests {
    @Test(arguments: [(8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (0, 3), (40, 3)])
    func respiration(_ v: Int, _ points: Int) { #expect(NEWS2.respiration(v) == points) }

    @Test(arguments: [(91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)])
    func saturationScale1(_ v: Int, _ points: Int) {
        #expect(NEWS2.saturation(v, scale2: false, onOxygen: false) == points)
        #expect(NEWS2.saturation(v, scale2: false, onOxygen: true) == points, "scale 1 ignores oxygen")
    }

    @Test(arguments: [
        (83, false, 3), (84, false, 2), (85, false, 2), (86, false, 1), (87, false, 1), (88, false, 0), (92, false, 0),
        (93, false, 0), (100, false, 0), (93, true, 1), (94, true, 1), (95, true, 2), (96, true, 2), (97, true, 3),
        (100, true, 3),
        (92, true, 0), (88, true, 0), (87, true, 1), (83, true, 3),
    ])
    func saturationScale2(_ v: Int, _ oxygen: Bool, _ points: Int) {
        #expect(NEWS2.saturation(v, scale2: true, onOxygen: oxygen) == points)
    }

    @Test(arguments: [(90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)])
    func systolic(_ v: Int, _ points: Int) { #expect(NEWS2.systolic(v) == points) }

    @Test(arguments: [(40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2), (131, 3)])
    func pulse(_ v: Int, _ points: Int) { #expect(NEWS2.pulse(v) == points) }

    @Test(arguments: [
        (35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2), (34.2, 3), (41.0, 2),
    ])
    func temperature(_ v: Double, _ points: Int) { #expect(NEWS2.temperature(v) == points) }

    @Test(arguments: [
        ("Alert", "A"), ("A", "A"), ("New confusion", "C"), ("Voice", "V"), ("Pain", "P"), ("Unresponsive", "U"),
        ("sleepy", nil),
    ])
    func consciousness(_ text: String, _ level: String?) { #expect(NEWS2.consciousnessLevel(text) == level) }

    @Test(arguments: [
        (0, false, NEWS2.Band.routine), (1, false, .low), (4, false, .low), (3, true, .lowMedium),
        (4, true, .lowMedium),
        (5, false, .medium), (6, true, .medium), (7, false, .high), (12, true, .high),
    ])
    func bands(_ total: Int, _ single3: Bool, _ band: NEWS2.Band) {
        #expect(NEWS2.band(total: total, singleThree: single3) == band)
    }

    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    func record(
        rr: Double? = 16, spo2: Double? = 97, fio2: Double? = 21, sys: Double? = 120, hr: Double? = 70,
        avpu: String? = "Alert",
        temp: Double? = 37, tempUnit: String = "Cel", age: TimeInterval = 600
    ) -> PatientRecord {
        let t = FHIRDate(instant: Self.now.addingTimeInterval(-age))
        var v: [VitalSign] = []
        if let rr { v.append(VitalSign(code: "9279-1", value: rr, unit: "/min", effective: t)) }
        if let spo2 { v.append(VitalSign(code: "59408-5", value: spo2, unit: "%", effective: t)) }
        if let fio2 { v.append(VitalSign(code: "3150-0", value: fio2, unit: "%", effective: t)) }
        if let sys {
            v.append(
                VitalSign(
                    code: "85354-9", effective: t,
                    components: [VitalComponent(code: "8480-6", value: sys), VitalComponent(code: "8462-4", value: 70)])
            )
        }
        if let hr { v.append(VitalSign(code: "8867-4", value: hr, unit: "/min", effective: t)) }
        if let avpu { v.append(VitalSign(code: "80288-4", text: avpu, effective: t)) }
        if let temp { v.append(VitalSign(code: "8310-5", value: temp, unit: tempUnit, effective: t)) }
        return PatientRecord(patient: Patient(id: "p"), latestVitals: v)
    }

    @Test func allNormalIsZeroAndComplete() {
        let n = NEWS2.score(record(), now: Self.now)
        #expect(n.total == 0)
        #expect(n.band == .routine)
        #expect(!n.isPartial)
        #expect(n.summary == "NEWS2 0 ROUTINE")
    }

    @Test func deterioratingPatientScoresHigh() {
        let n = NEWS2.score(
            record(rr: 26, spo2: 91, fio2: 28, sys: 88, hr: 131, avpu: "Voice", temp: 39.5), now: Self.now)
        #expect(n.total == 3 + 3 + 2 + 3 + 3 + 3 + 2)
        #expect(n.band == .high)
    }

    @Test func singleThreeIsLowMedium() {
        let n = NEWS2.score(record(avpu: "New confusion"), now: Self.now)
        #expect(n.total == 3)
        #expect(n.band == .lowMedium)
        #expect(n.hasSingleThree)
    }

    @Test func fahrenheitIsConverted() {
        // 102.2 °F is 39.0 °C (1 point); 102.4 °F is 39.1 °C (2 points).
        #expect(
            NEWS2.score(record(temp: 102.2, tempUnit: "[degF]"), now: Self.now).items.first {
                $0.parameter == .temperature
            }?.points == 1)
        #expect(
            NEWS2.score(record(temp: 102.4, tempUnit: "[degF]"), now: Self.now).items.first {
                $0.parameter == .temperature
            }?.points == 2)
        #expect(
            NEWS2.score(record(temp: 95.0, tempUnit: "[degF]"), now: Self.now).items.first {
                $0.parameter == .temperature
            }?.points == 3)
        #expect(NEWS2.score(record(temp: 98.6, tempUnit: "[degF]"), now: Self.now).total == 0)
    }

    @Test func oxygenScoresTwoAndSelectsTheScale2Column() {
        let n = NEWS2.score(record(spo2: 97, fio2: 35), hypercapnic: true, now: Self.now)
        #expect(n.items.first { $0.parameter == .airOrOxygen }?.points == 2)
        #expect(n.items.first { $0.parameter == .oxygenSaturation }?.points == 3)
        #expect(n.scale == 2)
        let air = NEWS2.score(record(spo2: 97, fio2: 21), hypercapnic: true, now: Self.now)
        #expect(air.total == 0)
    }

    @Test func missingParametersMakeItPartialAndNamed() {
        let n = NEWS2.score(record(fio2: nil, avpu: nil), now: Self.now)
        #expect(n.isPartial)
        #expect(n.missing == [.airOrOxygen, .consciousness])
        #expect(n.summary == "NEWS2 0 ROUTINE (partial: air or oxygen unknown, consciousness unknown)")
        #expect(n.items.filter { $0.state == "missing" }.allSatisfy { $0.points == 0 })
    }

    @Test func staleParametersScoreZeroAndMakeItPartial() {
        let n = NEWS2.score(record(hr: 140, age: 25 * 3600), now: Self.now)
        #expect(n.total == 0, "a stale pulse of 140 does not score")
        #expect(n.stale.contains(.pulse))
        #expect(n.summary.contains("pulse stale"))
        let custom = NEWS2.score(record(hr: 140, age: 25 * 3600), now: Self.now, staleAfter: 48 * 3600)
        #expect(custom.total == 3)
        #expect(!custom.isPartial)
    }

    @Test func unreadableConsciousnessIsMissingNotAlert() {
        let n = NEWS2.score(record(avpu: "drowsy?"), now: Self.now)
        #expect(n.missing == [.consciousness])
    }
}
