import Foundation
import Store
import TextSafety

/// The printable rounding sheet of a list: one self-contained HTML page (no external CSS, scripts
/// or fonts: it prints with no network) laid out for landscape paper, a block per patient that a
/// page break never splits, with NEWS2, location, key vital signs, allergies, the I-PASS fields and
/// empty boxes for handwritten notes.
public enum RoundingSheet {
    public static func html(
        listName: String, rows: [ListRow], handoffs: [String: Handoff], printedBy: String, now: Date, masked: Bool
    ) -> String {
        func value(_ column: Column, _ row: ListRow) -> String { column.value(row, now: now, mask: masked).text }
        let ward = mostCommonWard(rows.map { value(.location, $0) })
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Rounding sheet — \(escape(listName))</title>
            <style>\(style)</style></head><body>
            <header><h1>\(escape(listName))</h1>
            <p>Ward: \(escape(ward)) · Printed \(escape(Age.stamp(now))) by \(escape(printedBy)) · \
            \(rows.count) patients\
            \(masked ? " · names masked" : "") · contains PHI: shred after use</p></header>

            """
        for row in rows {
            let handoff = handoffs[row.id] ?? Handoff(patientId: row.id)
            let severity = handoff.severity
            let severityWord = severity?.rawValue.uppercased() ?? "SEVERITY NOT SET"
            var todos = ""
            for todo in handoff.todos {
                let details = todo.details(now: now, doneTime: false)
                todos += "<li>\(todo.isDone ? "☑" : "☐") \(todo.number). \(escape(todo.text))"
                if !details.isEmpty {
                    todos += " <span class=\"who\">(\(escape(details.joined(separator: ", "))))</span>"
                }
                todos += "</li>"
            }
            let held = handoff.holder(now: now).map { "Held by \(escape($0))" } ?? "Not accepted yet"
            page += """
                <section class="patient">
                <div class="head"><span class="name">\(escape(value(.name, row)))</span>
                <span>MRN \(escape(value(.mrn, row)))</span><span>\(escape(value(.ageSex, row)))</span>
                <span>\(escape(value(.location, row)))</span>
                <span class="severity \(severity?.rawValue ?? "unset")">\(escape(severityWord))</span></div>
                <div class="grid">
                <div><b>NEWS2</b> \(escape(value(.news2, row)))<br><b>HR</b> \(escape(value(.heartRate, row))) \
                <b>BP</b> \(escape(value(.bloodPressure, row))) <b>RR</b> \(escape(value(.respiratoryRate, row))) \
                <b>SpO2</b> \(escape(value(.spo2, row))) <b>T</b> \(escape(value(.temperature, row)))<br>\
                <b>Allergies</b> \(escape(value(.allergies, row)))</div>
                <div><b>Summary</b> \(escape(handoff.summary ?? "—"))<br>\
                <b>If</b> \(escape(handoff.contingency ?? "—"))\
                <br><span class="who">\(held)</span></div>
                <div><b>To do</b><ul>\(todos.isEmpty ? "<li>—</li>" : todos)</ul></div>
                </div>
                <div class="notes">Notes</div>
                </section>

                """
        }
        page += "</body></html>\n"
        return page
    }

    /// `&`, `<`, `>`, quotes escaped; control and bidi characters replaced as on the screen.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in TerminalText.safe(text, lines: false) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The ward most patients are in: the first part of their location ("5 North, Room 12, Bed A").
    static func mostCommonWard(_ locations: [String]) -> String {
        var counts: [String: Int] = [:]
        for location in locations {
            let ward = location.split(separator: ",").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            if !ward.isEmpty, ward != "—" { counts[ward, default: 0] += 1 }
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "—"
    }

    /// Landscape on the printer's paper (A4 or Letter); a patient's block never split by a page
    /// break; severity as a word and a colour, and a border that prints in black and white.
    static let style = """
        @page { size: landscape; margin: 10mm; }
        body { font: 10pt/1.3 sans-serif; color: #000; margin: 0; }
        header h1 { font-size: 14pt; margin: 0 0 2mm; }
        header p { margin: 0 0 3mm; }
        .patient { border: 1px solid #000; padding: 2mm; margin-bottom: 3mm;
          break-inside: avoid; page-break-inside: avoid; }
        .head { display: flex; gap: 5mm; font-weight: bold; border-bottom: 1px solid #888; padding-bottom: 1mm; }
        .head .name { font-size: 12pt; }
        .grid { display: grid; grid-template-columns: 1.1fr 1.3fr 1fr; gap: 4mm; margin-top: 1mm; }
        .grid ul { margin: 0; padding-left: 4mm; list-style: none; }
        .who { color: #333; font-size: 9pt; }
        .severity { margin-left: auto; padding: 0 2mm; border: 2px solid #000; }
        .severity.unstable { background: #f4c7c3; }
        .severity.watcher { background: #fce8b2; }
        .severity.stable { background: #d9ead3; }
        .notes { border: 1px dashed #000; height: 18mm; margin-top: 2mm; padding: 1mm; color: #666; font-size: 8pt; }
        """
}
