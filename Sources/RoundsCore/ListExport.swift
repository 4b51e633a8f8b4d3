import Foundation
import Store
import TextSafety

/// The shift report: a list's columns and each patient's handoff, one row per patient, as CSV
/// (RFC 4180, UTF-8 with a BOM so Excel reads Zoë correctly, formula injection neutralised),
/// Markdown, JSON, or the printable rounding sheet (HTML, `RoundingSheet`).
public enum ListExport {
    public enum Format: String, Sendable, CaseIterable { case csv, md, json, html }

    /// The handoff's fields as the CSV and Markdown columns after the list's own.
    static let handoffTitles = ["Severity", "Summary", "Contingency", "To-dos", "Handoff held by"]

    public static func render(
        listName: String, columns: [Column], rows: [ListRow], format: Format, now: Date = Date(),
        handoffs: [String: Handoff] = [:], printedBy: String = "", masked: Bool = false
    ) -> Data {
        let table = rows.map { row in
            columns.map { $0.value(row, now: now, mask: masked).text } + handoffCells(handoffs[row.id], now: now)
        }
        let titles = columns.map(\.title) + handoffTitles
        switch format {
        case .html:
            let page = RoundingSheet.html(
                listName: listName, rows: rows, handoffs: handoffs, printedBy: printedBy, now: now, masked: masked)
            return Data(page.utf8)
        case .csv:
            var out = "\u{FEFF}"
            out += titles.map(csvCell).joined(separator: ",") + "\r\n"
            for r in table { out += r.map(csvCell).joined(separator: ",") + "\r\n" }
            return Data(out.utf8)
        case .md:
            var out = "# \(mdCell(listName))\n\nExported \(Age.stamp(now)) · \(rows.count) patients · contains PHI\n\n"
            out += "| " + titles.map(mdCell).joined(separator: " | ") + " |\n"
            out += "|" + titles.map { _ in " --- |" }.joined() + "\n"
            for r in table { out += "| " + r.map(mdCell).joined(separator: " | ") + " |\n" }
            return Data(out.utf8)
        case .json:
            let objects: [PatientDoc] = rows.map { row in
                var o = ["id": row.id]
                for c in columns { o[c.rawValue] = c.value(row, now: now, mask: masked).text }
                return PatientDoc(values: o, handoff: handoffs[row.id].map(HandoffDoc.init))
            }
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Doc: Encodable {
                let list: String
                let exportedAt: String
                let columns: [String]
                let patients: [PatientDoc]
            }
            let doc = Doc(
                list: listName, exportedAt: ISO8601DateFormatter().string(from: now), columns: columns.map(\.rawValue),
                patients: objects)
            let encoded = (try? e.encode(doc)) ?? Data()
            return Data(TerminalText.safeJSON(String(decoding: encoded, as: UTF8.self)).utf8)
        }
    }

    /// Severity, summary, contingency, to-dos (`1. [ ] Repeat lactate (registrar, due 10:00)`) and
    /// who holds the handoff, for one patient.
    static func handoffCells(_ handoff: Handoff?, now: Date) -> [String] {
        guard let handoff else { return ["", "", "", "", ""] }
        let todos = handoff.todos.map { todo in
            let details = todo.details(now: now, doneTime: false)
            return todo.checkboxLine + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
        }
        let held = handoff.holder(now: now)
        return [
            handoff.severity?.rawValue ?? "", handoff.summary ?? "", handoff.contingency ?? "",
            todos.joined(separator: "; "), held ?? "",
        ]
    }

    /// A patient in the JSON export: the columns' text, and the handoff as its own object.
    struct PatientDoc: Encodable {
        let values: [String: String]
        let handoff: HandoffDoc?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in values { try container.encode(value, forKey: Key(stringValue: key)) }
            try container.encodeIfPresent(handoff, forKey: Key(stringValue: "handoff"))
        }
    }

    struct HandoffDoc: Encodable {
        let severity: String?
        let summary: String?
        let contingency: String?
        let acceptedBy: String?
        let acceptedAt: String?
        let todos: [TodoDoc]

        init(_ handoff: Handoff) {
            severity = handoff.severity?.rawValue
            summary = handoff.summary
            contingency = handoff.contingency
            acceptedBy = handoff.acceptedBy
            acceptedAt = handoff.acceptedAt.map { ISO8601DateFormatter().string(from: $0) }
            todos = handoff.todos.map(TodoDoc.init)
        }
    }

    struct TodoDoc: Encodable {
        let number: Int
        let text: String
        let owner: String?
        let due: String?
        let done: Bool
        let doneBy: String?

        init(_ todo: Todo) {
            number = todo.number
            text = todo.text
            owner = todo.owner
            due = todo.due
            done = todo.isDone
            doneBy = todo.doneBy
        }
    }

    /// One CSV field: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` so a spreadsheet never
    /// runs it as a formula; quotes, commas and line breaks are quoted per RFC 4180.
    public static func csvCell(_ s: String) -> String {
        var v = TerminalText.safe(s, lines: true)
        if let f = v.first, "=+-@\t\r".contains(f) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    static func mdCell(_ s: String) -> String {
        TerminalText.safe(s.replacingOccurrences(of: "\n", with: " "), lines: false).replacingOccurrences(
            of: "|", with: "\\|")
    }
}
