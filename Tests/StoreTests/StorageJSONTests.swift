import Clinical
import Foundation
import JSONKit
import Testing

@testable import Store

/// The history is written straight to text; the content hash of every cached patient depends on
/// it being byte for byte what the tree serializes to (a changed text would mark every patient
/// "updated" on the first sync after an upgrade, and never lose or add a reading).
@Suite struct StorageJSONTests {
    @Test func historyTextIsTheTreesText() {
        var bounded = VitalSign(code: "59408-5", value: 85, unit: "%", effective: FHIRDate("2026-11-30T08:00:00Z"))
        bounded.comparator = "<"
        let coded = VitalSign(
            code: "80288-4", text: "Mentally alert \"A\"\n", effective: FHIRDate("2026-11-30"),
            valueCodes: ["http://snomed.info/sct|248234008"])
        let pressure = VitalSign(
            code: "85354-9", display: "Blood pressure", effective: FHIRDate("2026-11-30T08:00:00+01:00"),
            components: [
                VitalComponent(code: "8480-6", value: 118, unit: "mm[Hg]"), VitalComponent(code: "8462-4", value: nil),
            ])
        let readings = [
            VitalSign(code: "8310-5", value: 37.25, unit: "Cel", effective: FHIRDate("2026-11-30T06:00:00-05:00")),
            VitalSign(code: "8867-4", value: 1e20), VitalSign(code: "9279-1", value: .nan, text: "Zoë ✓"),
            bounded, coded, pressure, VitalSign(code: "local", effective: FHIRDate("not a date")),
        ]
        for count in [0, 1, readings.count] {
            let some = Array(readings.prefix(count))
            #expect(StorageJSON.historyText(some) == StorageJSON.encodeHistory(some).serialized)
        }
    }
}
