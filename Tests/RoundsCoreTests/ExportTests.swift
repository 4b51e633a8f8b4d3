import Clinical
import Foundation
import JSONKit
import RoundsCore
import Store
import Testing

@Suite struct ExportTests {
    func row(_ name: String, family: String = "Black", mrn: String = "1234567") -> ListRow {
        var r = PatientRecord(
            patient: Patient(
                id: "p", name: PersonName(family: family, given: [name]), gender: "female",
                birthDate: FHIRDate("1951-08-23"), mrn: mrn))
        r.allergies = [Allergy(substance: "=HYPERLINK(\"http://evil\")")]
        return ListRow(id: "p", record: r, news2: nil, latestNote: nil)
    }

    @Test func csvHasBOMQuotesAndNeutralisesFormulas() {
        let data = ListExport.render(
            listName: "L", columns: [.name, .mrn, .allergies], rows: [row("Zoë"), row("Ann, \"Jo\"", family: "@Sum")],
            format: .csv)
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "Name,MRN,Allergies,Severity,Summary,Contingency,To-dos,Handoff held by")
        #expect(lines[1] == "\"Black, Zoë\",1234567,\"'=HYPERLINK(\"\"http://evil\"\")\",,,,,")
        #expect(lines[2].hasPrefix("\"'@Sum, Ann, \"\"Jo\"\"\""))
    }

    @Test(arguments: [
        ("=1+1", "'=1+1"), ("+44", "'+44"), ("-2", "'-2"), ("@x", "'@x"), ("plain", "plain"), ("a,b", "\"a,b\""),
    ])
    func csvCell(_ input: String, _ output: String) { #expect(ListExport.csvCell(input) == output) }

    @Test func everyFormatCarriesTheHandoffAndItsTextIsNeutralisedToo() throws {
        let accepted = Date(timeIntervalSince1970: 1_796_200_000)
        let handoff = Handoff(
            patientId: "p", severity: .unstable, summary: "=cmd|' /C calc'!A0", contingency: "If MAP < 65, bolus",
            todos: [
                Todo(
                    number: 1, id: "t1", text: "Repeat lactate", owner: "registrar", due: "10:00", addedBy: "a",
                    addedAt: accepted),
                Todo(
                    number: 2, id: "t2", text: "Cultures", owner: nil, due: nil, addedBy: "a", addedAt: accepted,
                    doneBy: "nurse_b", doneAt: accepted),
            ], acceptedBy: "nurse_b", acceptedAt: accepted)
        func render(_ format: ListExport.Format) -> String {
            String(
                decoding: ListExport.render(
                    listName: "L", columns: [.name], rows: [row("Zoë")], format: format, handoffs: ["p": handoff]),
                as: UTF8.self)
        }
        let csv = render(.csv)
        #expect(csv.contains(",unstable,'=cmd|' /C calc'!A0,\"If MAP < 65, bolus\","), "\(csv)")
        #expect(csv.contains("1. [ ] Repeat lactate (registrar, due 10:00); 2. [x] Cultures (done by nurse_b)"))
        #expect(csv.contains("nurse_b since"))
        let md = render(.md)
        #expect(md.contains("| Severity | Summary | Contingency | To-dos | Handoff held by |"))
        #expect(md.contains("=cmd\\|' /C calc'!A0"), "pipes escaped: \(md)")
        let json = try JSONParser.parse(render(.json))
        let exported = try #require(json["patients"]?[0]?["handoff"])
        #expect(exported["severity"]?.string == "unstable" && exported["acceptedBy"]?.string == "nurse_b")
        #expect(exported["todos"]?.array?.map { $0["done"]?.bool } == [false, true])
        #expect(json["patients"]?[0]?["name"]?.string == "Black, Zoë")
    }

    @Test func markdownEscapesPipes() {
        let md = String(
            decoding: ListExport.render(listName: "4 West", columns: [.name], rows: [row("A|B")], format: .md),
            as: UTF8.self)
        #expect(md.contains("| Black, A\\|B |"))
        #expect(md.contains("contains PHI"))
    }

    @Test func maskedCellsHideIdentifiers() {
        let r = row("Ruth")
        #expect(Column.name.value(r, mask: true).text == "R. B.")
        #expect(Column.mrn.value(r, mask: true).text == "•••")
        #expect(!Column.birthDate.value(r, mask: true).text.contains("1951"))
    }

    @Test func sortingPutsMissingLastBothWays() {
        let a = ListRow(id: "a", record: nil, news2: nil, latestNote: nil)
        var rec = PatientRecord(patient: Patient(id: "b"))
        rec.latestVitals = [VitalSign(code: "8867-4", value: 120)]
        let b = ListRow(id: "b", record: rec, news2: nil, latestNote: nil)
        rec.latestVitals = [VitalSign(code: "8867-4", value: 60)]
        let c = ListRow(id: "c", record: rec, news2: nil, latestNote: nil)
        #expect(ListBuilder.sort([a, b, c], by: .heartRate, descending: false).map(\.id) == ["c", "b", "a"])
        #expect(ListBuilder.sort([a, b, c], by: .heartRate, descending: true).map(\.id) == ["b", "c", "a"])
    }
}
